import { Column, Entity, Index } from 'typeorm';
import { TenantOwnedEntity } from '../../../apps/server/src/tenancy/tenant-owned.entity.js';

export type OfferStatus = 'open' | 'accepted' | 'declined' | 'expired' | 'withdrawn';

/** A Terminvorschlag mail: 1..k proposals held for one wish until accepted, declined or expired. */
@Entity('terminagent_offer')
@Index(['tenantId', 'status', 'expiresAt'])
@Index(['tenantId', 'wishId'])
@Index(['tenantId', 'mailedAt'])
@Index(['tenantId', 'decidedAt'])
export class TerminagentOffer extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 36 })
  wishId!: string;

  @Column({ type: 'varchar', length: 10 })
  status!: OfferStatus;

  /** Secret of the accept / decline links. */
  @Column({ type: 'varchar', length: 64 })
  token!: string;

  @Column({ type: 'datetime' })
  expiresAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  decidedAt!: Date | null;

  /** Set in the transaction that put the offer mail into the outbox. */
  @Column({ type: 'datetime', nullable: true })
  mailedAt!: Date | null;

  /** The appointment made on acceptance. */
  @Column({ type: 'varchar', length: 12, nullable: true })
  bookingReference!: string | null;
}
