import { Column, Entity, Index } from 'typeorm';
import { TenantOwnedEntity } from '../../../apps/server/src/tenancy/tenant-owned.entity.js';

export type WorkplaceStatus = 'open' | 'paused';

/** A clerk's place today: one counter of a location, the services handled, the current visitor. */
@Entity('queue_workplace')
@Index(['tenantId', 'userId'], { unique: true })
@Index(['tenantId', 'locationId'])
@Index(['tenantId', 'counterId'])
export class QueueWorkplace extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 36 })
  userId!: string;

  /** The clerk's display name as of opening (the presence overview lists it). */
  @Column({ type: 'varchar', length: 200 })
  userName!: string;

  @Column({ type: 'varchar', length: 36 })
  locationId!: string;

  @Column({ type: 'varchar', length: 36 })
  counterId!: string;

  @Column({ type: 'simple-json' })
  serviceIds!: string[];

  @Column({ type: 'varchar', length: 8 })
  status!: WorkplaceStatus;

  @Column({ type: 'datetime', precision: 3 })
  since!: Date;

  @Column({ type: 'varchar', length: 36, nullable: true })
  currentTicketId!: string | null;
}
