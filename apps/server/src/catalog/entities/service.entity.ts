import { Column, Entity, Index, OneToMany, type Relation } from 'typeorm';
import { TenantOwnedEntity } from '../../tenancy/tenant-owned.entity.js';
import { DocumentChecklistItem } from './document-checklist-item.entity.js';
import { ServiceOffering } from './service-offering.entity.js';

/** A Dienstleistung / Anliegen a citizen comes for. */
@Entity('service')
@Index(['tenantId', 'name'])
export class Service extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  nameEn!: string | null;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** Minutes one unit of this service takes at the counter. */
  @Column({ type: 'int' })
  durationMinutes!: number;

  /** How many of it one booking may ask for (e.g. passports for a family). */
  @Column({ type: 'int', default: 1 })
  maxQuantity!: number;

  /** Fee in euro cents; null when free or depending on the case. */
  @Column({ type: 'int', nullable: true })
  feeCents!: number | null;

  @Column({ type: 'boolean', default: true })
  onlineBookable!: boolean;

  @Column({ type: 'boolean', default: true })
  walkIn!: boolean;

  /** Key in the federal service catalogue (LeiKa). */
  @Column({ type: 'varchar', length: 20, nullable: true })
  leikaKey!: string | null;

  @Column({ type: 'int', default: 0 })
  position!: number;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @OneToMany(() => DocumentChecklistItem, (i) => i.service)
  checklist?: Relation<DocumentChecklistItem[]>;

  @OneToMany(() => ServiceOffering, (o) => o.service)
  offerings?: Relation<ServiceOffering[]>;
}
