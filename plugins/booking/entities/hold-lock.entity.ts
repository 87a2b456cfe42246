import { Column, Entity, Index } from 'typeorm';
import { TenantOwnedEntity } from '../../../apps/server/src/tenancy/tenant-owned.entity.js';

/**
 * One row per capped key (a client address or a mailbox, as an HMAC), written at the start of a
 * booking's transaction: on MySQL/MariaDB the write keeps the row locked until commit, so the
 * bookings of one client count their holds one after another. Purged a few days after last use.
 */
@Entity('booking_hold_lock')
@Index(['tenantId', 'key'], { unique: true })
@Index(['tenantId', 'updatedAt'])
export class HoldLock extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 64 })
  key!: string;
}
