import { Column, Entity, Index, JoinColumn, ManyToOne, OneToMany, type Relation } from 'typeorm';
import { TenantOwnedEntity } from '../../tenancy/tenant-owned.entity.js';
import { Location } from './location.entity.js';
import { ScheduleRange } from './schedule-range.entity.js';

/** Opening hours of a location for a validity period; the newest valid schedule of a day wins. */
@Entity('schedule')
@Index(['tenantId', 'locationId', 'validFrom'])
export class Schedule extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 36 })
  locationId!: string;

  @ManyToOne(() => Location, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'locationId' })
  location?: Relation<Location>;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** Tenant-local date YYYY-MM-DD. */
  @Column({ type: 'varchar', length: 10 })
  validFrom!: string;

  @Column({ type: 'varchar', length: 10, nullable: true })
  validTo!: string | null;

  /** Length of one bookable unit in minutes. */
  @Column({ type: 'int', default: 15 })
  slotMinutes!: number;

  @OneToMany(() => ScheduleRange, (r) => r.schedule)
  ranges?: Relation<ScheduleRange[]>;
}
