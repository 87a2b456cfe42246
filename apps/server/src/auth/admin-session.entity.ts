import { BaseEntity, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An express-session session, kept in the database so that every server instance shares it. */
@Entity('admin_session')
@Index(['expiresAt'])
export class AdminSession extends BaseEntity {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  sid!: string;

  /** The owning user, so that deactivating or deleting a user ends its sessions. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  userId!: string | null;

  @Column({ type: 'text' })
  data!: string;

  @Column({ type: 'datetime' })
  expiresAt!: Date;
}
