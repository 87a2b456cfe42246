import { Column, Entity, Index } from 'typeorm';
import { TenantOwnedEntity } from '../tenancy/tenant-owned.entity.js';

/**
 * Something that happened, written in the transaction of the change: it exists exactly when the
 * change committed. The payload holds ids and instants, never personal data.
 */
@Entity('domain_event')
@Index(['tenantId', 'occurredAt'])
export class DomainEvent extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 80 })
  type!: string;

  @Column({ type: 'simple-json' })
  payload!: object;

  /**
   * To the millisecond on every database: MySQL/MariaDB's plain datetime cut it to the second,
   * which lost the order of a second's events (webhooks.md tells receivers to order by it).
   */
  @Column({ type: 'datetime', precision: 3 })
  occurredAt!: Date;
}
