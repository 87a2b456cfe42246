import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';

export type TestDbKind = 'sqlite' | 'mysql';

/** Which database this jest run targets; `npm test` runs the suite once per kind. */
export function testDbKind(): TestDbKind {
  return process.env.TEST_DB === 'mysql' ? 'mysql' : 'sqlite';
}

export function mysqlServerUrl(): string {
  return (process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/$/, '');
}

export interface TestDatabase {
  kind: TestDbKind;
  url: string;
  drop(): Promise<void>;
}

let counter = 0;

/** A fresh, empty database for one test file (a temp SQLite file or a new MariaDB schema). */
export async function createTestDatabase(kind: TestDbKind = testDbKind()): Promise<TestDatabase> {
  counter += 1;
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'amtszeit-test-'));
    return { kind, url: `sqlite:${join(dir, 'test.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `amtszeit_t_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
  const conn = await mysql.createConnection(`${mysqlServerUrl()}/`);
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  return {
    kind,
    url: `${mysqlServerUrl()}/${name}`,
    drop: async () => {
      const c = await mysql.createConnection(`${mysqlServerUrl()}/`);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
