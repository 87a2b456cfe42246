import { Column, Entity, Index } from 'typeorm';
import { TenantOwnedEntity } from '../../../apps/server/src/tenancy/tenant-owned.entity.js';

/**
 * One unit of capacity taken by an owner (a booking, an agent offer, a kiosk ticket). Freeing it
 * deletes the row first, so a unit is given back exactly once even when two freeing runs race.
 */
@Entity('booking_capacity_allocation')
@Index(['tenantId', 'ownerId'])
@Index(['tenantId', 'releaseAt'])
@Index(['tenantId', 'unitId'])
export class CapacityAllocation extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 36 })
  unitId!: string;

  @Column({ type: 'varchar', length: 36 })
  ownerId!: string;

  /** When set, the unit goes back to the pool at this instant (cancelled capacity returns late). */
  @Column({ type: 'datetime', nullable: true })
  releaseAt!: Date | null;
}
