import { Column, CreateDateColumn, Entity, Index } from 'typeorm';
import { UuidEntity } from '../database/uuid-entity.js';

/** Who changed what, when, in which tenant. Written by the admin panel; read-only there. */
@Entity('audit_log')
@Index(['tenantId', 'createdAt'])
export class AuditLog extends UuidEntity {
  /** The tenant whose data changed; null for installation-wide changes (a new tenant, a super-admin). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  tenantId!: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  actorId!: string | null;

  @Column({ type: 'varchar', length: 254 })
  actorEmail!: string;

  /** new | edit | delete | login | … */
  @Column({ type: 'varchar', length: 40 })
  action!: string;

  @Column({ type: 'varchar', length: 80 })
  resource!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  recordId!: string | null;

  /** Changed fields as { field: [before, after] }; secrets are never recorded. */
  @Column({ type: 'simple-json' })
  changes!: Record<string, [unknown, unknown]>;

  @CreateDateColumn()
  createdAt!: Date;
}
