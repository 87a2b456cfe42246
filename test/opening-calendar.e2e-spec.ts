import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OpeningCalendarService } from '../apps/server/src/catalog/opening-calendar.service.js';
import { Location } from '../apps/server/src/catalog/entities/location.entity.js';
import { Schedule } from '../apps/server/src/catalog/entities/schedule.entity.js';
import { ScheduleRange } from '../apps/server/src/catalog/entities/schedule-range.entity.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { createTestApp, type TestApp } from './harness/test-app.js';

describe('opening calendar: local times, DST and holidays', () => {
  let t: TestApp;
  let calendar: OpeningCalendarService;
  let data: TenantDataService;

  beforeAll(async () => {
    t = await createTestApp();
    calendar = t.app.get(OpeningCalendarService);
    data = t.app.get(TenantDataService);
  });
  afterAll(async () => t.close());

  const locationId = (slug: string, name: string) => t.asTenant(slug, async () => (await data.repo(Location).findOneBy({ name }))!.id);

  const firstStart = (slots: { date: string; start: Date }[], date: string) =>
    slots
      .filter((s) => s.date === date)
      .sort((a, b) => a.start.getTime() - b.start.getTime())[0]
      ?.start.toISOString();

  it('keeps 08:00 local across the March and October DST changes', async () => {
    const id = await locationId('musterstadt', 'Bürgerbüro im Rathaus');
    const { slots } = await t.asTenant('musterstadt', () => calendar.slots([id], '2026-03-27', '2026-10-27'));
    expect(firstStart(slots, '2026-03-27')).toBe('2026-03-27T07:00:00.000Z'); // Friday, CET
    expect(firstStart(slots, '2026-03-28')).toBe('2026-03-28T08:00:00.000Z'); // Saturday 09:00 CET
    expect(firstStart(slots, '2026-03-30')).toBe('2026-03-30T06:00:00.000Z'); // Monday, CEST
    expect(firstStart(slots, '2026-10-24')).toBe('2026-10-24T07:00:00.000Z'); // Saturday 09:00 CEST
    expect(firstStart(slots, '2026-10-26')).toBe('2026-10-26T07:00:00.000Z'); // Monday, CET again
    const monday = slots.filter((s) => s.date === '2026-03-30');
    expect(monday.map((s) => s.localStart).slice(0, 3)).toEqual(['08:00', '08:15', '08:30']);
    expect(monday.every((s) => s.capacity === 4)).toBe(true);
  });

  it('skips the hour that does not exist and gives the repeated hour its slots once', async () => {
    const id = await locationId('musterstadt', 'Bürgerbüro Nord (Stadtteilzentrum)');
    await t.asTenant('musterstadt', async () => {
      const night = await data
        .repo(Schedule)
        .save(data.repo(Schedule).create({ locationId: id, name: 'Nachtschicht', validFrom: '2026-03-29', validTo: '2026-10-25', slotMinutes: 30 }));
      await data
        .repo(ScheduleRange)
        .save(data.repo(ScheduleRange).create({ scheduleId: night.id, weekday: 7, startTime: '01:00', endTime: '04:00', counters: 1 }));
    });
    const { slots } = await t.asTenant('musterstadt', () => calendar.slots([id], '2026-03-29', '2026-10-25'));
    const spring = slots.filter((s) => s.date === '2026-03-29');
    expect(spring.map((s) => s.localStart)).toEqual(['01:00', '01:30', '03:00', '03:30']);
    expect(spring.map((s) => s.start.toISOString())).toEqual([
      '2026-03-29T00:00:00.000Z',
      '2026-03-29T00:30:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T01:30:00.000Z',
    ]);
    const autumn = slots.filter((s) => s.date === '2026-10-25');
    expect(autumn).toHaveLength(6);
    const instants = autumn.map((s) => s.start.getTime());
    expect(new Set(instants).size).toBe(6);
    expect(autumn[0].start.toISOString()).toBe('2026-10-24T23:00:00.000Z');
  });

  it("closes a Bundesland's holiday and leaves a tenant in another Bundesland open", async () => {
    const by = await locationId('beispielheim', 'Rathaus Beispielheim, Einwohnermeldeamt');
    const nw = await locationId('musterstadt', 'Bürgerbüro im Rathaus');
    // 6 January (Heilige Drei Könige) is a holiday in Bavaria, not in North Rhine-Westphalia.
    const bavaria = await t.asTenant('beispielheim', () => calendar.slots([by], '2026-01-06', '2026-01-06'));
    expect(bavaria.slots).toHaveLength(0);
    expect(bavaria.closed).toEqual([{ locationId: by, date: '2026-01-06', reason: 'Heilige Drei Könige' }]);
    const nrw = await t.asTenant('musterstadt', () => calendar.slots([nw], '2026-01-06', '2026-01-06'));
    expect(nrw.closed).toEqual([]);
    expect(nrw.slots.length).toBeGreaterThan(0);
  });

  it('applies configured closures', async () => {
    const nw = await locationId('musterstadt', 'Bürgerbüro im Rathaus');
    const { slots, closed } = await t.asTenant('musterstadt', () => calendar.slots([nw], '2026-12-23', '2026-12-24'));
    expect(closed).toEqual([{ locationId: nw, date: '2026-12-24', reason: 'Heiligabend' }]);
    expect(slots.every((s) => s.date === '2026-12-23')).toBe(true);
    expect(slots.length).toBeGreaterThan(0);
  });
});
