import { BaseEntity, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Short-lived counters shared by every server instance: request rate limits per window and
 * one-time tokens (a solved captcha). Rows are purged once they expire.
 */
@Entity('shared_counter')
@Index(['expiresAt'])
export class SharedCounter extends BaseEntity {
  @PrimaryColumn({ type: 'varchar', length: 300 })
  key!: string;

  @Column({ type: 'int', default: 1 })
  count!: number;

  @Column({ type: 'datetime' })
  expiresAt!: Date;
}
