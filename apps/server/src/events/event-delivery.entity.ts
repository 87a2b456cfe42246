import { Column, Entity, Index } from 'typeorm';
import { LeasedEntity } from '../database/leased.entity.js';

/**
 * pending → delivering (claimed, leased) → delivered; a failure goes back to pending with backoff
 * and, after the last attempt, to failed, where it stays visible. skipped: the subscriber's plugin
 * was off for the tenant when the delivery was due.
 */
export type DeliveryStatus = 'pending' | 'delivering' | 'delivered' | 'skipped' | 'failed';

/** One (event, subscriber) pair to deliver; written with the event, in the same transaction. */
@Entity('event_delivery')
@Index(['tenantId', 'eventId', 'subscriber'], { unique: true })
@Index(['tenantId', 'status', 'nextAttemptAt'])
// The pollers' look across tenants: which tenants have due or abandoned deliveries.
@Index(['status', 'nextAttemptAt'])
@Index(['status', 'leaseUntil'])
export class EventDelivery extends LeasedEntity {
  @Column({ type: 'varchar', length: 36 })
  eventId!: string;

  /** `<plugin or core>:<subscriber class>`, or `webhook:<endpoint id>`. */
  @Column({ type: 'varchar', length: 120 })
  subscriber!: string;

  @Column({ type: 'varchar', length: 12 })
  override status!: DeliveryStatus;

  @Column({ type: 'datetime', nullable: true })
  deliveredAt!: Date | null;
}
