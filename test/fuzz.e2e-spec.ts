import { request as httpRequest, Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createAccount, createAdminTestApp, panelLogin, TEST_PASSWORD } from './harness/admin-session.js';
import { collectTenantRows } from './harness/cross-tenant.js';
import { listen } from './harness/browser.js';
import type { TestApp } from './harness/test-app.js';
import { release } from './booking-helpers.js';

/**
 * Malformed and hostile requests against every route the server has: the Nest routes (API, portal,
 * staff pages, assets, health, docs), read from Express's router so that routes added by plugins
 * are fuzzed too, plus the admin panel's endpoints. Expected: never a 5xx, and a 4xx writes nothing.
 * Deterministic (a fixed seed; FUZZ_SEED and FUZZ_RUNS change it), so a failure replays.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SLUG = 'musterstadt';

/** Refusals are counted where they are refused (rate limits, login throttling): the only rows a 4xx may write. */
const REFUSAL_BOOKKEEPING = new Set(['login_throttle', 'shared_counter']);

interface Route {
  method: string;
  path: string;
}

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

interface Answer {
  status: number;
  body: string;
}

const ADMIN_RESOURCES = ['Location', 'Service', 'Counter', 'ReleasePolicy', 'AdminUser', 'Tenant', 'AuditLog', 'TerminagentWish'];

function adminRoutes(): Route[] {
  const routes: Route[] = [
    { method: 'GET', path: '/admin' },
    { method: 'GET', path: '/admin/login' },
    { method: 'POST', path: '/admin/login' },
    { method: 'GET', path: '/admin/api/dashboard' },
    { method: 'GET', path: '/admin/frontend/assets/:file' },
  ];
  for (const r of ADMIN_RESOURCES) {
    routes.push(
      { method: 'GET', path: `/admin/api/resources/${r}/actions/list` },
      { method: 'GET', path: `/admin/api/resources/${r}/actions/search/:query` },
      { method: 'POST', path: `/admin/api/resources/${r}/actions/new` },
      { method: 'GET', path: `/admin/api/resources/${r}/records/:id/show` },
      { method: 'POST', path: `/admin/api/resources/${r}/records/:id/edit` },
      { method: 'POST', path: `/admin/api/resources/${r}/records/:id/delete` },
      { method: 'POST', path: `/admin/api/resources/${r}/bulk/delete` },
    );
  }
  return routes;
}

/** Every Nest route with its method, as Express knows it. */
function nestRoutes(t: TestApp): Route[] {
  const stack = (t.app.getHttpAdapter().getInstance() as { router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> } }).router
    .stack;
  const routes: Route[] = [];
  for (const layer of stack) {
    if (!layer.route) continue;
    for (const method of Object.keys(layer.route.methods)) routes.push({ method: method.toUpperCase(), path: layer.route.path });
  }
  return routes;
}

const printable = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });
const latin1 = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0xff })
    .filter((c) => c !== 0x7f)
    .map((c) => String.fromCharCode(c)),
  maxLength: 60,
});
const unicode = fc.string({ unit: 'binary', maxLength: 40 });
const badPercent = fc.constantFrom('%', '%E0%A4%A', '%zz', '%C0%AF', '%00', '%FF%FE', '%%', '%u0041', '%E2%82', '%F0%90%80');

/** A value for a path segment, query value or field, as the raw text that goes on the wire. */
function segment(known: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known) },
    { weight: 2, arbitrary: printable.map((s) => encodeURIComponent(s)) },
    { weight: 2, arbitrary: fc.tuple(printable, badPercent, printable).map(([a, b, c]) => `${encodeURIComponent(a)}${b}${encodeURIComponent(c)}`) },
    { weight: 1, arbitrary: unicode.map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '?'))) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '..',
        '%2e%2e',
        '..%2f..%2fetc%2fpasswd',
        '%2F',
        'a'.repeat(5000),
        '',
        '0',
        '-1',
        '1e309',
        'null',
        'undefined',
        '__proto__',
        'constructor',
      ),
    },
  );
}

function queryString(known: string[]): fc.Arbitrary<string> {
  const key = fc.oneof(
    fc.constantFrom(
      'services',
      'locations',
      'from',
      'to',
      'token',
      'lang',
      'day',
      'location',
      'start',
      'ref',
      'bis',
      'v',
      'page',
      'direction',
      'sortBy',
      'filters.name',
      'services[]',
      'a[b][c]',
      '__proto__[x]',
      'constructor[prototype][x]',
    ),
    printable.map((s) => encodeURIComponent(s)),
  );
  return fc.array(fc.tuple(key, segment(known)), { maxLength: 6 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
}

const HOSTS = [
  'musterstadt.localhost',
  'beispielheim.localhost.',
  'MUSTERSTADT.LOCALHOST:3000',
  'evil.example',
  'a..b',
  '[::1]',
  '[::1',
  'x'.repeat(300),
  'bürgerbüro.example',
  'user@host',
  '',
];
const COOKIES = ['lang=%E0%A4%A', 'lang=xx', 'amtszeit.sid=s%3Agarbage.sig', 'amtszeit.sid=%', 'amtszeit.sid=s%3A', '=;=;;', 'a'.repeat(4000)];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-7',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=x',
  'text/plain',
  'application/xml',
  'application/json; charset=latin1',
  '*/*',
  '',
];

function headers(sessionCookie: string): fc.Arbitrary<Record<string, string>> {
  const entry = fc.oneof(
    fc.constantFrom(...HOSTS).map((v) => ['Host', v] as const),
    fc.oneof(fc.constantFrom(...COOKIES), fc.constant(sessionCookie), latin1).map((v) => ['Cookie', v] as const),
    fc.constantFrom(...CONTENT_TYPES).map((v) => ['Content-Type', v] as const),
    fc.oneof(fc.constantFrom('http://evil.example', 'null', 'http://amtszeit.test', '%', 'http://[::1'), latin1).map((v) => ['Origin', v] as const),
    fc.constantFrom('cross-site', 'same-site', 'same-origin', 'none', 'bogus').map((v) => ['Sec-Fetch-Site', v] as const),
    fc.oneof(printable, latin1, fc.constant('k'.repeat(500))).map((v) => ['Idempotency-Key', v] as const),
    fc.oneof(fc.constantFrom('de', 'en', '*', 'tr;q=x'), latin1).map((v) => ['Accept-Language', v] as const),
    fc.oneof(fc.constantFrom('https', 'gopher', ''), latin1).map((v) => ['X-Forwarded-Proto', v] as const),
    fc.oneof(fc.constantFrom('1.2.3.4', '::1', 'unknown', '1.2.3.4, 5.6.7.8'), latin1).map((v) => ['X-Forwarded-For', v] as const),
    fc.oneof(fc.constantFrom('bytes=0-10', 'bytes=9-1', 'bytes=x'), latin1).map((v) => ['Range', v] as const),
    fc.oneof(fc.constantFrom('gzip', 'br', 'identity;q=0', 'x'), latin1).map((v) => ['Accept-Encoding', v] as const),
    fc.constantFrom('gzip', 'deflate', 'br', 'x-unknown').map((v) => ['Content-Encoding', v] as const),
    latin1.map((v) => ['If-None-Match', v] as const),
  );
  return fc.array(entry, { maxLength: 5 }).map((entries) => Object.fromEntries(entries));
}

function body(known: string[]): fc.Arbitrary<Buffer | undefined> {
  return fc.oneof(
    fc.constant(undefined),
    fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v))),
    fc
      .dictionary(
        fc.constantFrom(
          'services',
          'locationId',
          'start',
          'citizen',
          'consent',
          'token',
          'email',
          'password',
          'name',
          'altcha',
          'locale',
          'windows',
          'locationIds',
          '__proto__',
          'constructor',
        ),
        fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(...known)),
      )
      .map((v) => Buffer.from(JSON.stringify(v))),
    queryString(known).map((s) => Buffer.from(s)),
    fc
      .constantFrom(
        '{',
        '{"a":',
        '[[[[[[[[[[',
        '"\\u12"',
        'null',
        '0',
        '{"__proto__":{"admin":true}}',
        '['.repeat(10_000),
        'x'.repeat(300_000),
        '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n',
        '--x\r\nbroken',
      )
      .map((s) => Buffer.from(s)),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  );
}

function send(base: URL, agent: Agent, req: FuzzRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.path,
        headers: { ...req.headers, ...(req.body ? { 'Content-Length': String(req.body.length) } : {}) },
        agent,
        setHost: !('Host' in req.headers),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

describe('fuzzing every route with malformed requests', () => {
  let t: TestApp;
  let base: URL;
  let agent: Agent;
  let routes: Route[];
  let known: string[];
  let sessionCookie: string;
  let fingerprintSql: string;

  beforeAll(async () => {
    t = await createAdminTestApp();
    await release(t);
    await createAccount(t, 'tenant-admin', 'admin@musterstadt.test', SLUG);
    const { res: login } = await panelLogin(t, { email: 'admin@musterstadt.test', password: TEST_PASSWORD });
    expect(login.status).toBe(302);
    sessionCookie = String(([] as string[]).concat(login.headers['set-cookie'] ?? []).find((c) => c.startsWith('amtszeit.sid=')) ?? '').split(';')[0];
    expect(sessionCookie).toMatch(/^amtszeit\.sid=/);
    base = new URL(await listen(t.app));
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
    routes = [...nestRoutes(t), ...adminRoutes()];
    const own = await collectTenantRows(t, SLUG);
    const foreign = await collectTenantRows(t, 'beispielheim');
    known = [
      SLUG,
      'beispielheim',
      ...own.ids.slice(0, 30),
      ...foreign.ids.slice(0, 10),
      'ABCD-EFGH',
      'admin',
      'api',
      'assets',
      'portal',
      'portal.css',
      '2026-11-24',
      '2026-11-24T10:00:00+01:00',
    ];
    const tables = t.dataSource.entityMetadatas.filter((m) => !REFUSAL_BOOKKEEPING.has(m.tableName));
    const q = (name: string) => (t.database.kind === 'mysql' ? `\`${name}\`` : `"${name}"`);
    fingerprintSql = tables
      .map((m) => {
        const updated = m.columns.find((c) => c.propertyName === 'updatedAt');
        return `SELECT '${m.tableName}' AS t, COUNT(*) AS n, ${updated ? `MAX(${q(updated.databaseName)})` : 'NULL'} AS u FROM ${q(m.tableName)}`;
      })
      .join(' UNION ALL ');
  });
  afterAll(async () => {
    agent?.destroy();
    await t?.close();
  });

  const fingerprint = async () => JSON.stringify(await t.dataSource.query(fingerprintSql));

  /** Route parameters get fuzzed values; the tenant parameter mostly a real tenant, so the handlers behind it are reached. */
  function fill(path: string, values: string[], fuzzTenant: boolean): string {
    let i = 0;
    return path.replace(/\*\w+|:\w+/g, (param) => (/^:(slug|tenant)$/.test(param) && !fuzzTenant ? SLUG : (values[i++] ?? 'x')));
  }

  const requests = () =>
    fc
      .record({
        route: fc.constantFrom(...routes),
        otherMethod: fc.option(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'), { freq: 8 }),
        values: fc.array(segment(known), { minLength: 4, maxLength: 4 }),
        fuzzTenant: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
        query: fc.option(queryString(known), { freq: 2 }),
        headers: headers(sessionCookie),
        body: body(known),
        trailing: fc.constantFrom('', '', '', '/', '//', '/%'),
        withSession: fc.integer({ min: 0, max: 9 }).map((n) => n < 7),
      })
      .map(({ route, otherMethod, values, fuzzTenant, query, headers: h, body: b, trailing, withSession }): FuzzRequest => {
        const method = otherMethod ?? route.method;
        // Mostly logged in, so that the panel's and the staff routes' handlers are reached, not only the login redirect.
        if (withSession && !('Cookie' in h)) h.Cookie = sessionCookie;
        const path = fill(route.path, values, fuzzTenant) + trailing + (query === null ? '' : `?${query}`);
        return { method, path, headers: h, body: method === 'GET' || method === 'HEAD' ? undefined : b };
      })
      // Logging out would end the session the fuzzer uses to reach the panel's handlers.
      .filter((r) => !(r.method === 'DELETE' && /\/staff\/session\/?(\?|$)/.test(r.path)));

  it(`answers ${RUNS} malformed requests without a 5xx, and a 4xx writes nothing`, async () => {
    expect(routes.length).toBeGreaterThan(50);
    const stats = { sent: 0, byClass: {} as Record<string, number> };
    let before = await fingerprint();
    await fc.assert(
      fc.asyncProperty(requests(), async (req) => {
        const answer = await send(base, agent, req);
        stats.sent += 1;
        const cls = `${Math.floor(answer.status / 100)}xx`;
        stats.byClass[cls] = (stats.byClass[cls] ?? 0) + 1;
        const after = await fingerprint();
        const wrote = after !== before;
        before = after;
        const where = `${req.method} ${req.path.slice(0, 200)} ${JSON.stringify(req.headers).slice(0, 300)}`;
        if (answer.status >= 500 || answer.status < 100) throw new Error(`${answer.status} for ${where}: ${answer.body.slice(0, 300)}`);
        if (answer.status >= 400 && wrote) throw new Error(`${answer.status} wrote to the database: ${where}`);
        if (/node_modules|\n\s+at .+:\d+:\d+/.test(answer.body)) throw new Error(`a stack trace in the answer to ${where}`);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: false },
    );
    // The figures of the closing note; 4xx must dominate or the fuzzer is not reaching the checks.
    process.stdout.write(`fuzz: ${JSON.stringify({ seed: SEED, ...stats, routes: routes.length })}\n`);
    expect(stats.byClass['4xx']).toBeGreaterThan(RUNS / 3);
    // The session the fuzzer used is still good, so its logged-in requests reached the handlers.
    const panel = await send(base, agent, { method: 'GET', path: '/admin/api/resources/Location/actions/list', headers: { Cookie: sessionCookie } });
    expect(panel.status).toBe(200);
  });

  it('answers the known malformed addresses and headers with 4xx', async () => {
    const cases: FuzzRequest[] = [
      { method: 'GET', path: '/%E0%A4%A', headers: {} },
      { method: 'GET', path: '/api/v1/tenants/%E0%A4%A/services', headers: {} },
      { method: 'GET', path: '/musterstadt/termin/tag?services=%E0%A4%A', headers: {} },
      { method: 'POST', path: '/api/v1/tenants/musterstadt/bookings', headers: { 'Content-Type': 'application/json' }, body: Buffer.from('{"services":') },
      {
        method: 'POST',
        path: '/api/v1/tenants/musterstadt/bookings',
        headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'x-unknown' },
        body: Buffer.from('{}'),
      },
      { method: 'POST', path: '/api/v1/tenants/musterstadt/bookings', headers: { 'Content-Type': 'application/json; charset=utf-7' }, body: Buffer.from('{}') },
      { method: 'POST', path: '/admin/login', headers: { 'Content-Type': 'multipart/form-data; boundary=x' }, body: Buffer.from('--x\r\nbroken') },
      { method: 'GET', path: '/musterstadt/', headers: { Host: 'a..b' } },
      { method: 'GET', path: '/musterstadt/', headers: { Cookie: 'lang=%E0%A4%A; amtszeit.sid=%' } },
    ];
    for (const req of cases) {
      const answer = await send(base, agent, req);
      expect({ path: req.path, status: answer.status }).toEqual({ path: req.path, status: expect.any(Number) });
      expect(answer.status).toBeGreaterThanOrEqual(200);
      expect(answer.status).toBeLessThan(500);
    }
    // And a good request still works after all that.
    const ok = await send(base, agent, { method: 'GET', path: '/api/v1/tenants/musterstadt/services', headers: {} });
    expect(ok.status).toBe(200);
  });
});
