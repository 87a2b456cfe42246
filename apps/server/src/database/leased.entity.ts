import { Column } from 'typeorm';
import { TenantOwnedEntity } from '../tenancy/tenant-owned.entity.js';
import type { LeasedRow } from './lease-claim.js';

/**
 * Base of a tenant's work item that one worker among several instances claims with a lease
 * (`claimDue` in lease-claim.ts): the outbox's messages, the events' deliveries. The status
 * column stays with each table (its values and width are the table's own); the claim's columns
 * are declared here once.
 */
export abstract class LeasedEntity extends TenantOwnedEntity implements LeasedRow {
  abstract status: string;

  /** Claims so far; a claim counts the attempt, a row handed back untried gives it back. */
  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ type: 'datetime' })
  nextAttemptAt!: Date;

  /** The claim's token (worker and claim) and until when it holds; a lapsed lease (crashed worker) is taken over. */
  @Column({ type: 'varchar', length: 80, nullable: true })
  claimedBy!: string | null;

  @Column({ type: 'datetime', nullable: true })
  leaseUntil!: Date | null;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;
}
