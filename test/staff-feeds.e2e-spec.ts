import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ical, { type VEvent } from 'node-ical';
import type TestAgent from 'supertest/lib/agent.js';
import { TenantPluginState } from '../apps/server/src/tenancy/tenant-plugin-state.entity.js';
import type { TestApp } from './harness/test-app.js';
import { type DemoIds, releasedDemoApp, SLUG } from './booking-helpers.js';
import { loginStaff, STAFF_API, staffAccounts } from './staff-calendar-helpers.js';

const BACKOFFICE = `/api/v1/tenants/${SLUG}/backoffice/bookings`;
const FEEDS = `${STAFF_API}/feeds`;

describe('staff calendar: private ICS feeds', () => {
  let t: TestApp;
  let ids: DemoIds;
  let lead: TestAgent;

  beforeAll(async () => {
    ({ t, ids } = await releasedDemoApp());
    await staffAccounts(t, ids);
    lead = await loginStaff(t, 'leitung@musterstadt.example');
  });
  afterAll(async () => t.close());

  const path = (url: string) => new URL(url).pathname;
  const events = async (url: string) => {
    const res = await t.http.get(path(url)).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/calendar/);
    expect(res.headers['cache-control']).toBe('no-store');
    return Object.values(ical.sync.parseICS(res.text)).filter((c) => c?.type === 'VEVENT') as VEvent[];
  };
  const book = async (start: string, citizen: Record<string, string>) =>
    (
      await lead
        .post(BACKOFFICE)
        .send({ services: [{ serviceId: ids.ausweis, quantity: 1 }], locationId: ids.rathaus, start, citizen, consent: true })
        .expect(201)
    ).body as { reference: string };

  it('is issued by supervisors and administrators only, and stores only a hash of its secret', async () => {
    const clerk = await loginStaff(t, 'rathaus@musterstadt.example');
    const refused = await clerk.post(FEEDS).send({ locationId: ids.rathaus }).expect(403);
    expect(refused.body.message).toBe('Diese Aktion ist der Teamleitung und den Kommunen-Admins vorbehalten.');
    const admin = await loginStaff(t, 'admin@musterstadt.example');
    const issued = (await admin.post(FEEDS).send({ locationId: ids.rathaus }).expect(201)).body as { id: string; url: string };
    expect(issued.url).toMatch(/^http:\/\/amtszeit\.test\/api\/v1\/tenants\/musterstadt\/calendar-feeds\/[A-Za-z0-9_-]{43}\.ics$/);
    const secret = issued.url.split('/').pop()!.replace('.ics', '');
    const stored = JSON.stringify(await t.dataSource.query('SELECT * FROM booking_calendar_feed'));
    expect(stored).not.toContain(secret);
    expect((await admin.get(FEEDS).query({ locationId: ids.rathaus }).expect(200)).body).toEqual([
      { id: issued.id, locationId: ids.rathaus, counterId: null, createdAt: expect.any(String) },
    ]);
    await admin.delete(`${FEEDS}/${issued.id}`).expect(204);
    await t.http.get(path(issued.url)).expect(404);
    await lead.post(FEEDS).send({ locationId: 'x' }).expect(400);
    expect(Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM booking_calendar_feed'))[0].n)).toBe(0);
  });

  it('shows a booking on the next fetch with reference and services, without personal data unless the town enables names', async () => {
    const feed = (await lead.post(FEEDS).send({ locationId: ids.rathaus }).expect(201)).body as { id: string; url: string };
    expect(await events(feed.url)).toEqual([]);
    const booked = await book('2026-11-24T10:00:00+01:00', { name: 'Frieda Feed', email: 'frieda@example.org', phone: '0151 99988877' });
    const [event] = await events(feed.url);
    expect(event.summary).toBe(`${booked.reference} – 1 × Personalausweis beantragen`);
    expect(new Date(event.start).toISOString()).toBe('2026-11-24T09:00:00.000Z');
    const raw = (await t.http.get(path(feed.url)).expect(200)).text;
    for (const personal of ['Frieda', 'frieda@example.org', '99988877']) expect(raw).not.toContain(personal);

    const [muster] = await t.dataSource.query('SELECT id FROM tenant WHERE slug = ?', [SLUG]);
    const states = t.dataSource.getRepository(TenantPluginState);
    const state = await states.findOneByOrFail({ tenantId: muster.id, plugin: 'booking' });
    await states.save({ ...state, settings: { ...state.settings, calendarFeedNames: true } });
    expect((await events(feed.url))[0].summary).toBe(`${booked.reference} – Frieda Feed – 1 × Personalausweis beantragen`);
    expect((await t.http.get(path(feed.url)).expect(200)).text).not.toContain('frieda@example.org');
    await states.save(state);

    // Cancelled: gone from the feed on the next fetch.
    const [row] = await t.dataSource.query('SELECT id FROM booking WHERE reference = ?', [booked.reference]);
    await lead.post(`${BACKOFFICE}/${row.id}/cancel`).expect(200);
    expect(await events(feed.url)).toEqual([]);
  });

  it('per counter: only the appointments in that counter’s lane', async () => {
    const counters = await t.dataSource.query('SELECT id, name FROM counter WHERE locationId = ? ORDER BY name', [ids.rathaus]);
    const platz2 = counters.find((c: { name: string }) => c.name === 'Platz 2').id;
    const feed = (await lead.post(FEEDS).send({ locationId: ids.rathaus, counterId: platz2 }).expect(201)).body as { url: string };
    const first = await book('2026-11-26T10:00:00+01:00', { name: 'Lane One' });
    const second = await book('2026-11-26T10:15:00+01:00', { name: 'Lane Two' });
    expect(await events(feed.url)).toEqual([]);
    const [row] = await t.dataSource.query('SELECT id FROM booking WHERE reference = ?', [second.reference]);
    await lead.put(`${BACKOFFICE}/${row.id}/counter`).send({ counterId: platz2 }).expect(200);
    expect((await events(feed.url)).map((e) => e.summary)).toEqual([`${second.reference} – 1 × Personalausweis beantragen`]);
    expect(first.reference).not.toBe(second.reference);
  });

  it('answers 404 for an unknown secret, a revoked one, and under another town’s path', async () => {
    const feed = (await lead.post(FEEDS).send({ locationId: ids.nord }).expect(201)).body as { id: string; url: string };
    const file = feed.url.split('/').pop()!;
    await t.http.get(`/api/v1/tenants/beispielheim/calendar-feeds/${file}`).expect(404);
    await t.http.get(`/api/v1/tenants/musterstadt/calendar-feeds/${'A'.repeat(43)}.ics`).expect(404);
    await t.http.get(path(feed.url).replace('.ics', '')).expect(404);
    const foreign = await loginStaff(t, 'leitung@beispielheim.example', 'beispielheim');
    await foreign.delete(`/api/v1/tenants/beispielheim/backoffice/feeds/${feed.id}`).expect(404);
    await t.http.get(path(feed.url)).expect(200);
    const renewed = (await lead.post(FEEDS).send({ locationId: ids.nord }).expect(201)).body as { url: string };
    await lead.delete(`${FEEDS}/${feed.id}`).expect(204);
    await t.http.get(path(feed.url)).expect(404);
    await t.http.get(path(renewed.url)).expect(200);
  });
});
