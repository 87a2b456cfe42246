import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { isMysqlFamily } from './data-source-options.js';

/** Per database (lock names are server-wide and at most 64 characters), so other schemas on the server are not held up. */
const LOCK_NAME = `CONCAT('amtszeit_migrations:', SHA1(DATABASE()))`;

/**
 * Runs pending migrations. On MySQL a named lock serialises instances that start together;
 * SQLite's file lock does the same there.
 */
export async function runMigrations(dataSource: DataSource): Promise<void> {
  const logger = new Logger('Migrations');
  const isMysql = isMysqlFamily(dataSource.options);
  if (await nothingPending(dataSource)) return;
  const runner = isMysql ? dataSource.createQueryRunner() : null;
  try {
    if (runner) {
      const [row] = await runner.query(`SELECT GET_LOCK(${LOCK_NAME}, 120) AS got`);
      if (Number(row.got) !== 1) throw new Error('Could not get the migration lock within 120 s');
    }
    const done = await dataSource.runMigrations({ transaction: isMysql ? 'each' : 'all' });
    if (done.length) logger.log(`Applied ${done.length} migration(s): ${done.map((m) => m.name).join(', ')}`);
  } finally {
    if (runner) {
      await runner.query(`SELECT RELEASE_LOCK(${LOCK_NAME})`).catch(() => undefined);
      await runner.release();
    }
  }
}

/**
 * The usual start: the migrations table exists and lists every migration, so no lock is taken (it
 * holds a connection while the migrations need another). A fresh database is left to the locked
 * path, since TypeORM's check would create the table outside the lock, racing a second instance.
 */
async function nothingPending(dataSource: DataSource): Promise<boolean> {
  const runner = dataSource.createQueryRunner();
  try {
    if (!(await runner.hasTable(dataSource.options.migrationsTableName ?? 'migrations'))) return false;
  } finally {
    await runner.release();
  }
  return !(await dataSource.showMigrations());
}
