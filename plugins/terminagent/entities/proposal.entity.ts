import { Column, Entity, Index } from 'typeorm';
import { TenantOwnedEntity } from '../../../apps/server/src/tenancy/tenant-owned.entity.js';

/**
 * One proposed time of an offer. Its id owns the held agent units (booking capacity allocations),
 * so the proposal's capacity is freed or turned into the booking's by owner.
 */
@Entity('terminagent_proposal')
@Index(['tenantId', 'offerId'])
@Index(['tenantId', 'createdAt'])
export class TerminagentProposal extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 36 })
  offerId!: string;

  @Column({ type: 'varchar', length: 36 })
  locationId!: string;

  @Column({ type: 'datetime' })
  startAt!: Date;

  @Column({ type: 'datetime' })
  endAt!: Date;

  /** Position in the offer mail (1..k). */
  @Column({ type: 'int' })
  position!: number;
}
