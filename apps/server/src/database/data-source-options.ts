import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { DataSourceOptions } from 'typeorm';

export type DatabaseKind = 'sqlite' | 'mysql';
/** The TypeORM driver: MariaDB gets its own, since it reports column defaults differently. */
export type DriverType = 'better-sqlite3' | 'mysql' | 'mariadb';

export function databaseKind(url: string): DatabaseKind {
  return url.startsWith('sqlite:') ? 'sqlite' : 'mysql';
}

/** True for MySQL and MariaDB data sources (row locks, GET_LOCK, the `mysql` SQL of migrations). */
export function isMysqlFamily(options: { type: string }): boolean {
  return options.type === 'mysql' || options.type === 'mariadb';
}

/** Asks a MySQL-protocol server whether it is MariaDB; SQLite needs no question. */
export async function detectDriver(url: string): Promise<DriverType> {
  if (databaseKind(url) === 'sqlite') return 'better-sqlite3';
  const { default: mysql } = await import('mysql2/promise');
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  const conn = await mysql.createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    connectTimeout: 10_000,
  });
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    return String((rows as Array<{ v: string }>)[0].v)
      .toLowerCase()
      .includes('mariadb')
      ? 'mariadb'
      : 'mysql';
  } finally {
    await conn.end();
  }
}

/** Builds TypeORM options from DATABASE_URL; all instants are stored in UTC. */
export function dataSourceOptions(
  url: string,
  entities: Function[],
  migrations: Function[],
  extra: { synchronize?: boolean; logging?: boolean; driver?: DriverType } = {},
): DataSourceOptions {
  const common = { entities, migrations, migrationsRun: false, synchronize: extra.synchronize ?? false, logging: extra.logging ?? false };
  if (databaseKind(url) === 'sqlite') {
    const raw = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    const database = raw === ':memory:' ? raw : isAbsolute(raw) ? raw : resolve(process.cwd(), raw);
    if (database !== ':memory:') mkdirSync(dirname(database), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database,
      // WAL lets readers run beside the single writer; busy_timeout makes a second process wait, not fail.
      prepareDatabase: (db: { pragma(s: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('busy_timeout = 5000');
        db.pragma('foreign_keys = ON');
      },
    } as DataSourceOptions;
  }
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  return {
    ...common,
    type: extra.driver === 'mariadb' || url.startsWith('mariadb:') ? 'mariadb' : 'mysql',
    host: u.hostname,
    port: Number(u.port || 3306),
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.replace(/^\//, ''),
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    extra: { connectionLimit: Number(u.searchParams.get('connectionLimit') ?? 20) },
  } as DataSourceOptions;
}
