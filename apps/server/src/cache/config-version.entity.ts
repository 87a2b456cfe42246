import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One counter per installation, raised in the same transaction as any change to cached
 * configuration (tenants, plugin switches and settings, the catalog, webhook endpoints). Every
 * instance reads it with one cheap query per CACHE_POLL_MS and drops its cache when it moved.
 */
@Entity('config_version')
export class ConfigVersion {
  @PrimaryColumn({ type: 'varchar', length: 20 })
  id!: string;

  @Column({ type: 'int', default: 0 })
  version!: number;
}
