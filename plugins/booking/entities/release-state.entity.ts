import { Column, Entity, Index } from 'typeorm';
import { TenantOwnedEntity } from '../../../apps/server/src/tenancy/tenant-owned.entity.js';

/** How far a location's capacity has been released; makes the release task cheap and idempotent. */
@Entity('booking_release_state')
@Index(['tenantId', 'locationId'], { unique: true })
export class ReleaseState extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 36 })
  locationId!: string;

  /** Last tenant-local date whose advance release is done. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  releasedThrough!: string | null;

  /** Last tenant-local date whose same-day release (Tagestermine) is done. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  sameDayReleased!: string | null;

  /** Fingerprint of schedules and closures at the last sync; a change re-syncs released days. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  catalogStamp!: string | null;
}
