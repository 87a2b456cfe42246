import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Between, LessThan, MoreThan } from 'typeorm';
import { CatalogService } from '../../../apps/server/src/catalog/catalog.service.js';
import { Counter } from '../../../apps/server/src/catalog/entities/counter.entity.js';
import { OpeningCalendarService, type OpeningSlot } from '../../../apps/server/src/catalog/opening-calendar.service.js';
import { Clock } from '../../../apps/server/src/common/clock.js';
import { addDays, localDate, localTime, startOfLocalDay } from '../../../apps/server/src/common/local-time.js';
import { TenantContext } from '../../../apps/server/src/tenancy/tenant-context.js';
import { TenantDataService } from '../../../apps/server/src/tenancy/tenant-data.service.js';
import { Booking } from '../entities/booking.entity.js';
import { CapacityBlock } from '../entities/capacity-block.entity.js';
import type { CalendarBlock, CalendarDay, CalendarEntry, CalendarLane, CalendarStatus, CalendarWeek, StaffScope } from './calendar.types.js';
import { StaffAccessService } from './staff-access.service.js';

/** The lane of appointments no counter is free for (or of a location without counters). */
export const UNASSIGNED_LANE = 'Ohne Schalter';

/** A confirmed appointment, whatever its attendance: what feeds and blocks count as booked. */
export const BOOKED: ReadonlySet<CalendarStatus> = new Set(['confirmed', 'checked-in', 'no-show']);

// A no-show keeps its lane: the time was booked, and staff see who did not come where they expected them.
const ACTIVE: CalendarStatus[] = ['pending', 'confirmed', 'checked-in', 'no-show'];

/**
 * The authority's calendar: a location's appointments per day and week, in counter lanes,
 * with opening ranges (opening calendar) and closures. No personal data (see StaffBookingsService).
 */
@Injectable()
export class CalendarService {
  constructor(
    private readonly data: TenantDataService,
    private readonly catalog: CatalogService,
    private readonly opening: OpeningCalendarService,
    private readonly access: StaffAccessService,
    private readonly clock: Clock,
  ) {}

  /** The tenant-local date of today. */
  today(): string {
    return localDate(this.clock.now(), TenantContext.current().timeZone);
  }

  async day(scope: StaffScope, locationId: string, date = this.today()): Promise<CalendarDay> {
    const [day] = await this.range(scope, locationId, date, date);
    return day;
  }

  /** Monday to Sunday of the ISO week that holds `date`. */
  async week(scope: StaffScope, locationId: string, date = this.today()): Promise<CalendarWeek> {
    const from = DateTime.fromISO(date, { zone: 'UTC' }).startOf('week').toISODate()!;
    const to = addDays(from, 6);
    return { from, to, days: await this.range(scope, locationId, from, to) };
  }

  /** The counter lanes of a location (its active counters, in lane order), without a day's appointments. */
  async counters(scope: StaffScope, locationId: string): Promise<CalendarLane[]> {
    await this.access.location(scope, locationId);
    return toLanes(await this.activeCounters(locationId));
  }

  private activeCounters(locationId: string): Promise<Counter[]> {
    return this.data.repo(Counter).find({ where: { locationId, active: true }, order: { name: 'ASC', id: 'ASC' } });
  }

  /** The days from `from` to `to` (tenant-local dates) with one set of queries. */
  async range(scope: StaffScope, locationId: string, from: string, to: string): Promise<CalendarDay[]> {
    const location = await this.access.location(scope, locationId);
    const zone = TenantContext.current().timeZone;
    const rangeStart = startOfLocalDay(from, zone);
    const rangeEnd = startOfLocalDay(addDays(to, 1), zone);
    const [bookings, blocks, counters, opening, catalog] = await Promise.all([
      this.data.repo(Booking).find({
        where: { locationId, startAt: Between(rangeStart, new Date(rangeEnd.getTime() - 1)) },
        order: { startAt: 'ASC', id: 'ASC' },
      }),
      this.data.repo(CapacityBlock).find({
        where: { locationId, startAt: LessThan(rangeEnd), endAt: MoreThan(rangeStart) },
        order: { startAt: 'ASC', id: 'ASC' },
      }),
      this.activeCounters(locationId),
      this.opening.slots([locationId], from, to),
      this.catalog.snapshot(),
    ]);
    const serviceNames = new Map(catalog.services.map((s) => [s.id, s.name]));
    const now = this.clock.now();
    const days: CalendarDay[] = [];
    for (let date = from; date <= to; date = addDays(date, 1)) {
      const entries = bookings.filter((b) => localDate(b.startAt, zone) === date).map((b): CalendarEntry => this.entry(b, zone, now, serviceNames));
      const lanes = packLanes(entries, counters);
      days.push({
        date,
        location,
        open: openRanges(
          opening.slots.filter((s) => s.date === date),
          zone,
        ),
        closedReason: opening.closed.find((c) => c.date === date)?.reason ?? null,
        lanes,
        entries,
        blocks: blocks
          .filter((b) => b.startAt < startOfLocalDay(addDays(date, 1), zone) && b.endAt > startOfLocalDay(date, zone))
          .map((b) => toCalendarBlock(b)),
      });
    }
    return days;
  }

  entry(b: Booking, zone: string, now: Date, serviceNames: Map<string, string>): CalendarEntry {
    return {
      id: b.id,
      reference: b.reference,
      status: calendarStatus(b, now),
      channel: b.channel,
      startAt: b.startAt.toISOString(),
      endAt: b.endAt.toISOString(),
      localStart: localTime(b.startAt, zone),
      localEnd: localTime(b.endAt, zone),
      services: b.services.map((s) => ({ serviceId: s.serviceId, name: serviceNames.get(s.serviceId) ?? '—', quantity: s.quantity })),
      counterId: b.counterId,
      note: b.staffNote,
    };
  }
}

export function toCalendarBlock(b: CapacityBlock): CalendarBlock {
  const zone = TenantContext.current().timeZone;
  return {
    id: b.id,
    counterId: b.counterId,
    startAt: b.startAt.toISOString(),
    endAt: b.endAt.toISOString(),
    localStart: localTime(b.startAt, zone),
    localEnd: localTime(b.endAt, zone),
    reason: b.reason,
  };
}

/**
 * A lapsed hold counts as expired even before the housekeeping task wrote it down (as for the
 * citizen); a confirmed appointment shows its attendance (served counts as checked in: the person came).
 */
export function calendarStatus(b: Booking, now: Date): CalendarStatus {
  if (b.status === 'confirmed' && b.attendance) return b.attendance === 'no-show' ? 'no-show' : 'checked-in';
  return b.status === 'pending' && b.holdUntil && b.holdUntil <= now ? 'expired' : b.status;
}

/**
 * Draws the day's appointments into counter lanes, deterministically: appointments with a counter
 * stay in its lane; the others, earliest start first, go into the first lane free for their whole
 * time, and into a lane without counter when none is. Cancelled and expired ones occupy no lane.
 * Entries are changed in place (counterId); returns the lanes to draw.
 */
export function packLanes(entries: CalendarEntry[], counters: Array<Pick<Counter, 'id' | 'name' | 'room'>>): CalendarLane[] {
  const busy = new Map<string, Array<[string, string]>>(counters.map((c) => [c.id, []]));
  const active = entries.filter((e) => ACTIVE.includes(e.status));
  for (const e of active) if (e.counterId && busy.has(e.counterId)) busy.get(e.counterId)!.push([e.startAt, e.endAt]);
  const unplaced = active.filter((e) => !e.counterId || !busy.has(e.counterId)).sort((a, b) => a.startAt.localeCompare(b.startAt) || a.id.localeCompare(b.id));
  for (const e of unplaced) {
    const free = counters.find((c) => busy.get(c.id)!.every(([s, end]) => end <= e.startAt || s >= e.endAt));
    e.counterId = free?.id ?? null;
    if (free) busy.get(free.id)!.push([e.startAt, e.endAt]);
  }
  // A cancelled appointment keeps its counter's lane only while that counter is still active.
  for (const e of entries) if (!ACTIVE.includes(e.status) && e.counterId && !busy.has(e.counterId)) e.counterId = null;
  const lanes = toLanes(counters);
  if (counters.length === 0 || entries.some((e) => e.counterId === null)) lanes.push({ counterId: null, name: UNASSIGNED_LANE, room: null });
  return lanes;
}

function toLanes(counters: Array<Pick<Counter, 'id' | 'name' | 'room'>>): CalendarLane[] {
  return counters.map((c) => ({ counterId: c.id, name: c.name, room: c.room }));
}

/** Consecutive slots with the same number of counters and the same length become one opening range. */
function openRanges(slots: OpeningSlot[], zone: string): CalendarDay['open'] {
  const ranges: Array<{ start: Date; end: Date; counters: number; slotMinutes: number }> = [];
  for (const s of [...slots].sort((a, b) => a.start.getTime() - b.start.getTime())) {
    const last = ranges.at(-1);
    const slotMinutes = (s.end.getTime() - s.start.getTime()) / 60_000;
    if (last && last.end.getTime() === s.start.getTime() && last.counters === s.capacity && last.slotMinutes === slotMinutes) last.end = s.end;
    else ranges.push({ start: s.start, end: s.end, counters: s.capacity, slotMinutes });
  }
  return ranges.map((r) => ({ start: localTime(r.start, zone), end: localTime(r.end, zone), counters: r.counters, slotMinutes: r.slotMinutes }));
}
