import { Column, Entity, Index } from 'typeorm';
import { TenantOwnedEntity } from '../tenancy/tenant-owned.entity.js';

/** A receiver of a tenant's events, configured by its administrators in the panel. */
@Entity('webhook_endpoint')
@Index(['tenantId', 'active'])
export class WebhookEndpoint extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 2000 })
  url!: string;

  /** Event types, comma-separated; `*` for all. */
  @Column({ type: 'varchar', length: 1000, default: '*' })
  events!: string;

  /** Signs every request (HMAC-SHA256); set by the administrator, never sent back to the panel. */
  @Column({ type: 'varchar', length: 200 })
  secret!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ type: 'varchar', length: 200, nullable: true })
  description!: string | null;
}

/** Whether an endpoint's event list asks for this type. */
export function wantsEvent(events: string, type: string): boolean {
  return events.split(',').some((e) => e.trim() === '*' || e.trim() === type);
}
