import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { TenantOwnedEntity } from '../../tenancy/tenant-owned.entity.js';
import { Service } from './service.entity.js';

/** One document to bring for a service (mitzubringende Unterlagen). */
@Entity('document_checklist_item')
@Index(['tenantId', 'serviceId', 'position'])
export class DocumentChecklistItem extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 36 })
  serviceId!: string;

  @ManyToOne(() => Service, (s) => s.checklist, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'serviceId' })
  service?: Relation<Service>;

  @Column({ type: 'varchar', length: 500 })
  text!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  textEn!: string | null;

  @Column({ type: 'int', default: 0 })
  position!: number;
}
