import { Column, Entity, Index } from 'typeorm';
import { TenantOwnedEntity } from '../../../apps/server/src/tenancy/tenant-owned.entity.js';

/** The last number drawn per location, local day and prefix: a new day starts a new row (the midnight reset). */
@Entity('queue_number')
@Index(['tenantId', 'locationId', 'day', 'prefix'], { unique: true })
export class QueueNumber extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 36 })
  locationId!: string;

  @Column({ type: 'varchar', length: 10 })
  day!: string;

  @Column({ type: 'varchar', length: 3 })
  prefix!: string;

  /** Draws so far (numbers wrap in the configured range; this keeps counting). */
  @Column({ type: 'int', default: 0 })
  drawn!: number;
}
