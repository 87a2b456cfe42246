import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { TenantOwnedEntity } from '../tenancy/tenant-owned.entity.js';
import { Device } from './device.entity.js';

/** When a device was last seen; written in batches (DeviceService), apart from the cached `device` rows. */
@Entity('device_heartbeat')
@Index(['tenantId', 'deviceId'], { unique: true })
export class DeviceHeartbeat extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 36 })
  deviceId!: string;

  /** Goes with its device (deleted in the panel or with its location). */
  @ManyToOne(() => Device, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'deviceId' })
  device?: Relation<Device>;

  @Column({ type: 'datetime' })
  lastSeenAt!: Date;
}
