import { Column, Entity, Index, OneToMany, type Relation } from 'typeorm';
import { TenantOwnedEntity } from '../../tenancy/tenant-owned.entity.js';
import { Counter } from './counter.entity.js';

/** A Standort / Bürgerbüro. */
@Entity('location')
@Index(['tenantId', 'name'])
export class Location extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 200 })
  street!: string;

  @Column({ type: 'varchar', length: 10 })
  postalCode!: string;

  @Column({ type: 'varchar', length: 100 })
  city!: string;

  /** How to get there (public transport, parking, entrance). */
  @Column({ type: 'text', nullable: true })
  directions!: string | null;

  /** Step-free access, lift, accessible toilet, hearing loop, … */
  @Column({ type: 'text', nullable: true })
  accessibility!: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  phone!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  email!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @OneToMany(() => Counter, (c) => c.location)
  counters?: Relation<Counter[]>;
}
