import { Column, Entity, Index } from 'typeorm';
import { TenantOwnedEntity } from '../../../apps/server/src/tenancy/tenant-owned.entity.js';

/**
 * A private calendar subscription (ICS) of a location, or of one counter there. Only a hash of the
 * URL's secret is stored; revoking deletes the row, so the old URL answers 404.
 */
@Entity('booking_calendar_feed')
@Index(['tenantId', 'secretHash'], { unique: true })
@Index(['tenantId', 'locationId'])
export class CalendarFeed extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 36 })
  locationId!: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  counterId!: string | null;

  /** SHA-256 (hex) of the secret in the URL. */
  @Column({ type: 'varchar', length: 64 })
  secretHash!: string;

  /** The staff member who issued it (admin_user id). */
  @Column({ type: 'varchar', length: 36 })
  createdBy!: string;
}
