import { BaseEntity, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Failed login attempts per account (`account:<email>`) and per client address (`ip:<address>`),
 * in the database so that the limit holds across server instances.
 */
@Entity('login_throttle')
export class LoginThrottle extends BaseEntity {
  @PrimaryColumn({ type: 'varchar', length: 300 })
  key!: string;

  @Column({ type: 'int', default: 0 })
  failures!: number;

  /** Start of the current counting window. */
  @Column({ type: 'datetime' })
  windowStart!: Date;

  @Column({ type: 'datetime', nullable: true })
  lockedUntil!: Date | null;
}
