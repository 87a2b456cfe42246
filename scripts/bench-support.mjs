// What the benchmark scripts share: a build of their own, a fresh database, a free port, rounding.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';

export const round = (n, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

/** A TCP port on loopback that nothing listens on right now, for a server the bench spawns. */
export function freePort() {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Compiles the server into `out` (under the ignored data/), so a concurrent `npm run build` cannot pull it away. */
export function buildInto(out) {
  console.log(`» build (${out})`);
  execFileSync(
    process.execPath,
    ['node_modules/@swc/cli/bin/swc.js', 'apps', 'plugins', 'admin-config', '-d', out, '--quiet', '--ignore', '**/*.spec.ts,**/*.e2e-spec.ts'],
    { stdio: 'inherit' },
  );
}

/**
 * The database server DATABASE_URL names (`defaultUrl` when unset): `{ sqlite: true }`, or the
 * MySQL/MariaDB server's URL without a database, in which the bench makes one of its own.
 */
export function databaseTarget(defaultUrl) {
  const url = process.env.DATABASE_URL ?? defaultUrl;
  if (url.startsWith('sqlite:')) return { sqlite: true, serverUrl: null };
  const given = new URL(url.replace(/^mariadb:/, 'mysql:'));
  const auth = given.username ? `${given.username}${given.password ? `:${given.password}` : ''}@` : '';
  return { sqlite: false, serverUrl: `mysql://${auth}${given.host}` };
}

/** A fresh, empty database for one run: a temp SQLite file or a new schema, dropped by `drop()`. */
export async function freshDatabase(bench, target) {
  if (target.sqlite) {
    const dir = mkdtempSync(join(tmpdir(), `amtszeit-bench-${bench}-`));
    return { url: `sqlite:${join(dir, 'bench.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `amtszeit_bench_${bench}_${Date.now()}`;
  const admin = await mysql.createConnection(`${target.serverUrl}/`);
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  return {
    name,
    url: `${target.serverUrl}/${name}`,
    drop: async () => {
      const c = await mysql.createConnection(`${target.serverUrl}/`);
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
      await c.end();
    },
  };
}
