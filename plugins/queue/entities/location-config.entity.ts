import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Location } from '../../../apps/server/src/catalog/entities/location.entity.js';
import { TenantOwnedEntity } from '../../../apps/server/src/tenancy/tenant-owned.entity.js';

/** A location's overrides of the queue settings (queue.settings.ts); an empty column takes the tenant's value. */
@Entity('queue_location_config')
@Index(['tenantId', 'locationId'], { unique: true })
export class QueueLocationConfig extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 36 })
  locationId!: string;

  /** A reference, so the panel offers the tenant's own locations by name and refuses another's. */
  @ManyToOne(() => Location, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'locationId' })
  location?: Relation<Location>;

  @Column({ type: 'varchar', length: 3, nullable: true })
  appointmentPrefix!: string | null;

  @Column({ type: 'varchar', length: 3, nullable: true })
  walkInPrefix!: string | null;

  @Column({ type: 'boolean', nullable: true })
  appointmentsFirst!: boolean | null;

  @Column({ type: 'int', nullable: true })
  callableMinutesBeforeStart!: number | null;

  @Column({ type: 'boolean', nullable: true })
  callEarlyArrivals!: boolean | null;

  @Column({ type: 'int', nullable: true })
  maxAppointmentsInRow!: number | null;

  @Column({ type: 'int', nullable: true })
  walkInMaxWaitMinutes!: number | null;

  @Column({ type: 'int', nullable: true })
  callCountMax!: number | null;

  @Column({ type: 'int', nullable: true })
  recallPauseSeconds!: number | null;
}
