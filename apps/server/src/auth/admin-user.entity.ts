import { Column, CreateDateColumn, Entity, Index, UpdateDateColumn } from 'typeorm';
import { UuidEntity } from '../database/uuid-entity.js';

export const ADMIN_ROLES = ['super-admin', 'tenant-admin', 'supervisor', 'staff'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/**
 * A person who logs in: super-admins run the installation (no tenant), tenant-admins configure
 * their municipality in the panel, supervisors lead the counters of all the tenant's locations and
 * staff (clerks) work at the counters of their own locations (neither has the panel). Extends BaseEntity for
 * the AdminJS adapter; admin-config scopes it by tenant itself.
 */
@Entity('admin_user')
@Index(['tenantId', 'role'])
export class AdminUser extends UuidEntity {
  /** Null only for super-admins. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  tenantId!: string | null;

  /** Stored lower-case; unique across the installation because it is the login name. */
  @Column({ type: 'varchar', length: 254, unique: true })
  email!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  displayName!: string | null;

  @Column({ type: 'varchar', length: 20 })
  role!: AdminRole;

  /** bcrypt hash; never leaves the server. */
  @Column({ type: 'varchar', length: 100 })
  passwordHash!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** Language of the mails this account receives (e.g. the notice of a login lock). */
  @Column({ type: 'varchar', length: 2, default: 'de' })
  locale!: 'de' | 'en';

  /**
   * A clerk's (staff) locations: the staff calendar shows only these; none means none, not all.
   * Ignored for the other roles. Null is read as [] (MySQL's text columns take no default).
   */
  @Column({ type: 'simple-json', nullable: true })
  locationIds!: string[] | null;

  @Column({ type: 'datetime', nullable: true })
  lastLoginAt!: Date | null;

  @CreateDateColumn()
  createdAt!: Date;

  @UpdateDateColumn()
  updatedAt!: Date;
}
