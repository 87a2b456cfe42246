import { Column, Entity, Index } from 'typeorm';
import { TenantOwnedEntity } from '../../../apps/server/src/tenancy/tenant-owned.entity.js';

/**
 * Per location: `version` rises in every transaction that changes the location's queue (tickets
 * and workplaces), so pages and displays poll one number; the row is also the lock that orders the
 * location's queue transactions on MySQL/MariaDB.
 */
@Entity('queue_location_state')
@Index(['tenantId', 'locationId'], { unique: true })
export class QueueLocationState extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 36 })
  locationId!: string;

  @Column({ type: 'int', default: 0 })
  version!: number;

  /** Appointments called in a row since the last walk-in (anti-starvation rule). */
  @Column({ type: 'int', default: 0 })
  appointmentsInRow!: number;
}
