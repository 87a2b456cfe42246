import { Column, Entity, Index } from 'typeorm';
import { TenantOwnedEntity } from '../tenancy/tenant-owned.entity.js';

export type IdempotencyState = 'in-progress' | 'done';

/**
 * One `Idempotency-Key` a client sent for one kind of request (`scope`), bound to what that
 * request asked for (`requestHash`). While the first request runs it is `in-progress` under a
 * lease; when it succeeded it holds the response, which may carry personal data (a booking's name,
 * email and token), so every record is purged once it expires.
 */
@Entity('idempotency_record')
@Index(['tenantId', 'scope', 'key'], { unique: true })
@Index(['tenantId', 'expiresAt'])
export class IdempotencyRecord extends TenantOwnedEntity {
  /** The kind of request, e.g. `booking.create`; a key is unique per tenant and scope. */
  @Column({ type: 'varchar', length: 60 })
  scope!: string;

  @Column({ type: 'varchar', length: 100 })
  key!: string;

  /** sha256 (hex) of the canonical JSON of what the request asks for, including who asks. */
  @Column({ type: 'varchar', length: 64 })
  requestHash!: string;

  @Column({ type: 'varchar', length: 12 })
  state!: IdempotencyState;

  /** The claim of the request working on it; its completion must still hold this claim. */
  @Column({ type: 'varchar', length: 36 })
  claim!: string;

  /** An in-progress record whose lease lapsed belongs to a request that died: it may be taken over. */
  @Column({ type: 'datetime', nullable: true })
  leaseUntil!: Date | null;

  /** The successful response, returned again to a true replay (failures free the key instead). */
  @Column({ type: 'simple-json', nullable: true })
  response!: object | null;

  @Column({ type: 'datetime' })
  expiresAt!: Date;
}
