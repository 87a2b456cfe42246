import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildServer, healthy, jsonRecords, startServer, until, type ServerProcess } from './harness/built-server.js';
import { createTestDatabase, testDbKind, type TestDatabase } from './harness/test-database.js';

function start(dir: string, database: TestDatabase, concurrency: number): Promise<ServerProcess> {
  return startServer(dir, { DATABASE_URL: database.url, WEB_CONCURRENCY: String(concurrency), LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
}

const workerPids = (s: ServerProcess) =>
  jsonRecords(s)
    .filter((l) => l.msg === 'Worker started')
    .map((l) => Number(l.pid));
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
  let build: ReturnType<typeof buildServer>;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    build = buildServer();
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const s of servers) if (s.process.exitCode === null) s.process.kill('SIGKILL');
    await database?.drop();
    build?.remove();
  });

  (testDbKind() === 'mysql' ? it : it.skip)('on MariaDB: serves from two workers, replaces one that dies, and stops them all on SIGTERM', async () => {
    const server = await start(build.dir, database, 2);
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
    const server = await start(build.dir, database, 2);
    servers.push(server);
    await until('health', () => healthy(server.origin));
    expect(jsonRecords(server).some((l) => String(l.msg).includes('WEB_CONCURRENCY=2 is ignored on SQLite'))).toBe(true);
    expect(workerPids(server)).toEqual([]);
    server.process.kill('SIGTERM');
    await server.exited;
  });
});
