import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TenantDataService, type TenantTx } from '../apps/server/src/tenancy/tenant-data.service.js';
import { BookingAttendanceService, type AttendanceAppointment } from '../plugins/booking/booking.api.js';
import { BookingService } from '../plugins/booking/booking.service.js';
import type { CalendarDay, StaffBookingDetail } from '../plugins/booking/staff/calendar.types.js';
import { citizen, type DemoIds, expectCapacityInvariant, PLUGINS_WITH_CHECK_IN, releasedDemoApp, SLUG } from './booking-helpers.js';
import { createAccount } from './harness/admin-session.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { loginStaff, STAFF_API } from './staff-calendar-helpers.js';

const API = `/api/v1/tenants/${SLUG}`;
/** The test clock's day (Monday, 08:00 in Berlin) and the next. */
const TODAY = '2026-11-23';
const TOMORROW = '2026-11-24';

/**
 * Attendance as the queue records it through booking's published service: look-ups, the
 * conditional marks, the no-show sweep's list, giving back the time of an appointment finished
 * early (to the online share, or the kiosk's when a plugin checks appointments in at a terminal),
 * and the markers in the authority's calendar.
 */
describe('booking attendance (published for the queue)', () => {
  let t: TestApp;
  let ids: DemoIds;

  beforeAll(async () => {
    ({ t, ids } = await releasedDemoApp());
    await createAccount(t, 'supervisor', 'leitung@musterstadt.example', SLUG);
  });
  afterAll(async () => t.close());

  const attendance = () => t.app.get(BookingAttendanceService);
  const asTown = <T>(fn: () => Promise<T>, slug = SLUG) => t.asTenant(slug, fn);
  const inTx = <T>(fn: (tx: TenantTx) => Promise<T>, slug = SLUG) => t.asTenant(slug, () => t.app.get(TenantDataService).writeTx(fn));

  /** A confirmed appointment booked by staff (channel phone, no lead time), Rathaus, local time on `day`; with the citizen's link token. */
  async function staffBooking(day: string, time: string, quantity = 1, name = 'Erika Mustermann'): Promise<AttendanceAppointment & { token: string }> {
    const view = await asTown(() =>
      t.app.get(BookingService).createByStaff({
        services: [{ serviceId: ids.ausweis, quantity }],
        locationId: ids.rathaus,
        start: `${day}T${time}:00+01:00`,
        citizen: { name, email: 'erika@example.org' },
        consent: true,
        locale: 'de',
      }),
    );
    return { ...(await asTown(() => attendance().findByReference(view.reference)))!, token: view.token };
  }

  /** A citizen's online booking through the public API, confirmed by the mail link's call. */
  async function onlineBooking(day: string, time: string, quantity = 1, app = t): Promise<AttendanceAppointment> {
    const { body } = await app.http
      .post(`${API}/bookings`)
      .send({
        services: [{ serviceId: ids.ausweis, quantity }],
        locationId: ids.rathaus,
        start: `${day}T${time}:00+01:00`,
        citizen: citizen(time.replace(':', '')),
        consent: true,
      })
      .expect(201);
    await app.http.post(`${API}/bookings/${body.reference}/confirm`).send({ token: body.token }).expect(200);
    return (await app.asTenant(SLUG, () => app.app.get(BookingAttendanceService).findByReference(body.reference)))!;
  }

  function bookOnline(day: string, time: string, n: string) {
    return t.http.post(`${API}/bookings`).send({
      services: [{ serviceId: ids.ausweis, quantity: 1 }],
      locationId: ids.rathaus,
      start: `${day}T${time}:00+01:00`,
      citizen: citizen(n),
      consent: true,
    });
  }

  /** Capacity and use per channel of a Rathaus slot. */
  async function slot(day: string, time: string): Promise<Record<string, { capacity: number; used: number }>> {
    const rows = (await t.dataSource.query(
      'SELECT channel, capacity, used FROM booking_capacity_unit WHERE locationId = ? AND localDate = ? AND localStart = ?',
      [ids.rathaus, day, time],
    )) as Array<{ channel: string; capacity: number | string; used: number | string }>;
    return Object.fromEntries(rows.map((r) => [r.channel, { capacity: Number(r.capacity), used: Number(r.used) }]));
  }

  /** No free online unit left at these Rathaus slots (what is booked stays booked). */
  async function sellOutOnline(day: string, times: string[]): Promise<void> {
    await t.dataSource.query(
      `UPDATE booking_capacity_unit SET capacity = used WHERE locationId = ? AND localDate = ? AND channel = 'online' AND localStart IN (${times.map(() => '?').join(', ')})`,
      [ids.rathaus, day, ...times],
    );
  }

  /** The slots `booking.capacity-freed` announced at these UTC starts (ISO), in time order. */
  async function freedAt(starts: string[]): Promise<Array<{ locationId: string; channel: string; start: string }>> {
    const rows = (await t.dataSource.query("SELECT payload FROM domain_event WHERE type = 'booking.capacity-freed'")) as Array<{ payload: string | object }>;
    return rows
      .flatMap(
        (r) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload).slots as Array<{ locationId: string; channel: string; start: string }>,
      )
      .filter((x) => starts.includes(x.start))
      .sort((x, y) => x.start.localeCompare(y.start));
  }

  it('finds an appointment by id, by reference as typed (any case, spaces, without the dash) and by check-in code', async () => {
    const a = await staffBooking(TOMORROW, '08:00');
    const { token: _token, ...found } = a;
    expect(found).toEqual({
      bookingId: expect.any(String),
      reference: expect.stringMatching(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/),
      name: 'Erika Mustermann',
      locationId: ids.rathaus,
      serviceIds: [ids.ausweis],
      start: new Date('2026-11-24T07:00:00Z'),
      end: new Date('2026-11-24T07:15:00Z'),
      status: 'confirmed',
      attendance: null,
      checkedInAt: null,
    });
    const plain = a.reference.replace('-', '');
    for (const typed of [a.reference, a.reference.toLowerCase(), plain, ` ${plain.slice(0, 4)} ${plain.slice(4)} `]) {
      expect(await asTown(() => attendance().findByReference(typed))).toEqual(found);
    }
    expect(await asTown(() => attendance().find(a.bookingId))).toEqual(found);
    const [{ checkInCode }] = await t.dataSource.query('SELECT checkInCode FROM booking WHERE id = ?', [a.bookingId]);
    expect(await asTown(() => attendance().findByCheckInCode(ids.rathaus, TOMORROW, checkInCode))).toEqual(found);
    // The code belongs to its location and day only.
    expect(await asTown(() => attendance().findByCheckInCode(ids.nord, TOMORROW, checkInCode))).toBeNull();
    expect(await asTown(() => attendance().findByCheckInCode(ids.rathaus, TODAY, checkInCode))).toBeNull();
    for (const nothing of ['', 'nope', 'ABCD-EFGH-IJ', '00000000-0000-4000-8000-000000000000']) {
      expect(await asTown(() => attendance().findByReference(nothing))).toBeNull();
      expect(await asTown(() => attendance().find(nothing))).toBeNull();
    }
  });

  it('lists a day’s confirmed appointments at a location by start: no pending, cancelled or other location’s', async () => {
    const late = await staffBooking(TOMORROW, '15:00');
    const early = await staffBooking(TOMORROW, '14:00');
    const cancelled = await staffBooking(TOMORROW, '14:30');
    await asTown(() => t.app.get(BookingService).cancel(cancelled.reference, cancelled.token));
    const { body: pending } = await bookOnline(TOMORROW, '14:45', 'pending').expect(201);
    const day = await asTown(() => attendance().dayAppointments(ids.rathaus, TOMORROW));
    const refs = day.map((a) => a.reference);
    expect(refs).toEqual(expect.arrayContaining([early.reference, late.reference]));
    expect(refs).not.toContain(cancelled.reference);
    expect(refs).not.toContain(pending.reference);
    expect(day.every((a) => a.status === 'confirmed' && a.locationId === ids.rathaus)).toBe(true);
    expect(day.map((a) => a.start.getTime())).toEqual([...day.map((a) => a.start.getTime())].sort((x, y) => x - y));
    expect(await asTown(() => attendance().dayAppointments(ids.nord, TOMORROW))).toEqual([]);
    await expect(asTown(() => attendance().dayAppointments(ids.rathaus, '24.11.2026'))).rejects.toThrow('YYYY-MM-DD');
  });

  it('marks attendance conditionally: a double check-in, a cancelled or pending booking and a second serve are refused', async () => {
    const a = await staffBooking(TOMORROW, '08:15');
    const at = new Date('2026-11-24T07:05:00Z');
    const state = async () => {
      const found = (await asTown(() => attendance().find(a.bookingId)))!;
      return [found.attendance, found.checkedInAt];
    };
    expect(await inTx((tx) => attendance().markCheckedIn(tx, a.bookingId, at))).toBe(true);
    expect(await state()).toEqual(['checked-in', at]);
    expect(await inTx((tx) => attendance().markCheckedIn(tx, a.bookingId, new Date('2026-11-24T07:06:00Z')))).toBe(false);
    expect(await state()).toEqual(['checked-in', at]);
    // Called and not there: no-show; staff bring the person back (checked in again), who is then served once.
    expect(await inTx((tx) => attendance().markNoShow(tx, a.bookingId))).toBe(true);
    expect(await inTx((tx) => attendance().markNoShow(tx, a.bookingId))).toBe(false);
    expect(await inTx((tx) => attendance().markServed(tx, a.bookingId))).toBe(false);
    const back = new Date('2026-11-24T07:20:00Z');
    expect(await inTx((tx) => attendance().markCheckedIn(tx, a.bookingId, back))).toBe(true);
    expect(await inTx((tx) => attendance().markServed(tx, a.bookingId))).toBe(true);
    expect(await state()).toEqual(['served', back]);
    expect(await inTx((tx) => attendance().markServed(tx, a.bookingId))).toBe(false);
    expect(await inTx((tx) => attendance().markNoShow(tx, a.bookingId))).toBe(false);
    expect(await inTx((tx) => attendance().markCheckedIn(tx, a.bookingId, back))).toBe(false);

    const cancelled = await staffBooking(TOMORROW, '08:30');
    await asTown(() => t.app.get(BookingService).cancel(cancelled.reference, cancelled.token));
    const { body: pending } = await bookOnline(TOMORROW, '09:45', 'pending-mark').expect(201);
    const pendingId = (await asTown(() => attendance().findByReference(pending.reference)))!.bookingId;
    for (const id of [cancelled.bookingId, pendingId, 'not-an-id']) {
      expect(await inTx((tx) => attendance().markCheckedIn(tx, id, at))).toBe(false);
      expect(await inTx((tx) => attendance().markNoShow(tx, id))).toBe(false);
      expect(await inTx((tx) => attendance().markServed(tx, id))).toBe(false);
    }
    expect((await asTown(() => attendance().find(cancelled.bookingId)))!.attendance).toBeNull();
    // Attendance changes nothing the citizen or the capacity sees.
    expect((await t.http.get(`${API}/bookings/${a.reference}?token=${a.token}`).expect(200)).body.status).toBe('confirmed');
    await expectCapacityInvariant(t.dataSource);
  });

  it('keeps towns apart: another town’s id, reference or code is not found and cannot be marked or given back', async () => {
    const a = await staffBooking(TOMORROW, '08:45');
    const [{ checkInCode }] = await t.dataSource.query('SELECT checkInCode FROM booking WHERE id = ?', [a.bookingId]);
    const other = 'beispielheim';
    expect(await asTown(() => attendance().find(a.bookingId), other)).toBeNull();
    expect(await asTown(() => attendance().findByReference(a.reference), other)).toBeNull();
    expect(await asTown(() => attendance().findByCheckInCode(ids.rathaus, TOMORROW, checkInCode), other)).toBeNull();
    expect(await asTown(() => attendance().dayAppointments(ids.rathaus, TOMORROW), other)).toEqual([]);
    expect(await inTx((tx) => attendance().markCheckedIn(tx, a.bookingId, new Date()), other)).toBe(false);
    expect(await inTx((tx) => attendance().markNoShow(tx, a.bookingId), other)).toBe(false);
    expect(await inTx((tx) => attendance().markServed(tx, a.bookingId), other)).toBe(false);
    expect(await inTx((tx) => attendance().giveBackUnusedTime(tx, a.bookingId, new Date('2026-11-24T07:00:00Z')), other)).toBe(0);
    expect(await asTown(() => attendance().unattendedEndedBetween(new Date(0), new Date('2026-12-31T00:00:00Z'), 500), other)).not.toContainEqual(
      expect.objectContaining({ bookingId: a.bookingId }),
    );
    expect((await asTown(() => attendance().find(a.bookingId)))!.attendance).toBeNull();
    await expectCapacityInvariant(t.dataSource);
  });

  it('lists confirmed appointments that ended unattended in a window, oldest end first, up to the limit', async () => {
    const first = await staffBooking(TOMORROW, '10:00');
    const second = await staffBooking(TOMORROW, '10:15');
    const attended = await staffBooking(TOMORROW, '10:30');
    await inTx((tx) => attendance().markCheckedIn(tx, attended.bookingId, new Date('2026-11-24T09:25:00Z')));
    const after = new Date('2026-11-24T09:45:00Z');
    const listed = await asTown(() => attendance().unattendedEndedBetween(new Date(0), after, 500));
    const mine = listed.filter((a) => [first, second, attended].some((b) => b.bookingId === a.bookingId)).map((a) => a.reference);
    expect(mine).toEqual([first.reference, second.reference]);
    expect(listed.every((a) => a.status === 'confirmed' && a.attendance === null && a.end < after)).toBe(true);
    expect(listed.map((a) => a.end.getTime())).toEqual([...listed.map((a) => a.end.getTime())].sort((x, y) => x - y));
    // Ending exactly at the instant is not "before" it.
    expect((await asTown(() => attendance().unattendedEndedBetween(new Date(0), second.end, 500))).map((a) => a.bookingId)).not.toContain(second.bookingId);
    // Ending before the window's start is history, not a no-show to record.
    expect((await asTown(() => attendance().unattendedEndedBetween(second.end, after, 500))).map((a) => a.bookingId)).toEqual(
      expect.not.arrayContaining([first.bookingId]),
    );
    expect((await asTown(() => attendance().unattendedEndedBetween(second.end, after, 500))).map((a) => a.bookingId)).toContain(second.bookingId);
    expect(await asTown(() => attendance().unattendedEndedBetween(new Date(0), after, 1))).toHaveLength(1);
  });

  it('gives back the unused slots of an appointment finished early once, to the online share, where citizens can book them', async () => {
    const a = await onlineBooking(TOMORROW, '11:00', 3);
    await sellOutOnline(TOMORROW, ['11:00', '11:15', '11:30']);
    await bookOnline(TOMORROW, '11:15', 'before').expect(409);
    const before = { s0: await slot(TOMORROW, '11:00'), s1: await slot(TOMORROW, '11:15'), s2: await slot(TOMORROW, '11:30') };
    // Finished at 11:10: the slot under way stays taken; 11:15 and 11:30 come back.
    const finished = new Date('2026-11-24T10:10:00Z');
    expect(await inTx((tx) => attendance().giveBackUnusedTime(tx, a.bookingId, finished))).toBe(2);
    expect(await inTx((tx) => attendance().giveBackUnusedTime(tx, a.bookingId, finished))).toBe(0);
    expect(await slot(TOMORROW, '11:00')).toEqual(before.s0);
    for (const [time, was] of [
      ['11:15', before.s1],
      ['11:30', before.s2],
    ] as const) {
      expect((await slot(TOMORROW, time)).online).toEqual({ capacity: was.online.capacity, used: was.online.used - 1 });
    }
    // Announced for the share they went to, with no more than location, channel and time.
    expect(await freedAt(['2026-11-24T10:15:00.000Z', '2026-11-24T10:30:00.000Z'])).toEqual([
      { locationId: ids.rathaus, channel: 'online', start: '2026-11-24T10:15:00.000Z' },
      { locationId: ids.rathaus, channel: 'online', start: '2026-11-24T10:30:00.000Z' },
    ]);
    // Citizens book them through the public API, each exactly once.
    await bookOnline(TOMORROW, '11:15', 'after-1').expect(201);
    await bookOnline(TOMORROW, '11:15', 'after-2').expect(409);
    await bookOnline(TOMORROW, '11:30', 'after-3').expect(201);
    await bookOnline(TOMORROW, '11:30', 'after-4').expect(409);
    await expectCapacityInvariant(t.dataSource);
  });

  it('gives back nothing of a cancelled or pending appointment', async () => {
    const cancelled = await staffBooking(TOMORROW, '11:45', 2);
    await asTown(() => t.app.get(BookingService).cancel(cancelled.reference, cancelled.token));
    expect(await inTx((tx) => attendance().giveBackUnusedTime(tx, cancelled.bookingId, new Date('2026-11-24T10:00:00Z')))).toBe(0);
    const { body: pending } = await bookOnline(TOMORROW, '12:00', 'pending-give').expect(201);
    const pendingId = (await asTown(() => attendance().findByReference(pending.reference)))!.bookingId;
    expect(await inTx((tx) => attendance().giveBackUnusedTime(tx, pendingId, new Date('2026-11-24T10:00:00Z')))).toBe(0);
    await expectCapacityInvariant(t.dataSource);
  });

  it('under concurrency gives the time back once, and the freed unit is booked at most once', async () => {
    const a = await onlineBooking(TOMORROW, '16:00', 3);
    await sellOutOnline(TOMORROW, ['16:00', '16:15', '16:30']);
    const from = new Date('2026-11-24T15:15:00Z');
    const results = await Promise.all([
      inTx((tx) => attendance().giveBackUnusedTime(tx, a.bookingId, from)),
      ...Array.from({ length: 10 }, (_, i) => bookOnline(TOMORROW, '16:15', `race-${i}`).then((r) => r.status)),
      inTx((tx) => attendance().giveBackUnusedTime(tx, a.bookingId, from)),
    ]);
    const given = [results[0], results.at(-1)] as number[];
    const statuses = results.slice(1, -1) as number[];
    expect(given.reduce((x, y) => x + y, 0)).toBe(2);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const won = statuses.filter((s) => s === 201).length;
    expect(won).toBeLessThanOrEqual(1);
    // Whoever came after the give-back: exactly one unit was there for 16:15 in all.
    if (won === 0) await bookOnline(TOMORROW, '16:15', 'late').expect(201);
    await bookOnline(TOMORROW, '16:15', 'too-late').expect(409);
    const { online } = await slot(TOMORROW, '16:15');
    expect(online.used).toBe(online.capacity);
    await expectCapacityInvariant(t.dataSource);
  });

  it('shows attendance in the calendar: day view (JSON and page, German and English), the appointment page, staff powers as before', async () => {
    const checkedIn = await staffBooking(TODAY, '10:00', 1, 'Anna Eingecheckt');
    const noShow = await staffBooking(TODAY, '10:30', 1, 'Bernd Fehlt');
    const served = await staffBooking(TODAY, '11:00', 1, 'Clara Bedient');
    const waiting = await staffBooking(TODAY, '11:30', 1, 'Dora Kommt');
    await inTx(async (tx) => {
      await attendance().markCheckedIn(tx, checkedIn.bookingId, new Date('2026-11-23T08:52:00Z'));
      await attendance().markCheckedIn(tx, noShow.bookingId, new Date('2026-11-23T09:20:00Z'));
      await attendance().markNoShow(tx, noShow.bookingId);
      await attendance().markCheckedIn(tx, served.bookingId, new Date('2026-11-23T09:50:00Z'));
      await attendance().markServed(tx, served.bookingId);
    });
    const lead = await loginStaff(t, 'leitung@musterstadt.example');
    const day = (await lead.get(`${STAFF_API}/calendar/day?locationId=${ids.rathaus}&date=${TODAY}`).expect(200)).body as CalendarDay;
    const statusOf = (id: string) => day.entries.find((e) => e.id === id)?.status;
    expect([checkedIn, noShow, served, waiting].map((a) => statusOf(a.bookingId))).toEqual(['checked-in', 'no-show', 'checked-in', 'confirmed']);
    // A no-show keeps its counter lane: the time was booked.
    expect(day.entries.find((e) => e.id === noShow.bookingId)!.counterId).not.toBeNull();

    const detail = (await lead.get(`${STAFF_API}/bookings/${checkedIn.bookingId}`).expect(200)).body as StaffBookingDetail;
    expect(detail).toMatchObject({ status: 'checked-in', checkedIn: '09:52', changeable: true });
    expect((await lead.get(`${STAFF_API}/bookings/${waiting.bookingId}`).expect(200)).body).toMatchObject({ status: 'confirmed', checkedIn: null });

    const page = (await lead.get(`/${SLUG}/mitarbeiter/kalender?standort=${ids.rathaus}&datum=${TODAY}`).expect(200)).text;
    const entryOf = (html: string, reference: string) => {
      const at = html.indexOf(`>${reference}</a>`);
      return html.slice(at, html.indexOf('</p>', html.indexOf('cal-meta', at)));
    };
    expect(entryOf(page, checkedIn.reference)).toContain('<span class="cal-status">eingecheckt</span>');
    expect(entryOf(page, noShow.reference)).toContain('<span class="cal-status">nicht erschienen</span>');
    expect(entryOf(page, served.reference)).toContain('<span class="cal-status">eingecheckt</span>');
    expect(entryOf(page, waiting.reference)).toContain('<span class="cal-status">bestätigt</span>');
    expect(page).toContain('status-no-show');
    // The language choice sticks (a cookie): the pages after this one ask for German again.
    const english = (await lead.get(`/${SLUG}/mitarbeiter/kalender?standort=${ids.rathaus}&datum=${TODAY}&lang=en`).expect(200)).text;
    expect(entryOf(english, checkedIn.reference)).toContain('<span class="cal-status">checked in</span>');
    expect(entryOf(english, noShow.reference)).toContain('<span class="cal-status">no-show</span>');
    const week = (await lead.get(`/${SLUG}/mitarbeiter/kalender?standort=${ids.rathaus}&datum=${TODAY}&ansicht=woche&lang=de`).expect(200)).text;
    expect(entryOf(week, noShow.reference)).toContain('nicht erschienen');

    const appointment = (await lead.get(`/${SLUG}/mitarbeiter/termin/${checkedIn.bookingId}?lang=de`).expect(200)).text;
    expect(appointment).toContain('eingecheckt um 09:52 Uhr');
    expect((await lead.get(`/${SLUG}/mitarbeiter/termin/${checkedIn.bookingId}?lang=en`).expect(200)).text).toContain('checked in at 09:52');
    expect((await lead.get(`/${SLUG}/mitarbeiter/termin/${noShow.bookingId}?lang=de`).expect(200)).text).toContain('nicht erschienen');
  });

  it('retention removes the person and keeps the attendance', async () => {
    const a = await staffBooking(TOMORROW, '12:15', 1, 'Greta Gelöscht');
    await inTx((tx) => attendance().markCheckedIn(tx, a.bookingId, new Date('2026-11-24T11:10:00Z')));
    // Eight days after the appointment, past the default retention of seven.
    t.clock.set('2026-12-02T12:00:00Z');
    try {
      await asTown(() => t.app.get(BookingService).applyRetention(7));
    } finally {
      t.clock.set('2026-11-23T07:00:00Z');
    }
    const [row] = await t.dataSource.query('SELECT citizenName, citizenEmail, attendance, checkedInAt, anonymizedAt FROM booking WHERE id = ?', [a.bookingId]);
    expect(row).toMatchObject({ citizenName: '', citizenEmail: null, attendance: 'checked-in' });
    expect(row.anonymizedAt).not.toBeNull();
    expect((await asTown(() => attendance().find(a.bookingId)))!).toMatchObject({ name: '', attendance: 'checked-in' });
  });

  describe('with a kiosk that checks appointments in', () => {
    let kioskApp: TestApp;
    beforeAll(async () => {
      kioskApp = await createTestApp({ database: t.database, clock: t.clock, plugins: PLUGINS_WITH_CHECK_IN });
    });
    afterAll(async () => kioskApp.close());

    it('moves the freed units to the kiosk share of their slots, where the kiosk books them', async () => {
      const a = await onlineBooking(TOMORROW, '17:00', 3, kioskApp);
      const before = { s0: await slot(TOMORROW, '17:00'), s1: await slot(TOMORROW, '17:15'), s2: await slot(TOMORROW, '17:30') };
      // Finished exactly at a slot's start: that slot and the next come back.
      const given = await kioskApp.asTenant(SLUG, () =>
        kioskApp.app
          .get(TenantDataService)
          .writeTx((tx) => kioskApp.app.get(BookingAttendanceService).giveBackUnusedTime(tx, a.bookingId, new Date('2026-11-24T16:15:00Z'))),
      );
      expect(given).toBe(2);
      expect(await slot(TOMORROW, '17:00')).toEqual(before.s0);
      for (const [time, was] of [
        ['17:15', before.s1],
        ['17:30', before.s2],
      ] as const) {
        const now = await slot(TOMORROW, time);
        expect(now.online).toEqual({ capacity: was.online.capacity - 1, used: was.online.used - 1 });
        expect(now.kiosk).toEqual({ capacity: (was.kiosk?.capacity ?? 0) + 1, used: was.kiosk?.used ?? 0 });
      }
      expect((await freedAt(['2026-11-24T16:15:00.000Z', '2026-11-24T16:30:00.000Z'])).map((x) => x.channel)).toEqual(['kiosk', 'kiosk']);
      const view = await kioskApp.asTenant(SLUG, () =>
        kioskApp.app.get(BookingService).createTrusted('kiosk', {
          services: [{ serviceId: ids.ausweis, quantity: 1 }],
          locationId: ids.rathaus,
          start: `${TOMORROW}T17:15:00+01:00`,
          citizen: { name: 'Max Muster' },
          consent: true,
          locale: 'de',
        }),
      );
      expect(view.status).toBe('confirmed');
      expect((await slot(TOMORROW, '17:15')).kiosk.used).toBe((before.s1.kiosk?.used ?? 0) + 1);

      // A second appointment's unit joins the kiosk row that exists now.
      const b = await onlineBooking(TOMORROW, '17:00', 2, kioskApp);
      const kioskBefore = (await slot(TOMORROW, '17:15')).kiosk;
      const again = await kioskApp.asTenant(SLUG, () =>
        kioskApp.app
          .get(TenantDataService)
          .writeTx((tx) => kioskApp.app.get(BookingAttendanceService).giveBackUnusedTime(tx, b.bookingId, new Date('2026-11-24T16:15:00Z'))),
      );
      expect(again).toBe(1);
      expect((await slot(TOMORROW, '17:15')).kiosk).toEqual({ capacity: kioskBefore.capacity + 1, used: kioskBefore.used });
      await expectCapacityInvariant(t.dataSource);
    });
  });
});
