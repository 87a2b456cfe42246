import { Check, Column, Entity, Index } from 'typeorm';
import { TenantOwnedEntity } from '../../../apps/server/src/tenancy/tenant-owned.entity.js';

export const CHANNELS = ['online', 'agent', 'phone', 'kiosk'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * Released capacity of one slot at one location for one channel. `used` counts held and booked
 * units; it only moves through conditional updates, and the CHECK is the last line of defence.
 */
@Entity('booking_capacity_unit')
@Index(['tenantId', 'locationId', 'slotStart', 'channel'], { unique: true })
// Covers the availability query (a range per channel and location, read from the index alone);
// without it the database scans every unit of the tenant.
@Index(['tenantId', 'channel', 'locationId', 'slotStart', 'used', 'capacity', 'slotMinutes', 'utcOffsetMinutes', 'localDate', 'localStart'])
@Check('CHK_booking_capacity_unit_used', '"used" >= 0 AND "used" <= "capacity"')
export class CapacityUnit extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 36 })
  locationId!: string;

  /** UTC instant the slot starts. */
  @Column({ type: 'datetime' })
  slotStart!: Date;

  @Column({ type: 'int' })
  slotMinutes!: number;

  /** Tenant-local date and HH:MM of the start, so answers need no time-zone maths per row. */
  @Column({ type: 'varchar', length: 10 })
  localDate!: string;

  @Column({ type: 'varchar', length: 5 })
  localStart!: string;

  /** Minutes east of UTC at the start (60 in winter, 120 in summer for Europe/Berlin). */
  @Column({ type: 'int' })
  utcOffsetMinutes!: number;

  @Column({ type: 'varchar', length: 10 })
  channel!: Channel;

  @Column({ type: 'int' })
  capacity!: number;

  @Column({ type: 'int', default: 0 })
  used!: number;

  /**
   * Units capacity blocks still take from this row once booked ones are freed (freeing then lowers
   * capacity with used, so a time inside a block is never offered again). At most `used`.
   */
  @Column({ type: 'int', default: 0 })
  owed!: number;
}
