import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { TenantOwnedEntity } from '../../tenancy/tenant-owned.entity.js';
import { Location } from './location.entity.js';

/** Closed days (Schließtage) besides the public holidays, which apply automatically. */
@Entity('closure')
@Index(['tenantId', 'fromDate'])
export class Closure extends TenantOwnedEntity {
  /** Null closes every location of the tenant. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  locationId!: string | null;

  @ManyToOne(() => Location, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'locationId' })
  location?: Relation<Location> | null;

  @Column({ type: 'varchar', length: 10 })
  fromDate!: string;

  @Column({ type: 'varchar', length: 10 })
  toDate!: string;

  @Column({ type: 'varchar', length: 200 })
  reason!: string;
}
