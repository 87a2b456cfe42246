import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALL_PLUGINS } from '../plugins/index.js';
import { ConfigCacheService } from '../apps/server/src/cache/config-cache.service.js';
import { Service } from '../apps/server/src/catalog/entities/service.entity.js';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { Tenant } from '../apps/server/src/tenancy/tenant.entity.js';
import { probePlugin } from './fixtures/probe.plugin.js';
import { countQueries } from './harness/query-counter.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { createTestDatabase, testDbKind, type TestDatabase } from './harness/test-database.js';
import { citizen, demoIds, release, rathausStarts } from './booking-helpers.js';

const plugins = [...ALL_PLUGINS, probePlugin];
const PROBE = '/api/v1/tenants/musterstadt/probe';

/** Asks until `check` holds; the cache's own poll (not the test) has to make it true. */
async function eventually(check: () => Promise<boolean>, withinMs = 10_000): Promise<void> {
  const until = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('the condition did not become true');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the config cache across two instances on one database', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let ids: Awaited<ReturnType<typeof demoIds>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await createTestApp({ database, plugins });
    ids = await demoIds(a);
    // B polls the version often, so the test of its poll is quick; A never polls within the test.
    b = await createTestApp({ database, plugins, env: { CACHE_POLL_MS: '50' } });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await database?.drop();
  });

  it('a plugin switched off on one instance stops answering there at once and on the other after its poll', async () => {
    const muster = await a.tenant('musterstadt');
    await a.app.get(PluginHostService).setEnabled(muster.id, probePlugin, true);
    await a.http.get(PROBE).expect(200);
    await eventually(async () => (await b.http.get(PROBE)).status === 200);

    await a.app.get(PluginHostService).setEnabled(muster.id, probePlugin, false);
    await a.http.get(PROBE).expect(404);
    await eventually(async () => (await b.http.get(PROBE)).status === 404);
  });

  it('serves from memory until the version moves, then reads once (a catalog rename)', async () => {
    const refresh = () => b.app.get(ConfigCacheService).refresh();
    const name = async (app: TestApp) => (await app.http.get('/api/v1/tenants/musterstadt/services').expect(200)).body as Array<{ id: string; name: string }>;
    const before = await name(b);
    const service = before[0];
    const queries = countQueries(b.dataSource);
    try {
      // Current with the version, then warm: a second request costs nothing.
      await refresh();
      await name(b);
      queries.reset();
      await name(b);
      expect(queries.count).toBe(0);

      await a.asTenant('musterstadt', () => a.dataSource.getRepository(Service).update({ id: service.id }, { name: 'Personalausweis (neu)' }));
      expect((await name(a)).find((s) => s.id === service.id)?.name).toBe('Personalausweis (neu)');
      await refresh();
      queries.reset();
      expect((await name(b)).find((s) => s.id === service.id)?.name).toBe('Personalausweis (neu)');
      expect(queries.count).toBeGreaterThan(0);
    } finally {
      queries.stop();
    }
  });

  it('a changed tenant name reaches the other instance (the tenant registry is cached too)', async () => {
    await a.dataSource.getRepository(Tenant).update({ slug: 'musterstadt' }, { name: 'Stadt Musterstadt am See' });
    await b.app.get(ConfigCacheService).refresh();
    const page = await b.http.get('/musterstadt/').expect(200);
    expect(page.text).toContain('Stadt Musterstadt am See');
  });

  it('a change rolled back leaves every instance on the old value', async () => {
    await expect(
      a.dataSource.transaction(async (m) => {
        await m.getRepository(Service).update({ id: ids.pass }, { name: 'Nie gespeichert' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await b.app.get(ConfigCacheService).refresh();
    for (const app of [a, b]) {
      const services = (await app.http.get('/api/v1/tenants/musterstadt/services').expect(200)).body as Array<{ id: string; name: string }>;
      expect(services.find((s) => s.id === ids.pass)?.name).toBe('Reisepass beantragen');
    }
  });
});

// A read inside a transaction that waits for a second connection deadlocks a saturated pool: with
// one connection it would hang on the first booking (this is what stalled bench:booking).
(testDbKind() === 'mysql' ? describe : describe.skip)('a pool of one connection', () => {
  let t: TestApp;

  beforeAll(async () => {
    // The schema and the released capacity come from an ordinary instance (applying migrations holds a lock's connection).
    const database = await createTestDatabase();
    const setup = await createTestApp({ database });
    await release(setup);
    await setup.close();
    t = await createTestApp({ database: { ...database, url: `${database.url}?connectionLimit=1` } });
  });
  afterAll(async () => {
    await t?.close();
    await t?.database.drop();
  });

  it('serves concurrent bookings with mail and SMS on a cold cache', async () => {
    const ids = await demoIds(t);
    const next = rathausStarts();
    t.app.get(ConfigCacheService).invalidate();
    const statuses = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        t.http
          .post('/api/v1/tenants/musterstadt/bookings')
          .send({
            services: [{ serviceId: ids.ausweis, quantity: 1 }],
            locationId: ids.rathaus,
            start: next(),
            citizen: { ...citizen(i), phone: '0151 2345678' + i, sms: true },
            consent: true,
          })
          .then((r) => r.status),
      ),
    );
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201]);
  });
});
