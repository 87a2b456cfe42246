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

/** The shape of a uuid key (any case): checked before a lookup, so a malformed id is simply not found. */
export const UUID_SHAPE = /^[0-9a-f-]{36}$/i;

export function isUuidShaped(value: string): boolean {
  return UUID_SHAPE.test(value);
}
