import type { ObjectLiteral, Repository } from 'typeorm';

/** Rows per statement when a buffer is flushed (well under MySQL's packet and placeholder limits). */
const ROWS_PER_STATEMENT = 500;

/**
 * Plain multi-row INSERTs of `rows` (tenant and ids already set), `chunk` rows per statement, without
 * save()'s existence check and re-read; what ScopedRepository.insert sends, now or at a flush.
 */
export async function insertRows(repository: Repository<ObjectLiteral>, rows: ObjectLiteral[], chunk = rows.length): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) {
    await repository
      .createQueryBuilder()
      .insert()
      .values(rows.slice(i, i + chunk) as never)
      .updateEntity(false)
      .callListeners(false)
      .execute();
  }
}

/**
 * The INSERTs of one transaction held back and sent as one multi-row INSERT per table: before the
 * transaction's next read or write (so it always sees its own rows) and before its commit. For a
 * transaction that writes the rows of many requests at once (booking-writer.service.ts), where one
 * statement per row would cost a round trip each. Tables are written in the order they were first
 * inserted into, so rows that point at rows of another table come after them.
 */
export class InsertBuffer {
  private readonly pending = new Map<unknown, { repository: Repository<ObjectLiteral>; rows: ObjectLiteral[] }>();

  get empty(): boolean {
    return this.pending.size === 0;
  }

  add(repository: Repository<ObjectLiteral>, rows: ObjectLiteral[]): void {
    const key = repository.metadata.target;
    const group = this.pending.get(key);
    if (group) group.rows.push(...rows);
    else this.pending.set(key, { repository, rows: [...rows] });
  }

  async flush(): Promise<void> {
    for (const [key, { repository, rows }] of this.pending) {
      this.pending.delete(key);
      await insertRows(repository, rows, ROWS_PER_STATEMENT);
    }
  }
}
