import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { TaskRunnerService } from '../apps/server/src/tasks/task-runner.service.js';
import { BookingService } from '../plugins/booking/booking.service.js';
import type { TestApp } from './harness/test-app.js';
import { type DemoIds, expectCapacityInvariant, rathausStarts, releasedDemoApp, SLUG, solveCaptcha } from './booking-helpers.js';
import { bookingManifest } from '../plugins/booking/booking.manifest.js';

const API = `/api/v1/tenants/${SLUG}`;

describe('caps on unconfirmed bookings (holds)', () => {
  let t: TestApp;
  let ids: DemoIds;
  const nextStart = rathausStarts();
  // Behind a trusted proxy the client address comes from X-Forwarded-For, so one test can be many clients.
  const settings = { captcha: false, rateLimitPerMinute: 1000 };

  beforeAll(async () => {
    ({ t, ids } = await releasedDemoApp({ env: { BOT_PROTECTION: 'on', TRUST_PROXY: 'on' } }));
    await t.app.get(PluginHostService).updateSettings((await t.tenant(SLUG)).id, bookingManifest, settings);
  });
  afterAll(async () => t.close());

  const book = (address: string, email: string, serviceId = ids.ausweis) =>
    t.http
      .post(`${API}/bookings`)
      .set('X-Forwarded-For', address)
      .send({
        services: [{ serviceId, quantity: 1 }],
        locationId: ids.rathaus,
        start: nextStart(),
        citizen: { name: 'Erika Mustermann', email },
        consent: true,
      });
  const confirm = (b: { reference: string; token: string }) => t.http.post(`${API}/bookings/${b.reference}/confirm`).send({ token: b.token }).expect(200);
  const housekeeping = () => t.app.get(TaskRunnerService).runDue(t.clock.now(), (id) => id === 'booking.housekeeping');
  let client = 0;
  /** A client address no test used before. */
  const fresh = () => `192.0.2.${++client}`;

  it('plus-tags, Gmail dots, googlemail.com and letter case reach one mailbox: two unconfirmed bookings, not a third', async () => {
    // Different services and addresses: only the cap on unconfirmed bookings per mailbox applies.
    await book(fresh(), 'erika.muster+a@gmail.com', ids.ausweis).expect(201);
    await book(fresh(), 'ErikaMuster+b@googlemail.com', ids.pass).expect(201);
    const third = await book(fresh(), 'e.r.i.k.a.m.u.s.t.e.r@GMAIL.com', ids.anmeldung).expect(429);
    expect(third.body.message).toMatch(/already 2 unconfirmed bookings for this email address.*confirm them first/);
    await book(fresh(), 'max+1@web.de', ids.ausweis).expect(201);
    await book(fresh(), 'Max+2@Web.de', ids.pass).expect(201);
    await book(fresh(), 'max+3@web.de', ids.anmeldung).expect(429);
    // Dots count at other providers: another mailbox.
    await book(fresh(), 'm.ax@web.de', ids.anmeldung).expect(201);
  });

  it('refuses a fourth unconfirmed booking from one address, and counts IPv6 per /64', async () => {
    for (let i = 1; i <= 3; i++) await book('203.0.113.10', `v4-${i}@example.org`).expect(201);
    const fourth = await book('203.0.113.10', 'v4-4@example.org').expect(429);
    expect(fourth.body.message).toMatch(/Too many unconfirmed bookings from your network/);
    for (const [i, address] of ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:aaaa::3'].entries()) await book(address, `v6-${i}@example.org`).expect(201);
    await book('2001:db8:1:2:ffff:ffff:ffff:ffff', 'v6-4@example.org').expect(429);
    await book('2001:db8:1:3::1', 'v6-5@example.org').expect(201);
  });

  it('keeps the address only as an HMAC on the pending booking, and never shows it', async () => {
    const res = await book('198.51.100.200', 'shown@example.org').expect(201);
    expect(JSON.stringify(res.body)).not.toMatch(/clientKey|198\.51\.100/);
    const shown = await t.http.get(`${API}/bookings/${res.body.reference}?token=${res.body.token}`).expect(200);
    expect(JSON.stringify(shown.body)).not.toMatch(/clientKey|198\.51\.100/);
    const keys: Array<{ clientKey: string }> = await t.dataSource.query('SELECT clientKey FROM booking WHERE clientKey IS NOT NULL');
    expect(keys.length).toBeGreaterThan(0);
    for (const { clientKey } of keys) expect(clientKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a confirmed booking frees its place under the cap and forgets the address', async () => {
    const address = fresh();
    const held = [];
    for (let i = 1; i <= 3; i++) held.push((await book(address, `confirm-${i}@example.org`).expect(201)).body);
    await book(address, 'confirm-4@example.org').expect(429);
    await confirm(held[0]);
    const [row] = await t.dataSource.query('SELECT clientKey FROM booking WHERE reference = ?', [held[0].reference]);
    expect(row.clientKey).toBeNull();
    await book(address, 'confirm-5@example.org').expect(201);
    await book(address, 'confirm-6@example.org').expect(429);
  });

  it('never lets concurrent bookings from one address past the cap', async () => {
    const address = '198.51.100.7';
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => book(address, `burst-${i}@example.org`)));
    expect(responses.map((r) => r.status).sort()).toEqual([201, 201, 201, 429, 429, 429, 429, 429, 429, 429]);
    const held = await t.dataSource.query("SELECT COUNT(*) AS n FROM booking WHERE status = 'pending' AND citizenEmail LIKE 'burst-%'");
    expect(Number(held[0].n)).toBe(3);
    await expectCapacityInvariant(t.dataSource);
  });

  it('takes the caps from the tenant settings', async () => {
    const tenant = await t.tenant(SLUG);
    await t.app.get(PluginHostService).updateSettings(tenant.id, bookingManifest, { ...settings, maxPendingPerAddress: 1, maxPendingPerEmail: 1 });
    const address = fresh();
    await book(address, 'setting-1@example.org').expect(201);
    await book(address, 'setting-2@example.org').expect(429);
    await book(fresh(), 'setting-1@example.org', ids.pass).expect(429);
    await t.app.get(PluginHostService).updateSettings(tenant.id, bookingManifest, settings);
    await book(address, 'setting-2@example.org').expect(201);
  });

  it('does not cap staff or the trusted kiosk path', async () => {
    const trusted = (channel: 'phone' | 'kiosk') =>
      t.asTenant(SLUG, () =>
        t.app.get(BookingService).createTrusted(channel, {
          services: [{ serviceId: ids.ausweis, quantity: 1 }],
          locationId: ids.rathaus,
          start: nextStart(),
          citizen: { name: 'Erika Mustermann', email: 'erika.muster+desk@gmail.com' },
          consent: true,
          locale: 'de',
        }),
      );
    // The mailbox is at its cap on unconfirmed bookings (first test); at the desk and the kiosk it books anyway.
    for (const channel of ['phone', 'kiosk', 'phone'] as const) expect((await trusted(channel)).status).toBe('confirmed');
  });

  it('holds count until they lapse; housekeeping then forgets their address', async () => {
    const address = fresh();
    for (let i = 1; i <= 3; i++) await book(address, `lapse-${i}@example.org`).expect(201);
    await book(address, 'lapse-4@example.org').expect(429);
    t.clock.advance(29 * 60_000);
    await book(address, 'lapse-4@example.org').expect(429);
    // holdMinutes (30) later they no longer count, even before the housekeeping task has run.
    t.clock.advance(2 * 60_000);
    await book(address, 'lapse-4@example.org').expect(201);
    await housekeeping();
    const left = await t.dataSource.query("SELECT COUNT(*) AS n FROM booking WHERE clientKey IS NOT NULL AND status <> 'pending'");
    expect(Number(left[0].n)).toBe(0);
    await expectCapacityInvariant(t.dataSource);
  });
});

describe('captcha difficulty in a rush', () => {
  let t: TestApp;
  let ids: DemoIds;
  const nextStart = rathausStarts();

  beforeAll(async () => {
    ({ t, ids } = await releasedDemoApp({ env: { BOT_PROTECTION: 'on' } }));
    await t.app.get(PluginHostService).updateSettings((await t.tenant(SLUG)).id, bookingManifest, {
      captchaDifficulty: 2000,
      rushPendingThreshold: 2,
      rushDifficultyFactor: 10,
      maxPendingPerAddress: 10,
    });
  });
  afterAll(async () => t.close());

  const maxNumber = async () => (await t.http.get(`${API}/bookings/challenge`).expect(200)).body.maxnumber as number;
  const book = (n: number, altcha: string) =>
    t.http.post(`${API}/bookings`).send({
      services: [{ serviceId: ids.ausweis, quantity: 1 }],
      locationId: ids.rathaus,
      start: nextStart(),
      citizen: { name: 'Erika Mustermann', email: `rush-${n}@example.org` },
      consent: true,
      altcha,
    });

  it('rises while the live holds exceed the threshold and falls back when they lapse; an earlier solution stays valid', async () => {
    expect(await maxNumber()).toBe(2000);
    const early = await solveCaptcha(t);
    for (let i = 1; i <= 3; i++) await book(i, await solveCaptcha(t)).expect(201);
    // The count is cached for 5 seconds per instance.
    t.clock.advance(6_000);
    expect(await maxNumber()).toBe(20_000);
    await book(4, early).expect(201);
    t.clock.advance(31 * 60_000);
    expect(await maxNumber()).toBe(2000);
  });
});
