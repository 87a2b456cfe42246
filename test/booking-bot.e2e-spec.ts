import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TestClock } from '../apps/server/src/common/clock.js';
import { ConfigCacheService } from '../apps/server/src/cache/config-cache.service.js';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { TaskRunnerService } from '../apps/server/src/tasks/task-runner.service.js';
import { createTestDatabase, type TestDatabase } from './harness/test-database.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { citizen, demoIds, release, SLUG, solveCaptcha } from './booking-helpers.js';
import { bookingManifest } from '../plugins/booking/booking.manifest.js';

const API = `/api/v1/tenants/${SLUG}`;

/** These tests are about the rate; the cap on unconfirmed holds per address has its own (booking-holds). */
const MANY_HOLDS = { maxPendingPerAddress: 100 };

/** Each describe has its own database and starts again at 08:00; four starts per hour. */
let n = 0;
function bookingBody(ids: Awaited<ReturnType<typeof demoIds>>, extra: Record<string, unknown> = {}) {
  return {
    services: [{ serviceId: ids.ausweis, quantity: 1 }],
    locationId: ids.rathaus,
    start: `2026-11-24T${String(8 + Math.floor(n / 4)).padStart(2, '0')}:${String((n++ % 4) * 15).padStart(2, '0')}:00+01:00`,
    citizen: citizen(`bot${n}`),
    consent: true,
    ...extra,
  };
}

describe('bot protection (BOT_PROTECTION=on)', () => {
  let t: TestApp;
  let ids: Awaited<ReturnType<typeof demoIds>>;

  beforeAll(async () => {
    n = 0;
    t = await createTestApp({ env: { BOT_PROTECTION: 'on' } });
    ids = await demoIds(t);
    await release(t);
  });
  afterAll(async () => t.close());

  const body = (extra: Record<string, unknown> = {}) => bookingBody(ids, extra);

  it('asks for the proof of work, accepts a solved one once, refuses a forged or reused one', async () => {
    const missing = await t.http.post(`${API}/bookings`).send(body()).expect(400);
    expect(missing.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'CAPTCHA_REQUIRED' });
    expect(missing.body.message).toMatch(/spam protection/);
    const payload = await solveCaptcha(t);
    await t.http
      .post(`${API}/bookings`)
      .send(body({ altcha: payload }))
      .expect(201);
    const reused = await t.http
      .post(`${API}/bookings`)
      .send(body({ altcha: payload }))
      .expect(400);
    expect(reused.body).toMatchObject({ statusCode: 400, code: 'CAPTCHA_INVALID' });
    expect(reused.body.message).toMatch(/used already/);
    const forged = JSON.parse(Buffer.from(await solveCaptcha(t), 'base64').toString());
    forged.number += 1;
    await t.http
      .post(`${API}/bookings`)
      .send(body({ altcha: Buffer.from(JSON.stringify(forged)).toString('base64') }))
      .expect(400);
  });

  it('refuses a solution whose challenge expired on the server clock (20 minutes)', async () => {
    const payload = await solveCaptcha(t);
    t.clock.advance(21 * 60_000);
    const late = await t.http
      .post(`${API}/bookings`)
      .send(body({ altcha: payload }))
      .expect(400);
    expect(late.body.message).toMatch(/not valid/);
    await t.http
      .post(`${API}/bookings`)
      .send(body({ altcha: await solveCaptcha(t) }))
      .expect(201);
  });

  it('limits booking attempts per IP and minute, per tenant setting', async () => {
    const tenant = await t.tenant(SLUG);
    await t.app.get(PluginHostService).updateSettings(tenant.id, bookingManifest, { captcha: false, rateLimitPerMinute: 3, ...MANY_HOLDS });
    t.clock.advance(120_000);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.http.post(`${API}/bookings`).send(body())).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    // A minute later the earlier attempts no longer count.
    t.clock.advance(120_000);
    await t.http.post(`${API}/bookings`).send(body()).expect(201);
  });

  it('counts the rate over the last minute, not per clock minute: a burst across a minute edge is held to the limit', async () => {
    t.clock.advance(180_000);
    // Three attempts one second before a full minute, one more two seconds later: a per-minute
    // counter would start again at the edge and let the fourth through.
    t.clock.set(new Date(Math.ceil(t.clock.now().getTime() / 60_000) * 60_000 - 1000));
    for (let i = 0; i < 3; i++) await t.http.post(`${API}/bookings`).send(body()).expect(201);
    t.clock.advance(2000);
    await t.http.post(`${API}/bookings`).send(body()).expect(429);
    // As the earlier minute slides out, attempts are let through again.
    t.clock.advance(40_000);
    await t.http.post(`${API}/bookings`).send(body()).expect(201);
  });
});

describe('bot protection across two server instances on one database', () => {
  let db: TestDatabase;
  let one: TestApp;
  let two: TestApp;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  const clock = new TestClock(new Date('2026-11-23T07:00:00Z'));

  beforeAll(async () => {
    n = 0;
    db = await createTestDatabase();
    // Instances of one installation share SESSION_SECRET, which also keys the captcha.
    const env = { BOT_PROTECTION: 'on', SESSION_SECRET: 'shared-secret-of-both-instances-0123456789' };
    one = await createTestApp({ database: db, clock, env });
    two = await createTestApp({ database: db, clock, env });
    ids = await demoIds(one);
    await release(one);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await db?.drop();
  });

  it('a solved captcha books once, whichever instance sees it again', async () => {
    const payload = await solveCaptcha(one);
    await one.http
      .post(`${API}/bookings`)
      .send(bookingBody(ids, { altcha: payload }))
      .expect(201);
    const replayed = await two.http
      .post(`${API}/bookings`)
      .send(bookingBody(ids, { altcha: payload }))
      .expect(400);
    expect(replayed.body.message).toMatch(/used already/);
  });

  it('counts the rate limit over both instances, and forgets it after the window', async () => {
    const tenant = await one.tenant(SLUG);
    await one.app.get(PluginHostService).updateSettings(tenant.id, bookingManifest, { captcha: false, rateLimitPerMinute: 3, ...MANY_HOLDS });
    // Instance two learns of the change at its next poll of the config version (what refresh runs).
    await two.app.get(ConfigCacheService).refresh();
    clock.advance(120_000);
    const statuses: number[] = [];
    for (const app of [one, two, one, two]) statuses.push((await app.http.post(`${API}/bookings`).send(bookingBody(ids))).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    clock.advance(120_000);
    await two.http.post(`${API}/bookings`).send(bookingBody(ids)).expect(201);
    // Expired counters are purged by the core task; the spent captcha is kept until it expires.
    const rows = async () =>
      (await one.dataSource.query(`SELECT ${one.database.kind === 'mysql' ? '`key`' : '"key"'} AS k FROM shared_counter`))
        .map((r: { k: string }) => r.k.split('|')[0])
        .sort();
    expect(await rows()).toEqual(expect.arrayContaining(['booking-attempt', 'spent']));
    clock.advance(11 * 60_000);
    await one.app.get(TaskRunnerService).runDue(clock.now(), (id) => id === 'core.shared-counter-purge');
    expect(await rows()).toEqual(['spent']);
  });
});
