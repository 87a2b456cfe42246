import { Column, Entity, Index } from 'typeorm';
import { TenantOwnedEntity } from '../../../apps/server/src/tenancy/tenant-owned.entity.js';

/**
 * Capacity staff took out of the calendar: one counter (counterId) or the whole location (null)
 * from startAt to endAt, e.g. a single slot, a counter for a day (illness), the location for some
 * hours. What it withholds per capacity unit is in booking_capacity_block_unit.
 */
@Entity('booking_capacity_block')
@Index(['tenantId', 'locationId', 'endAt'])
export class CapacityBlock extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 36 })
  locationId!: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  counterId!: string | null;

  @Column({ type: 'datetime' })
  startAt!: Date;

  @Column({ type: 'datetime' })
  endAt!: Date;

  @Column({ type: 'varchar', length: 200 })
  reason!: string;

  /** The staff member who blocked (admin_user id). */
  @Column({ type: 'varchar', length: 36 })
  createdBy!: string;

  /** When the affected citizens were offered a new time (once per block). */
  @Column({ type: 'datetime', nullable: true })
  offeredAt!: Date | null;
}

/**
 * What one block withholds from one unit: `removed` units of capacity taken away, `owed` units it
 * still takes as soon as booked ones are freed (a block never lowers capacity below `used`).
 */
@Entity('booking_capacity_block_unit')
@Index(['tenantId', 'blockId', 'unitId'], { unique: true })
@Index(['tenantId', 'unitId'])
export class CapacityBlockUnit extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 36 })
  blockId!: string;

  @Column({ type: 'varchar', length: 36 })
  unitId!: string;

  @Column({ type: 'int', default: 0 })
  removed!: number;

  @Column({ type: 'int', default: 0 })
  owed!: number;
}
