import { Column, CreateDateColumn, UpdateDateColumn } from 'typeorm';
import { UuidEntity } from '../database/uuid-entity.js';

/**
 * Base of every row that belongs to a municipality. Reach it only through TenantDataService:
 * the static BaseEntity helpers exist for the AdminJS adapter, which scopes them itself.
 */
export abstract class TenantOwnedEntity extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  tenantId!: string;

  @CreateDateColumn()
  createdAt!: Date;

  @UpdateDateColumn()
  updatedAt!: Date;
}
