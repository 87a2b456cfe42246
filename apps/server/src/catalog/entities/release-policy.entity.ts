import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { TenantOwnedEntity } from '../../tenancy/tenant-owned.entity.js';
import { Location } from './location.entity.js';

/**
 * When capacity becomes bookable and how it is shared between channels (Terminkontingent).
 * The row without a location is the tenant's default; a location's row overrides it.
 */
@Entity('release_policy')
@Index(['tenantId', 'locationId'])
export class ReleasePolicy extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 36, nullable: true })
  locationId!: string | null;

  @ManyToOne(() => Location, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'locationId' })
  location?: Relation<Location> | null;

  /** Tenant-local time of the daily release (Düsseldorf: 09:00). */
  @Column({ type: 'varchar', length: 5, default: '09:00' })
  dailyReleaseTime!: string;

  /** Days ahead that the daily release opens. */
  @Column({ type: 'int', default: 21 })
  horizonDays!: number;

  /** Tenant-local time at which today's remaining capacity (Tagestermine) is released. */
  @Column({ type: 'varchar', length: 5, default: '07:00' })
  sameDayReleaseTime!: string;

  @Column({ type: 'int', default: 70 })
  shareOnlinePercent!: number;

  @Column({ type: 'int', default: 20 })
  shareAgentPercent!: number;

  @Column({ type: 'int', default: 10 })
  sharePhonePercent!: number;

  @Column({ type: 'int', default: 0 })
  shareKioskPercent!: number;

  /** Minutes before cancelled capacity is bookable again (against slot trading). */
  @Column({ type: 'int', default: 60 })
  cancelReturnDelayMinutes!: number;
}
