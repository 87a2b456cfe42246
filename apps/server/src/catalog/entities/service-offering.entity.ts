import { Entity, Index, JoinColumn, ManyToOne, Column, type Relation } from 'typeorm';
import { TenantOwnedEntity } from '../../tenancy/tenant-owned.entity.js';
import { Location } from './location.entity.js';
import { Service } from './service.entity.js';

/** That a location offers a service. */
@Entity('service_offering')
@Index(['tenantId', 'serviceId', 'locationId'], { unique: true })
export class ServiceOffering extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 36 })
  serviceId!: string;

  @ManyToOne(() => Service, (s) => s.offerings, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'serviceId' })
  service?: Relation<Service>;

  @Column({ type: 'varchar', length: 36 })
  locationId!: string;

  @ManyToOne(() => Location, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'locationId' })
  location?: Relation<Location>;
}
