import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestApp } from './harness/test-app.js';
import { ConfigCacheService } from '../apps/server/src/cache/config-cache.service.js';
import { countQueries } from './harness/query-counter.js';
import { citizen, type DemoIds, expectCapacityInvariant, releasedDemoApp, SLUG } from './booking-helpers.js';

const API = `/api/v1/tenants/${SLUG}`;

describe('booking API', () => {
  let t: TestApp;
  let ids: DemoIds;

  beforeAll(async () => {
    // Monday 2026-11-23, 08:00 in Berlin: before the 09:00 release, after the 07:00 same-day release.
    ({ t, ids } = await releasedDemoApp());
  });
  afterAll(async () => t.close());

  const availability = (services: string, from = '2026-11-23', to = '2026-11-27', extra = '') =>
    t.http.get(`${API}/availability?services=${services}&from=${from}&to=${to}${extra}`);

  it('lists free start times per location and day as local ISO times with offset', async () => {
    const res = await availability(`${ids.ausweis}:1`).expect(200);
    expect(res.body.minutes).toBe(15);
    const rathausMonday = res.body.days.find((d: { locationId: string; date: string }) => d.locationId === ids.rathaus && d.date === '2026-11-23');
    // Today it is 08:00, and the demo town's lead time keeps the next 60 minutes: the first free start is 09:15.
    expect(rathausMonday.starts[0]).toBe('2026-11-23T09:15:00+01:00');
    expect(rathausMonday.starts.at(-1)).toBe('2026-11-23T12:15:00+01:00');
    // Nord is open Monday, Wednesday, Friday only.
    expect(res.body.days.filter((d: { locationId: string }) => d.locationId === ids.nord).map((d: { date: string }) => d.date)).toEqual([
      '2026-11-23',
      '2026-11-25',
      '2026-11-27',
    ]);
  });

  it('needs consecutive free slots for several services and quantities', async () => {
    const res = await availability(`${ids.ausweis}:2,${ids.anmeldung}:1`, '2026-11-24', '2026-11-24', `&locations=${ids.rathaus}`).expect(200);
    expect(res.body.minutes).toBe(45);
    const starts: string[] = res.body.days[0].starts;
    expect(starts[0]).toBe('2026-11-24T08:00:00+01:00');
    // The morning range ends 12:30: the last 45-minute start is 11:45; the afternoon starts 14:00.
    expect(starts).toContain('2026-11-24T11:45:00+01:00');
    expect(starts).not.toContain('2026-11-24T12:00:00+01:00');
    expect(starts).toContain('2026-11-24T14:00:00+01:00');
    expect(starts.at(-1)).toBe('2026-11-24T17:15:00+01:00');
  });

  it('asks the database a fixed number of queries, whatever the days and locations', async () => {
    const queries = countQueries(t.dataSource);
    // Cold (the config cache dropped), both pay the same loads; warm, only the grouped unit query is left.
    const cache = t.app.get(ConfigCacheService);
    const small = () => availability(`${ids.ausweis}:1`, '2026-11-24', '2026-11-24', `&locations=${ids.rathaus}`).expect(200);
    const large = () => availability(`${ids.ausweis}:1,${ids.anmeldung}:2`, '2026-11-23', '2026-12-13').expect(200);
    try {
      cache.invalidate();
      queries.reset();
      await small();
      const cold = queries.count;
      expect(cold).toBeGreaterThan(3);
      cache.invalidate();
      queries.reset();
      await large();
      expect(queries.count).toBe(cold);
      for (const request of [small, large]) {
        queries.reset();
        await request();
        expect(queries.count).toBe(1);
      }
    } finally {
      queries.stop();
    }
  });

  it('answers bad availability requests with 400 and a clear message', async () => {
    expect((await availability('nonsense', '2026-11-24', '2026-11-24').expect(400)).body.message).toMatch(/Unknown service/);
    expect((await availability(`${ids.ausweis}:9`).expect(400)).body.message).toMatch(/between 1 and 4/);
    expect((await t.http.get(`${API}/availability?services=${ids.ausweis}:1&from=24.11.2026&to=2026-11-25`).expect(400)).body.message).toMatch(
      /from: expected a date/,
    );
  });

  it('books, confirms, shows and cancels; capacity follows', async () => {
    const start = '2026-11-24T09:00:00+01:00';
    const body = { services: [{ serviceId: ids.ausweis, quantity: 2 }], locationId: ids.rathaus, start, citizen: citizen('a'), consent: true };
    const created = await t.http.post(`${API}/bookings`).send(body).expect(201);
    expect(created.body).toMatchObject({ status: 'pending', start, end: '2026-11-24T09:30:00+01:00', holdUntil: '2026-11-23T08:30:00+01:00' });
    expect(created.body.reference).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const { reference, token } = created.body;

    const shown = await t.http.get(`${API}/bookings/${reference}?token=${token}`).expect(200);
    expect(shown.body.services[0].checklist.map((c: { text: string }) => c.text)).toContain('Bisheriger Personalausweis oder Reisepass');
    expect(shown.body.location.address.street).toBe('Marktplatz 1');
    expect(shown.body.qrPayload).toBe(`AMTSZEIT:${SLUG}:${reference}`);

    // Wrong token and unknown reference look the same.
    const wrong = await t.http.get(`${API}/bookings/${reference}?token=nope`).expect(404);
    const unknown = await t.http.get(`${API}/bookings/ZZZZ-ZZZZ?token=${token}`).expect(404);
    expect(wrong.body.message).toBe(unknown.body.message);

    const confirmed = await t.http.post(`${API}/bookings/${reference}/confirm`).send({ token }).expect(200);
    expect(confirmed.body.status).toBe('confirmed');
    await t.http.post(`${API}/bookings/${reference}/confirm`).send({ token }).expect(200);
    const ics = await t.http.get(`${API}/bookings/${reference}/ics?token=${token}`).expect(200);
    expect(ics.headers['content-type']).toMatch(/text\/calendar/);
    expect(ics.text).toContain('BEGIN:VEVENT');

    const cancelled = await t.http.post(`${API}/bookings/${reference}/cancel`).send({ token }).expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    await t.http.post(`${API}/bookings/${reference}/rebook`).send({ token, locationId: ids.rathaus, start: '2026-11-24T10:00:00+01:00' }).expect(409);
    await expectCapacityInvariant(t.dataSource);
  });

  it('validates booking input with 400 and writes nothing', async () => {
    const before = await t.dataSource.query('SELECT COUNT(*) AS n FROM booking');
    const base = {
      services: [{ serviceId: ids.ausweis, quantity: 1 }],
      locationId: ids.rathaus,
      start: '2026-11-24T10:00:00+01:00',
      citizen: citizen('v'),
      consent: true,
    };
    const noConsent = await t.http
      .post(`${API}/bookings`)
      .send({ ...base, consent: false })
      .expect(400);
    expect(noConsent.body.message).toMatch(/consent/);
    const badMail = await t.http
      .post(`${API}/bookings`)
      .send({ ...base, citizen: { name: 'X Y', email: 'not-an-email' } })
      .expect(400);
    expect(badMail.body.fields[0].field).toBe('citizen.email');
    const seven = Array.from({ length: 7 }, (_, i) => ({ serviceId: `s${i}`, quantity: 1 }));
    await t.http
      .post(`${API}/bookings`)
      .send({ ...base, services: seven })
      .expect(400);
    await t.http
      .post(`${API}/bookings`)
      .send({ ...base, start: '2026-11-24 10:00' })
      .expect(400);
    // A pass is not offered at Nord: a conflict with a clear message.
    const notOffered = await t.http
      .post(`${API}/bookings`)
      .send({ ...base, services: [{ serviceId: ids.pass, quantity: 1 }], locationId: ids.nord, start: '2026-11-25T13:00:00+01:00' })
      .expect(409);
    expect(notOffered.body.message).toMatch(/does not offer/);
    // Not on the slot grid: 10:05 is not a start.
    await t.http
      .post(`${API}/bookings`)
      .send({ ...base, start: '2026-11-24T10:05:00+01:00' })
      .expect(409);
    expect(await t.dataSource.query('SELECT COUNT(*) AS n FROM booking')).toEqual(before);
  });

  it('honours the Idempotency-Key header: a double click books once', async () => {
    const body = {
      services: [{ serviceId: ids.anmeldung, quantity: 1 }],
      locationId: ids.rathaus,
      start: '2026-11-24T11:00:00+01:00',
      citizen: citizen('i'),
      consent: true,
    };
    const [a, b] = await Promise.all([
      t.http.post(`${API}/bookings`).set('Idempotency-Key', 'click-1').send(body),
      t.http.post(`${API}/bookings`).set('Idempotency-Key', 'click-1').send(body),
    ]);
    // The second one either finds the first finished (its response again) or still running (409).
    const won = [a, b].filter((r) => r.status === 201);
    expect([...won, ...[a, b].filter((r) => r.status === 409)]).toHaveLength(2);
    const again = await t.http.post(`${API}/bookings`).set('Idempotency-Key', 'click-1').send(body).expect(201);
    for (const r of won) expect(r.body.reference).toBe(again.body.reference);
    const rows = await t.dataSource.query("SELECT COUNT(*) AS n FROM booking WHERE citizenEmail = 'erikai@example.org'");
    expect(Number(rows[0].n)).toBe(1);
    await expectCapacityInvariant(t.dataSource);
  });

  it('caps active appointments per email address and service', async () => {
    const book = (start: string) =>
      t.http
        .post(`${API}/bookings`)
        .send({ services: [{ serviceId: ids.pass, quantity: 1 }], locationId: ids.rathaus, start, citizen: citizen('cap'), consent: true });
    // Two unconfirmed: the cap on unconfirmed holds speaks first (confirming is the way out).
    const held = [await book('2026-11-26T08:00:00+01:00').expect(201), await book('2026-11-26T08:15:00+01:00').expect(201)];
    expect((await book('2026-11-26T08:30:00+01:00').expect(429)).body.message).toMatch(/2 unconfirmed bookings/);
    // Two confirmed appointments for the service: the per-service cap.
    for (const { body } of held) await t.http.post(`${API}/bookings/${body.reference}/confirm`).send({ token: body.token }).expect(200);
    const third = await book('2026-11-26T08:30:00+01:00').expect(429);
    expect(third.body.message).toMatch(/already have 2 open appointments/);
  });

  it('rebooks in one step: new time taken, old time given back', async () => {
    const created = await t.http
      .post(`${API}/bookings`)
      .send({
        services: [{ serviceId: ids.ausweis, quantity: 1 }],
        locationId: ids.rathaus,
        start: '2026-11-27T08:00:00+01:00',
        citizen: citizen('r'),
        consent: true,
      })
      .expect(201);
    const { reference, token } = created.body;
    // Nord's 20-minute slots: the 15-minute appointment takes the 08:40 slot (08:20 is agent share).
    const moved = await t.http
      .post(`${API}/bookings/${reference}/rebook`)
      .send({ token, locationId: ids.nord, start: '2026-11-27T08:40:00+01:00' })
      .expect(200);
    expect(moved.body).toMatchObject({ start: '2026-11-27T08:40:00+01:00', end: '2026-11-27T09:00:00+01:00', status: 'pending' });
    expect(moved.body.location.id).toBe(ids.nord);
    await expectCapacityInvariant(t.dataSource);
    const held = await t.dataSource.query(
      `SELECT u.locationId FROM booking_capacity_allocation a JOIN booking_capacity_unit u ON u.id = a.unitId JOIN booking b ON b.id = a.ownerId WHERE b.reference = '${reference}'`,
    );
    expect(held.map((h: { locationId: string }) => h.locationId)).toEqual([ids.nord]);
  });

  it("never shows or changes a booking through another municipality's address", async () => {
    const created = await t.http
      .post(`${API}/bookings`)
      .send({
        services: [{ serviceId: ids.ausweis, quantity: 1 }],
        locationId: ids.rathaus,
        start: '2026-11-27T09:00:00+01:00',
        citizen: citizen('x'),
        consent: true,
      })
      .expect(201);
    const { reference, token } = created.body;
    const other = '/api/v1/tenants/beispielheim';
    await t.http.get(`${other}/bookings/${reference}?token=${token}`).expect(404);
    await t.http.post(`${other}/bookings/${reference}/cancel`).send({ token }).expect(404);
    // Musterstadt's service and location are unknown there.
    const foreign = await t.http
      .post(`${other}/bookings`)
      .send({
        services: [{ serviceId: ids.ausweis, quantity: 1 }],
        locationId: ids.rathaus,
        start: '2026-11-27T09:15:00+01:00',
        citizen: citizen('y'),
        consent: true,
      })
      .expect(400);
    expect(foreign.body.message).toMatch(/Unknown service/);
    expect((await t.http.get(`${API}/bookings/${reference}?token=${token}`).expect(200)).body.status).toBe('pending');
  });

  it('documents its routes in OpenAPI', async () => {
    const doc = await t.http.get('/api/docs/openapi.json').expect(200);
    for (const path of [
      'availability',
      'bookings',
      'bookings/{reference}',
      'bookings/{reference}/confirm',
      'bookings/{reference}/cancel',
      'bookings/{reference}/rebook',
      'bookings/{reference}/ics',
      'backoffice/bookings',
    ]) {
      expect(Object.keys(doc.body.paths)).toContain(`/api/v1/tenants/{slug}/${path}`);
    }
  });
});
