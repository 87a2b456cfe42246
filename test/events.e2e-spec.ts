import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { TestClock } from '../apps/server/src/common/clock.js';
import { EventBusService } from '../apps/server/src/events/event-bus.service.js';
import { EventDelivery } from '../apps/server/src/events/event-delivery.entity.js';
import { EventDeliveryService, MAX_DELIVERY_ATTEMPTS } from '../apps/server/src/events/event-delivery.service.js';
import { ConfigCacheService } from '../apps/server/src/cache/config-cache.service.js';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { ALL_PLUGINS } from '../plugins/index.js';
import { eventProbe, eventProbePlugin } from './fixtures/event-probe.plugin.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { createTestDatabase, type TestDatabase } from './harness/test-database.js';

const plugins = [...ALL_PLUGINS, eventProbePlugin];
const SLUG = 'musterstadt';
const PROBE = eventProbePlugin;

/** Two instances on one database (one SQLite file, or one MariaDB schema), driven by a test clock. */
describe('domain events: written with the change, delivered at least once across instances', () => {
  let db: TestDatabase;
  let one: TestApp;
  let two: TestApp;
  const clock = new TestClock(new Date('2026-11-23T09:00:00Z'));
  let n = 0;

  const publish = (t: TestApp, count = 1, slug = SLUG) =>
    t.asTenant(slug, () =>
      t.app.get(TenantDataService).transaction(async (tx) => {
        const ids: string[] = [];
        for (let i = 0; i < count; i++) ids.push(await t.app.get(EventBusService).publish(tx, 'probe.happened', { n: ++n }));
        return ids;
      }),
    );
  const deliver = (t: TestApp, slug = SLUG) => t.asTenant(slug, () => t.app.get(EventDeliveryService).deliverDue());
  const deliveries = (eventId: string) => one.dataSource.getRepository(EventDelivery).findBy({ eventId });
  const handledOf = (eventId: string, subscriber = 'recorder') => eventProbe.handled.filter((h) => h.eventId === eventId && h.subscriber === subscriber);

  beforeAll(async () => {
    db = await createTestDatabase();
    one = await createTestApp({ database: db, clock, plugins });
    two = await createTestApp({ database: db, clock, plugins });
    for (const slug of [SLUG, 'beispielheim']) await one.app.get(PluginHostService).setEnabled((await one.tenant(slug)).id, PROBE, true);
    // Start from a clean slate: whatever the start-up published is delivered now.
    await deliver(one);
    await deliver(one, 'beispielheim');
  });
  afterAll(async () => {
    await one.close();
    await two.close();
    await db.drop();
  });
  beforeEach(() => eventProbe.reset());

  it('writes the event and its deliveries only when the transaction commits', async () => {
    const before = Number((await one.dataSource.query('SELECT COUNT(*) AS c FROM domain_event'))[0].c);
    let published = '';
    await expect(
      one.asTenant(SLUG, () =>
        one.app.get(TenantDataService).transaction(async (tx) => {
          published = await one.app.get(EventBusService).publish(tx, 'probe.happened', { n: -1 });
          throw new Error('the change fails');
        }),
      ),
    ).rejects.toThrow('the change fails');
    expect(published).not.toBe('');
    expect(Number((await one.dataSource.query('SELECT COUNT(*) AS c FROM domain_event'))[0].c)).toBe(before);
    expect(await deliveries(published)).toEqual([]);

    const [id] = await publish(one);
    const rows = await deliveries(id);
    expect(rows.map((d) => d.subscriber).sort()).toEqual(['eventprobe:ProbeRecorder', 'eventprobe:ProbeSecondRecorder']);
    expect(rows.every((d) => d.status === 'pending')).toBe(true);
    // Nothing runs a handler before a drain after the commit.
    expect(eventProbe.handled).toEqual([]);
    expect(await deliver(one)).toEqual({ delivered: 2, skipped: 0, failed: 0 });
    expect(handledOf(id)).toHaveLength(1);
    expect(handledOf(id, 'second')).toHaveLength(1);
    expect(handledOf(id)[0].tenantId).toBe((await one.tenant(SLUG)).id);
    expect((await deliveries(id)).every((d) => d.status === 'delivered' && d.deliveredAt)).toBe(true);
  });

  it('two instances draining at once deliver each (event, subscriber) exactly once', async () => {
    const ids = [...(await publish(one, 60)), ...(await publish(two, 60))];
    // A second call on the same instance joins that instance's drain; the two instances race.
    const reports = await Promise.all([deliver(one), deliver(two), deliver(one), deliver(two)]);
    expect(reports[0].delivered + reports[1].delivered).toBe(240);
    for (const sub of ['recorder', 'second']) {
      const seen = eventProbe.handled.filter((h) => h.subscriber === sub).map((h) => h.eventId);
      expect(seen.sort()).toEqual([...ids].sort());
    }
  });

  it('takes a delivery over after the lease of an instance that died mid-handler, and delivers it again', async () => {
    const [id] = await publish(one);
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    eventProbe.hang = { started, release: new Promise<void>((resolve) => (release = resolve)) };
    const dying = deliver(one);
    await running;
    // While the lease holds, the other instance leaves it alone.
    clock.advance(4 * 60_000);
    expect((await deliver(two)).delivered).toBe(0);
    expect((await deliveries(id)).find((d) => d.subscriber.endsWith(':ProbeRecorder'))!.status).toBe('delivering');
    // After the lease (five minutes) it is taken again and handled by the other instance (with the
    // second subscriber's delivery, which the dead claim held as well).
    clock.advance(61_000);
    expect(await deliver(two)).toMatchObject({ delivered: 2 });
    expect(handledOf(id)).toHaveLength(1);
    // The dead claim's late outcome changes nothing: it writes under a token that no longer holds.
    release();
    await dying;
    const row = (await deliveries(id)).find((d) => d.subscriber.endsWith(':ProbeRecorder'))!;
    expect(row).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('retries a failed handler with backoff, and gives up into a visible failed state', async () => {
    const [id] = await publish(one);
    eventProbe.failuresLeft = 1;
    expect(await deliver(one)).toMatchObject({ delivered: 1, failed: 1 });
    const row = () => deliveries(id).then((rows) => rows.find((d) => d.subscriber.endsWith(':ProbeRecorder'))!);
    expect(await row()).toMatchObject({ status: 'pending', attempts: 1, lastError: 'probe handler failed' });
    expect((await row()).nextAttemptAt.getTime()).toBe(clock.now().getTime() + 60_000);
    // Not before the backoff has passed.
    expect((await deliver(two)).delivered).toBe(0);
    clock.advance(60_000);
    expect(await deliver(two)).toMatchObject({ delivered: 1, failed: 0 });
    expect(handledOf(id)).toHaveLength(1);
    expect(await row()).toMatchObject({ status: 'delivered', lastError: null });

    const [doomed] = await publish(one);
    eventProbe.failuresLeft = 1000;
    for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
      expect((await deliver(one)).failed).toBe(1);
      clock.advance(61 * 60_000);
    }
    expect((await deliver(one)).failed).toBe(0);
    const failed = (await deliveries(doomed)).find((d) => d.subscriber.endsWith(':ProbeRecorder'))!;
    expect(failed).toMatchObject({ status: 'failed', attempts: MAX_DELIVERY_ATTEMPTS, lastError: 'probe handler failed' });
    // Failed deliveries keep their event through the purge; delivered ones go.
    await one.asTenant(SLUG, () => one.app.get(EventDeliveryService).purge(new Date(clock.now().getTime() + 1000)));
    expect(Number((await one.dataSource.query('SELECT COUNT(*) AS c FROM domain_event WHERE id = ?', [doomed]))[0].c)).toBe(1);
    expect(Number((await one.dataSource.query('SELECT COUNT(*) AS c FROM domain_event WHERE id = ?', [id]))[0].c)).toBe(0);
  });

  it('skips the subscribers of a plugin that is off for the tenant, and only for that tenant', async () => {
    const beispiel = await one.tenant('beispielheim');
    await one.app.get(PluginHostService).setEnabled(beispiel.id, PROBE, false);
    // Instance two delivers; it learns of the switch at its next poll of the config version.
    await two.app.get(ConfigCacheService).refresh();
    try {
      const [off] = await publish(one, 1, 'beispielheim');
      const [on] = await publish(one);
      expect(await deliver(two, 'beispielheim')).toEqual({ delivered: 0, skipped: 2, failed: 0 });
      expect(await deliver(two)).toMatchObject({ delivered: 2 });
      expect(eventProbe.handled.map((h) => h.eventId)).toEqual([on, on]);
      expect((await deliveries(off)).map((d) => d.status)).toEqual(['skipped', 'skipped']);
    } finally {
      await one.app.get(PluginHostService).setEnabled(beispiel.id, PROBE, true);
      await two.app.get(ConfigCacheService).refresh();
    }
  });

  it('runs each handler in the tenant of its event, and a drain of one tenant never delivers another tenant’s events', async () => {
    const [a] = await publish(one, 1, SLUG);
    const [b] = await publish(one, 1, 'beispielheim');
    await deliver(two, 'beispielheim');
    expect(eventProbe.handled.map((h) => h.eventId)).toEqual([b, b]);
    await deliver(two, SLUG);
    expect(handledOf(a)[0].tenantId).toBe((await one.tenant(SLUG)).id);
    expect(handledOf(b)[0].tenantId).toBe((await one.tenant('beispielheim')).id);
  });
});

describe('domain events: the committing instance delivers at once', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Background delivery on (as in production), but no poll: only the commit hook can start the drain.
    t = await createTestApp({ plugins, env: { TASK_POLL_SECONDS: '3600', EVENTS_POLL_MS: '0' } });
    await t.app.get(PluginHostService).setEnabled((await t.tenant(SLUG)).id, PROBE, true);
  });
  afterAll(async () => t.close());

  it('starts delivery when the publishing transaction commits, not before', async () => {
    eventProbe.reset();
    const handled = new Promise<void>((resolve) => {
      const push = eventProbe.handled.push.bind(eventProbe.handled);
      eventProbe.handled.push = (...items) => {
        const length = push(...items);
        if (eventProbe.handled.some((h) => h.n === 4242 && h.subscriber === 'recorder')) resolve();
        return length;
      };
    });
    await t.asTenant(SLUG, () =>
      t.app.get(TenantDataService).transaction(async (tx) => {
        await t.app.get(EventBusService).publish(tx, 'probe.happened', { n: 4242 });
        // Give a premature drain every chance to run while the transaction is still open.
        for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
        expect(eventProbe.handled).toHaveLength(0);
      }),
    );
    await handled;
    expect(
      eventProbe.handled
        .filter((h) => h.n === 4242)
        .map((h) => h.subscriber)
        .sort(),
    ).toEqual(['recorder', 'second']);
  });
});
