import { Column, Entity, Index } from 'typeorm';
import { UuidEntity } from '../database/uuid-entity.js';

/**
 * The claim of one (task, tenant, tick). Its unique key makes a tick run once across instances;
 * the lease lets another instance take over a run whose process died.
 */
@Entity('task_run')
@Index(['taskId', 'tenantKey', 'tickKey'], { unique: true })
export class TaskRun extends UuidEntity {
  @Column({ type: 'varchar', length: 100 })
  taskId!: string;

  /** Tenant id, or '-' for a task that is not per tenant. */
  @Column({ type: 'varchar', length: 36 })
  tenantKey!: string;

  @Column({ type: 'varchar', length: 40 })
  tickKey!: string;

  @Column({ type: 'varchar', length: 10 })
  status!: 'running' | 'done' | 'failed';

  @Column({ type: 'varchar', length: 80 })
  owner!: string;

  @Column({ type: 'datetime' })
  leaseUntil!: Date;

  @Column({ type: 'int', default: 1 })
  attempts!: number;

  @Column({ type: 'datetime' })
  startedAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;
}
