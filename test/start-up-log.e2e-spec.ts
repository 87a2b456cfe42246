import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildServer, startServer, until, type ServerProcess } from './harness/built-server.js';
import { createTestDatabase, type TestDatabase } from './harness/test-database.js';

const RUNNING = 'Amtszeit is running on';
const TOWNS = [
  { slug: 'beispielheim', name: 'Gemeinde Beispielheim' },
  { slug: 'musterstadt', name: 'Stadt Musterstadt' },
];

describe('the start-up log of the built server', () => {
  let build: ReturnType<typeof buildServer>;
  const servers: ServerProcess[] = [];
  const databases: TestDatabase[] = [];

  /** The compiled server on the demo tenants and a fresh database, its own address as the public one. */
  async function start(logFormat: string): Promise<ServerProcess> {
    const database = await createTestDatabase();
    databases.push(database);
    const server = await startServer(build.dir, { DATABASE_URL: database.url, LOG_FORMAT: logFormat, LOG_LEVEL: 'info' });
    servers.push(server);
    return server;
  }

  async function stop(server: ServerProcess): Promise<void> {
    server.process.kill('SIGTERM');
    await server.exited;
  }

  beforeAll(() => {
    build = buildServer();
  });
  afterAll(async () => {
    for (const s of servers) if (s.process.exitCode === null) s.process.kill('SIGKILL');
    for (const d of databases) await d.drop();
    build?.remove();
  });

  it('writes JSON lines when stdout is not a terminal, ending with the addresses to open, and each answers', async () => {
    const server = await start('');
    const summary = await until('the start-up summary', () =>
      server.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => String(r.msg).startsWith(RUNNING)),
    );
    for (const line of server.lines) expect(() => JSON.parse(line)).not.toThrow();
    const port = new URL(server.origin).port;
    const base = `http://localhost:${port}`;
    expect(summary).toMatchObject({ level: 'info', context: 'Main', msg: `${RUNNING} ${base} (database: ${databases[0].kind})` });
    expect(summary.urls).toEqual([
      ...TOWNS.map((t) => ({ label: `Portal ${t.name}`, url: `${base}/${t.slug}/` })),
      ...TOWNS.map((t) => ({ label: `API ${t.name}`, url: `${base}/api/v1/tenants/${t.slug}/services` })),
      { label: 'API docs', url: `${base}/api/docs` },
      { label: 'Admin', url: `${base}/admin` },
      { label: 'Health', url: `${base}/health` },
    ]);
    // Nest's per-route lines stay below info, so the summary is not buried.
    expect(server.lines.some((l) => l.includes('RouterExplorer'))).toBe(false);
    for (const { url } of summary.urls as Array<{ url: string }>) {
      const res = await fetch(url.replace(base, server.origin));
      expect({ url, status: res.status }).toEqual({ url, status: 200 });
    }
    await stop(server);
  });

  it('with LOG_FORMAT=pretty: readable lines without colour on a pipe, the addresses as a block of their own lines', async () => {
    const server = await start('pretty');
    await until('the address block', () => (server.lines.some((l) => l.includes('/health')) ? true : undefined));
    const base = `http://localhost:${new URL(server.origin).port}`;
    const at = server.lines.findIndex((l) => l.includes(RUNNING));
    expect(server.lines[at]).toMatch(/^\d\d:\d\d:\d\d INFO {2}\[Main\] Amtszeit is running on /);
    expect(server.lines.slice(at + 1, at + 10)).toEqual([
      '',
      ...TOWNS.map((t) => expect.stringMatching(new RegExp(`^ {4}Portal ${t.name} +${base}/${t.slug}/$`))),
      ...TOWNS.map((t) => expect.stringMatching(new RegExp(`^ {4}API ${t.name} +${base}/api/v1/tenants/${t.slug}/services$`))),
      expect.stringMatching(new RegExp(`^ {4}API docs +${base}/api/docs$`)),
      expect.stringMatching(new RegExp(`^ {4}Admin +${base}/admin$`)),
      expect.stringMatching(new RegExp(`^ {4}Health +${base}/health$`)),
      '',
    ]);
    expect(server.lines.join('\n')).not.toContain('\x1b[');
    expect(server.lines.some((l) => l.startsWith('{'))).toBe(false);
    await stop(server);
  });
});
