import { Column, Entity, Index } from 'typeorm';
import { TenantOwnedEntity } from '../tenancy/tenant-owned.entity.js';

/** When a device was last seen; written in batches (DeviceService), apart from the cached `device` rows. */
@Entity('device_heartbeat')
@Index(['tenantId', 'deviceId'], { unique: true })
export class DeviceHeartbeat extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 36 })
  deviceId!: string;

  @Column({ type: 'datetime' })
  lastSeenAt!: Date;
}
