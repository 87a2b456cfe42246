import { Column, Entity, Index } from 'typeorm';
import { TenantOwnedEntity } from '../tenancy/tenant-owned.entity.js';

/** One try to deliver an event to an endpoint: the delivery log the tenant's admins read. */
@Entity('webhook_attempt')
@Index(['tenantId', 'attemptedAt'])
@Index(['tenantId', 'endpointId', 'attemptedAt'])
export class WebhookAttempt extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 36 })
  endpointId!: string;

  @Column({ type: 'varchar', length: 36 })
  eventId!: string;

  @Column({ type: 'varchar', length: 80 })
  eventType!: string;

  @Column({ type: 'datetime' })
  attemptedAt!: Date;

  /** The receiver's status code; null when no answer came (refused target, timeout, network). */
  @Column({ type: 'int', nullable: true })
  httpStatus!: number | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error!: string | null;

  @Column({ type: 'int' })
  durationMs!: number;
}
