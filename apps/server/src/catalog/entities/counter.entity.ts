import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { TenantOwnedEntity } from '../../tenancy/tenant-owned.entity.js';
import { Location } from './location.entity.js';

/** A staffed workstation (Platz / Schalter); name and room are what the call display shows. */
@Entity('counter')
@Index(['tenantId', 'locationId', 'name'], { unique: true })
export class Counter extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 36 })
  locationId!: string;

  @ManyToOne(() => Location, (l) => l.counters, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'locationId' })
  location?: Relation<Location>;

  @Column({ type: 'varchar', length: 50 })
  name!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  room!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;
}
