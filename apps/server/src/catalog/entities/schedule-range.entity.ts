import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { TenantOwnedEntity } from '../../tenancy/tenant-owned.entity.js';
import { Schedule } from './schedule.entity.js';

/** One opening range on a weekday, with the number of staffed counters (units per slot). */
@Entity('schedule_range')
@Index(['tenantId', 'scheduleId', 'weekday'])
export class ScheduleRange extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 36 })
  scheduleId!: string;

  @ManyToOne(() => Schedule, (s) => s.ranges, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'scheduleId' })
  schedule?: Relation<Schedule>;

  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  @Column({ type: 'int' })
  weekday!: number;

  /** Tenant-local wall-clock time HH:MM. */
  @Column({ type: 'varchar', length: 5 })
  startTime!: string;

  @Column({ type: 'varchar', length: 5 })
  endTime!: string;

  @Column({ type: 'int', default: 1 })
  counters!: number;
}
