import { Column, Entity, Index } from 'typeorm';
import { TenantOwnedEntity } from '../../../apps/server/src/tenancy/tenant-owned.entity.js';

/**
 * Per tenant: a lease so that one matching run at a time walks the queue (strict FIFO even when
 * a release-triggered run meets the periodic one), and what the last run saw, so that a run is
 * skipped when neither capacity nor the queue changed.
 */
@Entity('terminagent_match_state')
@Index(['tenantId'], { unique: true })
export class TerminagentMatchState extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 80, nullable: true })
  leaseOwner!: string | null;

  @Column({ type: 'datetime', nullable: true })
  leaseUntil!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  lastRunAt!: Date | null;

  /** Free agent capacity and queue as of the last run; a change triggers a run before the interval. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  lastSignature!: string | null;
}
