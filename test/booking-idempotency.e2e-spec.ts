import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import supertest from 'supertest';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { TaskRunnerService } from '../apps/server/src/tasks/task-runner.service.js';
import { createAccount, TEST_PASSWORD } from './harness/admin-session.js';
import type { TestApp } from './harness/test-app.js';
import { citizen, type DemoIds, expectCapacityInvariant, rathausStarts, release, releasedDemoApp, SLUG, solveCaptcha } from './booking-helpers.js';
import { bookingManifest } from '../plugins/booking/booking.manifest.js';

const API = `/api/v1/tenants/${SLUG}`;
const MISMATCH = { statusCode: 422, error: 'Unprocessable Entity', message: 'This Idempotency-Key was already used for a different request.' };

async function count(t: TestApp, where = '1 = 1', params: unknown[] = []): Promise<number> {
  return Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM booking WHERE ${where}`, params))[0].n);
}

describe('Idempotency-Key: bound to the request', () => {
  let t: TestApp;
  let ids: DemoIds;
  const nextStart = rathausStarts();

  beforeAll(async () => {
    ({ t, ids } = await releasedDemoApp());
  });
  afterAll(async () => t.close());

  const body = (who: string, serviceId = ids.ausweis) => ({
    services: [{ serviceId, quantity: 1 }],
    locationId: ids.rathaus,
    start: nextStart(),
    citizen: citizen(who),
    consent: true,
  });
  const post = (key: string | null, b: object, slug = SLUG) => {
    const req = t.http.post(`/api/v1/tenants/${slug}/bookings`);
    return (key === null ? req : req.set('Idempotency-Key', key)).send(b);
  };

  it('answers a true replay with the stored response: 201, the same reference and token, no second booking', async () => {
    const request = body('replay');
    const first = await post('k-replay', request).expect(201);
    // The same request with its keys in another order and the default locale spelt out is the same request.
    const { citizen: person, ...rest } = request;
    const again = await post('k-replay', { locale: 'de', citizen: { email: person.email, name: person.name }, ...rest }).expect(201);
    expect(again.body).toEqual(first.body);
    expect(await count(t, 'citizenEmail = ?', [person.email])).toBe(1);
  });

  it('refuses the key with another request: 422, the body reveals nothing, nothing is written', async () => {
    const victim = body('victim');
    const first = await post('k-other', victim).expect(201);
    const before = await count(t);
    const variants = [
      body('attacker'),
      { ...victim, locale: 'en' },
      { ...victim, start: nextStart() },
      { ...victim, citizen: { ...victim.citizen, phone: '0211 1234' } },
    ];
    for (const other of variants) {
      const refused = await post('k-other', other).expect(422);
      expect(refused.body).toEqual(MISMATCH);
      const text = refused.text;
      for (const secret of [first.body.reference, first.body.token, victim.citizen.name, victim.citizen.email]) expect(text).not.toContain(secret);
    }
    expect(await count(t)).toBe(before);
    // The first request still gets its own answer.
    expect((await post('k-other', victim).expect(201)).body.reference).toBe(first.body.reference);
  });

  it('books once when many requests with one key arrive at once; the others wait (409) or get the same answer', async () => {
    const request = body('burst');
    const responses = await Promise.all(Array.from({ length: 8 }, () => post('k-burst', request)));
    for (const r of responses) expect([201, 409]).toContain(r.status);
    for (const r of responses.filter((x) => x.status === 409)) expect(r.body.message).toMatch(/still being processed/);
    const references = new Set(responses.filter((r) => r.status === 201).map((r) => r.body.reference));
    expect(references.size).toBe(1);
    expect(await count(t, 'citizenEmail = ?', [request.citizen.email])).toBe(1);
    expect((await post('k-burst', request).expect(201)).body.reference).toBe([...references][0]);
    await expectCapacityInvariant(t.dataSource);
  });

  it('frees the key of a request that failed, so the client can retry with it', async () => {
    // Two unconfirmed bookings for one mailbox: a third is refused (429) after it claimed its key.
    const held = await post(null, body('retry', ids.ausweis)).expect(201);
    await post(null, body('retry', ids.pass)).expect(201);
    const third = body('retry', ids.anmeldung);
    await post('k-retry', third).expect(429);
    await t.http.post(`${API}/bookings/${held.body.reference}/confirm`).send({ token: held.body.token }).expect(200);
    const booked = await post('k-retry', third).expect(201);
    expect((await post('k-retry', third).expect(201)).body.reference).toBe(booked.body.reference);
  });

  it('validates the key: 1 to 100 printable ASCII characters, else 400 and nothing written', async () => {
    const before = await count(t);
    for (const bad of ['', 'x'.repeat(101), 'schlüssel']) {
      const res = await post(bad, body('badkey')).expect(400);
      expect(res.body.message).toBe('The Idempotency-Key must be 1 to 100 printable ASCII characters.');
    }
    await post(`${'x'.repeat(98)} !`, body('goodkey')).expect(201);
    expect(await count(t)).toBe(before + 1);
  });

  it('keeps keys apart per municipality', async () => {
    await release(t, 'beispielheim');
    const services = (await t.http.get('/api/v1/tenants/beispielheim/services').expect(200)).body as Array<{ id: string; name: string; locations: string[] }>;
    const service = services.find((s) => s.name === 'Personalausweis beantragen')!;
    const found = await t.http.get(`/api/v1/tenants/beispielheim/availability?services=${service.id}:1&from=2026-11-24&to=2026-12-04`).expect(200);
    const day = found.body.days[0];
    const theirs = {
      services: [{ serviceId: service.id, quantity: 1 }],
      locationId: day.locationId,
      start: day.starts[0],
      citizen: citizen('town'),
      consent: true,
    };
    const mine = body('town');
    const here = await post('k-town', mine).expect(201);
    const there = await post('k-town', theirs, 'beispielheim').expect(201);
    expect(there.body.reference).not.toBe(here.body.reference);
    // Each town answers the replay with its own booking, and another town's request is not a replay here.
    expect((await post('k-town', mine).expect(201)).body.reference).toBe(here.body.reference);
    expect((await post('k-town', theirs, 'beispielheim').expect(201)).body.reference).toBe(there.body.reference);
    expect((await post('k-town', theirs).expect(422)).body).toEqual(MISMATCH);
  });

  it('binds a back-office key to the staff member and the request', async () => {
    await createAccount(t, 'staff', 'kim@musterstadt.example', SLUG);
    await createAccount(t, 'staff', 'eva@musterstadt.example', SLUG);
    const login = async (email: string) => {
      const agent = supertest.agent(t.app.getHttpServer());
      await agent.post(`${API}/staff/session`).send({ email, password: TEST_PASSWORD }).expect(200);
      return agent;
    };
    const [kim, eva] = [await login('kim@musterstadt.example'), await login('eva@musterstadt.example')];
    const url = `${API}/backoffice/bookings`;
    const request = { ...body('staff'), citizen: { name: 'Max Anrufer', phone: '0211 555' } };
    const first = await kim.post(url).set('Idempotency-Key', 'k-staff').send(request).expect(201);
    expect((await kim.post(url).set('Idempotency-Key', 'k-staff').send(request).expect(201)).body.reference).toBe(first.body.reference);
    expect(
      (
        await kim
          .post(url)
          .set('Idempotency-Key', 'k-staff')
          .send({ ...request, citizen: { name: 'Mia Anruferin' } })
          .expect(422)
      ).body,
    ).toEqual(MISMATCH);
    // The same request from another staff member is not a replay: it would hand over Kim's booking.
    expect((await eva.post(url).set('Idempotency-Key', 'k-staff').send(request).expect(422)).body).toEqual(MISMATCH);
    await kim.post(url).set('Idempotency-Key', 'ü'.repeat(3)).send(request).expect(400);
    expect(await count(t, "citizenName IN ('Max Anrufer', 'Mia Anruferin')")).toBe(1);
  });

  it('treats a key as new after 24 hours, and purges the stored response with its personal data', async () => {
    const late = rathausStarts(['2026-12-08', '2026-12-10']);
    const first = await post('k-day', { ...body('day'), start: late() }).expect(201);
    const records = async () => Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM idempotency_record'))[0].n);
    t.clock.advance(23 * 3_600_000);
    await post('k-day', { ...body('day2'), start: late() }).expect(422);
    t.clock.advance(3_600_000);
    const second = await post('k-day', { ...body('day2'), start: late() }).expect(201);
    expect(second.body.reference).not.toBe(first.body.reference);
    const purge = () => t.app.get(TaskRunnerService).runDue(t.clock.now(), (id) => id === 'core.idempotency-purge');
    expect(await records()).toBeGreaterThan(1);
    await purge();
    // Only the renewed key is younger than a day.
    expect(await records()).toBe(1);
    t.clock.advance(24 * 3_600_000 + 60_000);
    await purge();
    expect(await records()).toBe(0);
  });
});

describe('Idempotency-Key with bot protection on', () => {
  let t: TestApp;
  let ids: DemoIds;
  const nextStart = rathausStarts();

  beforeAll(async () => {
    ({ t, ids } = await releasedDemoApp({ env: { BOT_PROTECTION: 'on' } }));
  });
  afterAll(async () => t.close());

  const body = (who: string) => ({
    services: [{ serviceId: ids.ausweis, quantity: 1 }],
    locationId: ids.rathaus,
    start: nextStart(),
    citizen: citizen(who),
    consent: true,
  });
  const post = (b: object) => t.http.post(`${API}/bookings`).set('Idempotency-Key', 'k-bot').send(b);

  it('answers a true replay without captcha or rate limit; another request under the key must pass both first', async () => {
    const tenant = await t.tenant(SLUG);
    // The easiest proof of work keeps the test quick; the captcha is on (the tenant default).
    await t.app.get(PluginHostService).updateSettings(tenant.id, bookingManifest, { rateLimitPerMinute: 3, captchaDifficulty: 1000 });
    const request = body('bot');
    const altcha = await solveCaptcha(t);
    const first = await post({ ...request, altcha }).expect(201); // attempt 1
    // The same request again, with its spent answer or with none: the stored response, not counted.
    for (let i = 0; i < 3; i++) expect((await post({ ...request, altcha }).expect(201)).body).toEqual(first.body);
    expect((await post(request).expect(201)).body.reference).toBe(first.body.reference);
    // Another request under the key does not get as far as the key without an answer…
    const other = body('other');
    expect((await post(other).expect(400)).body.message).toMatch(/spam protection/); // attempt 2
    // …and with one it is refused as another request, revealing nothing.
    expect((await post({ ...other, altcha: await solveCaptcha(t) }).expect(422)).body).toEqual(MISMATCH); // attempt 3
    await post({ ...other, altcha: await solveCaptcha(t) }).expect(429); // attempt 4: over the limit
    expect((await post(request).expect(201)).body.reference).toBe(first.body.reference);
    expect(await count(t)).toBe(1);
  });

  it('the portal: a second submit of the review page (same key, same captcha answer) books once and shows the same page', async () => {
    t.clock.advance(120_000);
    const start = nextStart();
    const form = {
      services: `${ids.ausweis}:1`,
      location: ids.rathaus,
      start,
      name: 'Erika Portal',
      email: 'erika.portal@example.org',
      phone: '',
      consent: 'yes',
    };
    const review = await t.http.post(`/${SLUG}/termin/angaben`).type('form').send(form).expect(200);
    const idempotencyKey = /name="idempotencyKey" value="([^"]+)"/.exec(review.text)![1];
    expect(review.text).toContain('data-altcha');
    const submit = { ...form, idempotencyKey, altcha: await solveCaptcha(t), action: 'book' };
    const [a, b] = await Promise.all([1, 2].map(() => t.http.post(`/${SLUG}/termin/buchen`).type('form').send(submit)));
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(b.headers.location).toBe(a.headers.location);
    expect(await count(t, 'citizenEmail = ?', ['erika.portal@example.org'])).toBe(1);
  });
});
