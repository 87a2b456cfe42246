import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Counter } from '../apps/server/src/catalog/entities/counter.entity.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import type { CalendarDay, CalendarWeek } from '../plugins/booking/staff/calendar.types.js';
import type { TestApp } from './harness/test-app.js';
import { type DemoIds, releasedDemoApp } from './booking-helpers.js';
import { insertBooking, loginStaff, STAFF_API, staffAccounts } from './staff-calendar-helpers.js';

describe('staff calendar: roles, day and week views', () => {
  let t: TestApp;
  let ids: DemoIds;
  let counters: Counter[];

  beforeAll(async () => {
    ({ t, ids } = await releasedDemoApp());
    await staffAccounts(t, ids);
    counters = await t.asTenant('musterstadt', () =>
      t.app
        .get(TenantDataService)
        .repo(Counter)
        .find({ where: { locationId: ids.rathaus }, order: { name: 'ASC' } }),
    );
  });
  afterAll(async () => t.close());

  const day = (location: string, date?: string) => `${STAFF_API}/calendar/day?locationId=${location}${date ? `&date=${date}` : ''}`;

  it('admits a clerk to their own locations only, supervisors and tenant-admins to all', async () => {
    await t.http.get(day(ids.rathaus)).expect(401);
    const clerk = await loginStaff(t, 'rathaus@musterstadt.example');
    expect((await clerk.get(`${STAFF_API}/calendar/locations`).expect(200)).body).toEqual([
      { id: ids.rathaus, name: expect.stringMatching(/^Bürgerbüro im Rathaus/) },
    ]);
    await clerk.get(day(ids.rathaus)).expect(200);
    const refused = await clerk.get(day(ids.nord)).expect(403);
    expect(refused.body.message).toBe('Kein Zugriff auf diesen Standort.');
    await clerk.get(`${STAFF_API}/calendar/week?locationId=${ids.nord}`).expect(403);

    const nord = await loginStaff(t, 'nord@musterstadt.example');
    await nord.get(day(ids.nord)).expect(200);
    await nord.get(day(ids.rathaus)).expect(403);

    // No locations assigned: nothing, not everything.
    const none = await loginStaff(t, 'ohne@musterstadt.example');
    expect((await none.get(`${STAFF_API}/calendar/locations`).expect(200)).body).toEqual([]);
    await none.get(day(ids.rathaus)).expect(403);

    for (const email of ['leitung@musterstadt.example', 'admin@musterstadt.example']) {
      const lead = await loginStaff(t, email);
      expect((await lead.get(`${STAFF_API}/calendar/locations`).expect(200)).body).toHaveLength(2);
      await lead.get(day(ids.rathaus)).expect(200);
      await lead.get(day(ids.nord)).expect(200);
    }
  });

  it('refuses another town: its staff on this town’s path, and this town’s ids on its own path, without telling whether they exist', async () => {
    const foreign = await loginStaff(t, 'leitung@beispielheim.example', 'beispielheim');
    const onOurPath = await foreign.get(day(ids.rathaus)).expect(403);
    expect(JSON.stringify(onOurPath.body)).not.toContain('Rathaus');
    const theirPath = `/api/v1/tenants/beispielheim/backoffice/calendar/day?locationId=`;
    const existing = await foreign.get(`${theirPath}${ids.rathaus}`).expect(404);
    const unknown = await foreign.get(`${theirPath}00000000-0000-4000-8000-000000000000`).expect(404);
    expect(existing.body).toEqual(unknown.body);
    expect(existing.body.message).toBe('Standort nicht gefunden.');
  });

  it('answers bad input with a 400 in German', async () => {
    const lead = await loginStaff(t, 'leitung@musterstadt.example');
    expect((await lead.get(day(ids.rathaus, '2026-13-01')).expect(400)).body.message).toContain('JJJJ-MM-TT');
    expect((await lead.get(`${STAFF_API}/calendar/day`).expect(400)).body.message).toContain('Standort');
    await lead.get(`${STAFF_API}/calendar/day?locationId=nope`).expect(400);
  });

  it('shows today by default with the opening ranges, and packs the appointments into counter lanes', async () => {
    const lead = await loginStaff(t, 'leitung@musterstadt.example');
    const today = (await lead.get(day(ids.rathaus)).expect(200)).body as CalendarDay;
    expect(today).toMatchObject({
      date: '2026-11-23',
      open: [{ start: '08:00', end: '12:30', counters: 4, slotMinutes: 15 }],
      closedReason: null,
      entries: [],
    });

    const at = new Date('2026-11-24T09:00:00Z'); // 10:00 local
    const platz3 = counters.find((c) => c.name === 'Platz 3')!;
    const fixed = await insertBooking(t, ids, { startAt: at, counterId: platz3.id, reference: 'FIX3' });
    const free = [];
    for (let i = 0; i < 4; i++) free.push(await insertBooking(t, ids, { startAt: at, reference: `FREE${i}`, id: `00000000-0000-4000-8000-00000000000${i}` }));
    await insertBooking(t, ids, { startAt: at, reference: 'GONE', status: 'cancelled', cancelledAt: at });
    await insertBooking(t, ids, {
      startAt: new Date('2026-11-24T13:00:00Z'),
      reference: 'HOLD',
      status: 'pending',
      holdUntil: new Date('2026-11-23T06:00:00Z'),
      channel: 'online',
    });
    const view = (await lead.get(day(ids.rathaus, '2026-11-24')).expect(200)).body as CalendarDay;
    expect(view.open).toEqual([
      { start: '08:00', end: '12:30', counters: 4, slotMinutes: 15 },
      { start: '14:00', end: '18:00', counters: 3, slotMinutes: 15 },
    ]);
    expect(view.lanes.map((l) => l.name)).toEqual(['Platz 1', 'Platz 2', 'Platz 3', 'Platz 4', 'Ohne Schalter']);
    const lane = (ref: string) => counters.find((c) => c.id === view.entries.find((e) => e.reference === ref)!.counterId)?.name ?? null;
    expect(lane('FIX3')).toBe('Platz 3');
    // Earliest start first, then by id: the first three free ones fill Platz 1, 2, 4; the fourth overflows.
    expect([lane('FREE0'), lane('FREE1'), lane('FREE2'), lane('FREE3')]).toEqual(['Platz 1', 'Platz 2', 'Platz 4', null]);
    expect(lane('GONE')).toBeNull();
    const gone = view.entries.find((e) => e.reference === 'GONE')!;
    expect(gone.status).toBe('cancelled');
    const hold = view.entries.find((e) => e.reference === 'HOLD')!;
    expect(hold).toMatchObject({ status: 'expired', localStart: '14:00', localEnd: '14:15', channel: 'online' });
    expect(view.entries.find((e) => e.reference === 'FIX3')).toMatchObject({
      id: fixed.id,
      status: 'confirmed',
      localStart: '10:00',
      startAt: '2026-11-24T09:00:00.000Z',
      services: [{ serviceId: ids.ausweis, name: 'Personalausweis beantragen', quantity: 1 }],
      note: null,
    });
    // No personal data in the calendar.
    expect(JSON.stringify(view)).not.toContain('Erika');
    expect(JSON.stringify(view)).not.toContain('example.org');
    // The same request gives the same lanes.
    expect((await lead.get(day(ids.rathaus, '2026-11-24')).expect(200)).body).toEqual(view);
  });

  it('cuts days at tenant-local midnight across the spring DST change and shows holidays as closed', async () => {
    // Sunday 2027-03-28: 02:00 CET becomes 03:00 CEST.
    await insertBooking(t, ids, { startAt: new Date('2027-03-27T08:00:00Z'), reference: 'SAT0900' }); // Sat 09:00 +01:00
    await insertBooking(t, ids, { startAt: new Date('2027-03-28T01:30:00Z'), reference: 'SUN0330' }); // Sun 03:30 +02:00
    await insertBooking(t, ids, { startAt: new Date('2027-03-28T21:30:00Z'), reference: 'SUN2330' }); // Sun 23:30 +02:00
    await insertBooking(t, ids, { startAt: new Date('2027-03-28T22:30:00Z'), reference: 'MON0030' }); // Mon 00:30 +02:00
    await insertBooking(t, ids, { startAt: new Date('2027-03-29T06:00:00Z'), reference: 'MON0800' }); // Mon 08:00 +02:00
    const lead = await loginStaff(t, 'leitung@musterstadt.example');
    const week = (await lead.get(`${STAFF_API}/calendar/week?locationId=${ids.rathaus}&date=2027-03-25`).expect(200)).body as CalendarWeek;
    expect([week.from, week.to]).toEqual(['2027-03-22', '2027-03-28']);
    expect(week.days.map((d) => d.date)).toEqual(['2027-03-22', '2027-03-23', '2027-03-24', '2027-03-25', '2027-03-26', '2027-03-27', '2027-03-28']);
    const of = (date: string) => week.days.find((d) => d.date === date)!;
    expect(of('2027-03-27').entries.map((e) => [e.reference, e.localStart])).toEqual([['SAT0900', '09:00']]);
    expect(of('2027-03-28').entries.map((e) => [e.reference, e.localStart])).toEqual([
      ['SUN0330', '03:30'],
      ['SUN2330', '23:30'],
    ]);
    expect(week.days.flatMap((d) => d.entries).some((e) => e.reference.startsWith('MON'))).toBe(false);
    // Good Friday is a public holiday: closed, with its name.
    expect(of('2027-03-26')).toMatchObject({ open: [], closedReason: expect.stringMatching(/Karfreitag/) });
    expect(of('2027-03-23').open).toEqual([
      { start: '08:00', end: '12:30', counters: 4, slotMinutes: 15 },
      { start: '14:00', end: '18:00', counters: 3, slotMinutes: 15 },
    ]);
    const monday = (await lead.get(day(ids.rathaus, '2027-03-29')).expect(200)).body as CalendarDay;
    expect(monday.entries.map((e) => [e.reference, e.localStart])).toEqual([
      ['MON0030', '00:30'],
      ['MON0800', '08:00'],
    ]);
    // Easter Monday is closed; the Tuesday after the change opens at 08:00 local time (06:00 UTC now).
    expect(monday.closedReason).toMatch(/Ostermontag/);
    const tuesday = (await lead.get(day(ids.rathaus, '2027-03-30')).expect(200)).body as CalendarDay;
    expect(tuesday.open[0]).toEqual({ start: '08:00', end: '12:30', counters: 4, slotMinutes: 15 });
  });
});
