import { randomUUID } from 'node:crypto';
import { BaseEntity, BeforeInsert, PrimaryColumn } from 'typeorm';

/**
 * Base of every entity with a uuid key. The id is made here rather than by the database, so SQLite,
 * MySQL and MariaDB (which would switch to its native uuid type) all store the same varchar(36).
 * Plain-object inserts skip entity listeners: build rows with `repository.create()`.
 */
export abstract class UuidEntity extends BaseEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @BeforeInsert()
  protected assignId(): void {
    this.id ??= randomUUID();
  }
}
