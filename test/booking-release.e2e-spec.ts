import { afterEach, describe, expect, it } from '@jest/globals';
import { Closure } from '../apps/server/src/catalog/entities/closure.entity.js';
import { ReleasePolicy } from '../apps/server/src/catalog/entities/release-policy.entity.js';
import { ScheduleRange } from '../apps/server/src/catalog/entities/schedule-range.entity.js';
import { Schedule } from '../apps/server/src/catalog/entities/schedule.entity.js';
import { TestClock } from '../apps/server/src/common/clock.js';
import { TaskRunnerService } from '../apps/server/src/tasks/task-runner.service.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { AvailabilityService } from '../plugins/booking/availability.service.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { demoIds, expectCapacityInvariant, release, SLUG } from './booking-helpers.js';

/** Released units per channel at a location on a day, from SQL. */
async function shares(t: TestApp, locationId: string, fromDate: string, toDate = fromDate): Promise<Record<string, number>> {
  const rows = await t.dataSource.query(
    `SELECT channel, SUM(capacity) AS units FROM booking_capacity_unit WHERE locationId = ? AND localDate BETWEEN ? AND ? GROUP BY channel`,
    [locationId, fromDate, toDate],
  );
  return Object.fromEntries(rows.map((r: { channel: string; units: string | number }) => [r.channel, Number(r.units)]));
}

describe('capacity release', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  async function start(localIsoWithOffset: string) {
    t = await createTestApp({ clock: new TestClock(new Date(localIsoWithOffset)) });
    return demoIds(t);
  }

  const days = (services: string, from: string, to: string) =>
    t.asTenant(SLUG, () => t.app.get(AvailabilityService).find({ services: [{ serviceId: services, quantity: 1 }], from, to }));

  it('opens day +21 at 09:00 local and today at 07:00 local; the agent share is set aside', async () => {
    // Tuesday 2026-11-24, 06:59 in Berlin.
    const ids = await start('2026-11-24T06:59:00+01:00');
    await release(t);
    // Before 07:00 today is closed for booking, before 09:00 the horizon ends at +20 days.
    expect(await shares(t, ids.rathaus, '2026-11-24')).toEqual({});
    expect((await shares(t, ids.rathaus, '2026-12-14')).online).toBeGreaterThan(0);
    expect(await shares(t, ids.rathaus, '2026-12-15')).toEqual({});

    t.clock.set('2026-11-24T06:00:00Z'); // 07:00 local
    await release(t);
    const today = await shares(t, ids.rathaus, '2026-11-24');
    // Tagestermine: today's agent share went online, since no proposal could be accepted in time.
    expect(today.agent ?? 0).toBe(0);
    // Tuesday: 18 slots × 4 counters + 16 × 3 = 120 units.
    expect(today.online + today.phone).toBe(120);
    expect(await shares(t, ids.rathaus, '2026-12-15')).toEqual({});

    t.clock.set('2026-11-24T07:59:00Z'); // 08:59 local
    await release(t);
    expect(await shares(t, ids.rathaus, '2026-12-15')).toEqual({});
    t.clock.set('2026-11-24T08:00:00Z'); // 09:00 local
    const reports = await release(t);
    expect(reports.find((r) => r.locationId === ids.rathaus)!.days).toEqual(['2026-12-15']);
    const opened = await shares(t, ids.rathaus, '2026-12-15');
    // 20 % for the terminagent, 10 % for the phone, the rest online (of 120).
    expect(opened).toEqual({ online: 84, agent: 24, phone: 12 });

    // Running again changes nothing (idempotent).
    await release(t);
    expect(await shares(t, ids.rathaus, '2026-12-15')).toEqual(opened);

    // Unreleased capacity is not bookable: the availability stops at the horizon.
    const avail = await days(ids.ausweis, '2026-12-14', '2026-12-20');
    expect([...new Set(avail.days.map((d) => d.date))]).toEqual(['2026-12-14', '2026-12-15']);
  });

  it('counts the agent share as online when the terminagent is off for the tenant', async () => {
    t = await createTestApp({ clock: new TestClock(new Date('2026-11-23T09:30:00+01:00')) });
    const [location] = await t.dataSource.query(`SELECT l.id FROM location l JOIN tenant t ON t.id = l.tenantId WHERE t.slug = 'beispielheim'`);
    await release(t, 'beispielheim');
    const monday = await shares(t, location.id, '2026-11-30');
    // Monday: 16 slots × 2 counters = 32 units, 10 % phone, the rest online.
    expect(monday.agent ?? 0).toBe(0);
    expect(monday.online + monday.phone).toBe(32);
    expect(monday.phone).toBeGreaterThanOrEqual(3);
  });

  it('follows the location policy, closures and public holidays', async () => {
    const ids = await start('2026-11-23T08:00:00+01:00');
    await t.asTenant(SLUG, async () => {
      const data = t.app.get(TenantDataService);
      const policies = data.repo(ReleasePolicy);
      await policies.save(
        policies.create({
          locationId: ids.nord,
          dailyReleaseTime: '10:30',
          horizonDays: 7,
          sameDayReleaseTime: '07:00',
          shareOnlinePercent: 100,
          shareAgentPercent: 0,
          sharePhonePercent: 0,
          shareKioskPercent: 0,
          cancelReturnDelayMinutes: 0,
        }),
      );
      const closures = data.repo(Closure);
      await closures.save(closures.create({ locationId: ids.rathaus, fromDate: '2026-11-26', toDate: '2026-11-26', reason: 'Betriebsausflug' }));
    });
    await release(t);
    // Nord: 7-day horizon, not yet 10:30 → up to +6 days, all online.
    expect(await shares(t, ids.nord, '2026-11-25')).toEqual({ online: 30 });
    expect(await shares(t, ids.nord, '2026-11-30')).toEqual({});
    // The Rathaus closure day has no capacity; other days have.
    expect(await shares(t, ids.rathaus, '2026-11-26')).toEqual({});
    expect(await shares(t, ids.rathaus, '2026-12-11')).not.toEqual({});
  });

  it('converts wall-clock times correctly around the spring DST change and releases at 09:00 local on that day', async () => {
    // Saturday 2027-03-27, 10:00 CET; the clocks go forward on Sunday 28 March 2027.
    const ids = await start('2027-03-27T10:00:00+01:00');
    await release(t);
    const avail = await days(ids.ausweis, '2027-03-25', '2027-03-31');
    const rathaus = avail.days.filter((d) => d.locationId === ids.rathaus);
    // Karfreitag (26th) and Ostermontag (29th) are public holidays in NRW: no capacity.
    expect(rathaus.map((d) => d.date)).toEqual(['2027-03-27', '2027-03-30', '2027-03-31']);
    expect(rathaus.find((d) => d.date === '2027-03-30')!.starts[0]).toBe('2027-03-30T08:00:00+02:00');
    const [row] = await t.dataSource.query(
      `SELECT slotStart FROM booking_capacity_unit WHERE locationId = ? AND localDate = '2027-03-30' AND localStart = '08:00' LIMIT 1`,
      [ids.rathaus],
    );
    // Stored as the UTC instant (SQLite hands back text, MariaDB a Date).
    const stored = row.slotStart instanceof Date ? row.slotStart : new Date(`${String(row.slotStart).replace(' ', 'T')}Z`);
    expect(stored.toISOString()).toBe('2027-03-30T06:00:00.000Z');

    // On the DST day 09:00 local is 07:00 UTC (not 08:00).
    t.clock.set('2027-03-28T06:59:00Z');
    await release(t);
    expect(await shares(t, ids.rathaus, '2027-04-17')).not.toEqual({}); // Saturday, +20 days
    const before = await shares(t, ids.rathaus, '2027-04-18');
    t.clock.set('2027-03-28T07:00:00Z');
    const reports = await release(t);
    expect(before).toEqual({});
    expect(reports.find((r) => r.locationId === ids.rathaus)!.days).toEqual(['2027-04-18']);
  });

  it('catches up a release missed while the server was down on its first task run', async () => {
    const ids = await start('2026-11-23T11:00:00+01:00');
    // Nothing released yet (the server "was down" at 07:00 and 09:00).
    expect(await shares(t, ids.rathaus, '2026-12-14')).toEqual({});
    const outcomes = await t.app.get(TaskRunnerService).runDue(t.clock.now(), (id) => id === 'booking.release');
    expect(
      outcomes
        .filter((o) => o.result === 'ran')
        .map((o) => o.tenant)
        .sort(),
    ).toEqual(['beispielheim', 'musterstadt']);
    expect(await shares(t, ids.rathaus, '2026-11-23')).not.toEqual({});
    expect(await shares(t, ids.rathaus, '2026-12-14')).not.toEqual({});
  });

  it('brings released days in line when closures or opening hours change later', async () => {
    const ids = await start('2026-11-23T10:00:00+01:00');
    await release(t);
    const booked = await t.http
      .post(`/api/v1/tenants/${SLUG}/bookings`)
      .send({
        services: [{ serviceId: ids.ausweis, quantity: 1 }],
        locationId: ids.rathaus,
        start: '2026-12-01T09:00:00+01:00',
        citizen: { name: 'Vor Schließung', email: 'early@example.org' },
        consent: true,
      })
      .expect(201);
    const freeOn = async (date: string) =>
      Number(
        (
          await t.dataSource.query(`SELECT COALESCE(SUM(capacity - used), 0) AS free FROM booking_capacity_unit WHERE locationId = ? AND localDate = ?`, [
            ids.rathaus,
            date,
          ])
        )[0].free,
      );
    expect(await freeOn('2026-12-01')).toBeGreaterThan(0);
    expect(await freeOn('2026-12-06')).toBe(0); // a Sunday: closed

    await t.asTenant(SLUG, async () => {
      const data = t.app.get(TenantDataService);
      const closures = data.repo(Closure);
      await closures.save(closures.create({ locationId: ids.rathaus, fromDate: '2026-12-01', toDate: '2026-12-01', reason: 'Personalversammlung' }));
      const [schedule] = await data.repo(Schedule).findBy({ locationId: ids.rathaus });
      const ranges = data.repo(ScheduleRange);
      await ranges.save(ranges.create({ scheduleId: schedule.id, weekday: 7, startTime: '10:00', endTime: '12:00', counters: 1 }));
    });
    t.clock.advance(60_000);
    await release(t);
    // The closed day takes no new booking, the one made before stays; the new Sunday hours open.
    expect(await freeOn('2026-12-01')).toBe(0);
    expect((await t.http.get(`/api/v1/tenants/${SLUG}/bookings/${booked.body.reference}?token=${booked.body.token}`).expect(200)).body.status).toBe('pending');
    expect(await freeOn('2026-12-06')).toBe(8);
    await expectCapacityInvariant(t.dataSource);
  });
});
