import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Location } from '../catalog/entities/location.entity.js';
import { TenantOwnedEntity } from '../tenancy/tenant-owned.entity.js';
import type { DeviceKind } from './device.types.js';

/**
 * A kiosk or call display of a location, paired once with a code and then known by its bearer
 * token. Only hashes of the token and the code are stored. Last seen lives in `device_heartbeat`, so
 * that heartbeats never touch this (cached) table.
 */
@Entity('device')
@Index(['tenantId', 'locationId'])
@Index(['tenantId', 'pairingCodeHash'])
export class Device extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 20 })
  kind!: DeviceKind;

  @Column({ type: 'varchar', length: 36 })
  locationId!: string;

  @ManyToOne(() => Location, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'locationId' })
  location?: Relation<Location>;

  /** Per-device settings, validated by the schema of the plugin that declares the kind (`deviceConfig`). */
  @Column({ type: 'simple-json' })
  config!: Record<string, unknown>;

  /** sha256 (hex) of the bearer token; null before the first pairing and after a revocation. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  tokenHash!: string | null;

  /** sha256 (hex) of the open pairing code, null when none is open. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  pairingCodeHash!: string | null;

  @Column({ type: 'datetime', nullable: true })
  pairingCodeExpiresAt!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  pairedAt!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  revokedAt!: Date | null;
}
