import { Column, Entity, Index, JoinColumn, ManyToOne, UpdateDateColumn, type Relation } from 'typeorm';
import { UuidEntity } from '../database/uuid-entity.js';
import { Tenant } from './tenant.entity.js';

/**
 * Whether a plugin is on for a tenant, and its settings. Administrators change these at run time;
 * the `config*` columns remember what the tenant file said last, so a changed file wins once and
 * an unchanged file never overwrites an administrator's change.
 */
@Entity('tenant_plugin_state')
@Index(['tenantId', 'plugin'], { unique: true })
export class TenantPluginState extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  tenantId!: string;

  @ManyToOne(() => Tenant, (t) => t.plugins, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenantId' })
  tenant?: Relation<Tenant>;

  @Column({ type: 'varchar', length: 40 })
  plugin!: string;

  @Column({ type: 'boolean', default: false })
  enabled!: boolean;

  @Column({ type: 'simple-json' })
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- settings are free-form JSON, checked by each plugin's schema
  settings!: Record<string, any>;

  @Column({ type: 'boolean', nullable: true })
  configEnabled!: boolean | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  configSettingsHash!: string | null;

  @UpdateDateColumn()
  updatedAt!: Date;
}
