import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fromRoot } from '../apps/server/src/common/project-root.js';
import { createTestDatabase, testDbKind, type TestDatabase } from './harness/test-database.js';

// The compiled server as `npm start` runs it, in a folder of this run (inside the project, so packages resolve).
const OUT = fromRoot(`data/test-cluster-dist-${process.pid}`);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

interface Server {
  process: ChildProcess;
  lines: Array<Record<string, unknown>>;
  origin: string;
  exited: Promise<number | null>;
}

async function start(database: TestDatabase, concurrency: number): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [`${OUT}/apps/server/src/main.js`], {
    cwd: fromRoot(),
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      WEB_CONCURRENCY: String(concurrency),
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      TASK_POLL_SECONDS: '0',
      NODE_ENV: 'test',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let buffered = '';
  const collect = (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const line of parts) {
      try {
        lines.push(JSON.parse(line));
      } catch {
        lines.push({ msg: line });
      }
    }
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, lines, origin: `http://127.0.0.1:${port}`, exited };
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, withinMs = 60_000): Promise<T> {
  const end = Date.now() + withinMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const healthy = (origin: string) =>
  fetch(`${origin}/health`).then(
    (r) => (r.ok ? true : undefined),
    () => undefined,
  );
const workerPids = (s: Server) => s.lines.filter((l) => l.msg === 'Worker started').map((l) => Number(l.pid));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('WEB_CONCURRENCY: several worker processes', () => {
  let database: TestDatabase;
  const servers: Server[] = [];

  beforeAll(async () => {
    execFileSync(
      process.execPath,
      ['node_modules/@swc/cli/bin/swc.js', 'apps', 'plugins', 'admin-config', '-d', OUT, '--quiet', '--ignore', '**/*.spec.ts,**/*.e2e-spec.ts'],
      { cwd: fromRoot() },
    );
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const s of servers) if (s.process.exitCode === null) s.process.kill('SIGKILL');
    await database?.drop();
    rmSync(OUT, { recursive: true, force: true });
  });

  (testDbKind() === 'mysql' ? it : it.skip)('on MariaDB: serves from two workers, replaces one that dies, and stops them all on SIGTERM', async () => {
    const server = await start(database, 2);
    servers.push(server);
    await until('health', () => healthy(server.origin));
    const pids = await until('two workers', () => (workerPids(server).length >= 2 ? workerPids(server) : undefined));
    expect(new Set(pids).size).toBe(2);

    process.kill(pids[0], 'SIGKILL');
    const replacement = await until('a replacement worker', () => workerPids(server).find((pid) => !pids.includes(pid)));
    expect(alive(replacement)).toBe(true);
    await until('health after the restart', () => healthy(server.origin));

    server.process.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    for (const pid of [pids[1], replacement]) await until(`worker ${pid} to stop`, () => (alive(pid) ? undefined : true), 15_000);
  });

  (testDbKind() === 'sqlite' ? it : it.skip)('on SQLite: says the setting is ignored and serves from one process', async () => {
    const server = await start(database, 2);
    servers.push(server);
    await until('health', () => healthy(server.origin));
    expect(server.lines.some((l) => String(l.msg).includes('WEB_CONCURRENCY=2 is ignored on SQLite'))).toBe(true);
    expect(workerPids(server)).toEqual([]);
    server.process.kill('SIGTERM');
    await server.exited;
  });
});
