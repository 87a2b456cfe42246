import { Column, CreateDateColumn, Entity, OneToMany, UpdateDateColumn, type Relation } from 'typeorm';
import { UuidEntity } from '../database/uuid-entity.js';
import type { TenantBranding } from './tenant-config.schema.js';
import { TenantPluginState } from './tenant-plugin-state.entity.js';

/** A municipality. Identity and branding come from `tenants/<slug>/tenant.yaml`. */
@Entity('tenant')
export class Tenant extends UuidEntity {
  @Column({ type: 'varchar', length: 63, unique: true })
  slug!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 64, default: 'Europe/Berlin' })
  timeZone!: string;

  /** Bundesland code (ISO 3166-2 suffix: NW, BY, RP, …) for public holidays. */
  @Column({ type: 'varchar', length: 2 })
  state!: string;

  @Column({ type: 'varchar', length: 5, default: 'de' })
  locale!: string;

  @Column({ type: 'simple-json' })
  branding!: TenantBranding;

  @Column({ type: 'simple-json' })
  domains!: string[];

  /** Tenant-wide settings of the core (retention, contact); plugin settings live on TenantPluginState. */
  @Column({ type: 'simple-json' })
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tenant's settings are free-form JSON
  settings!: Record<string, any>;

  @OneToMany(() => TenantPluginState, (p) => p.tenant)
  plugins?: Relation<TenantPluginState[]>;

  @CreateDateColumn()
  createdAt!: Date;

  @UpdateDateColumn()
  updatedAt!: Date;
}
