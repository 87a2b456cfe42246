import { isoWeekday, minutesOf } from '../../apps/server/src/common/local-time.js';
import type { WishWindow } from './entities/wish.entity.js';
import type { AgentSlot } from '../booking/booking.api.js';

/** One agent-channel slot row with free units, as the booking plugin publishes it. */
export type FreeSlot = AgentSlot;

/** What the matcher needs of a wish. */
export interface MatchWish {
  id: string;
  minutes: number;
  locationIds: string[];
  windows: WishWindow[];
  earliestDate: string;
  latestDate: string;
}

/** A proposal found for a wish: consecutive slots at one location, one unit of each. */
export interface Fit {
  locationId: string;
  start: number;
  end: number;
  unitIds: string[];
}

interface Day {
  slots: FreeSlot[];
  free: number;
}

type Windows = Array<Array<[number, number]> | undefined>;

/** Windows by ISO weekday, as minute ranges. */
export function windowsByWeekday(windows: WishWindow[]): Windows {
  const out: Windows = [];
  for (const w of windows) (out[w.weekday] ??= []).push([minutesOf(w.from), minutesOf(w.to)]);
  return out;
}

/**
 * The free agent units in memory, indexed location → day → slots by start time, so a wish costs a
 * few lookups per acceptable day and location instead of a scan of every unit. Finding a fit
 * takes its units at once; the caller writes the holds in batches.
 */
export class FreeSlotIndex {
  private readonly byLocation = new Map<string, Map<string, Day>>();
  /** Every date with free units, ascending. */
  private readonly dates: string[];
  private readonly weekday = new Map<string, number>();
  private total = 0;

  constructor(slots: FreeSlot[]) {
    const sorted = [...slots].filter((s) => s.free > 0).sort((a, b) => a.start - b.start);
    const dates = new Set<string>();
    for (const s of sorted) {
      let days = this.byLocation.get(s.locationId);
      if (!days) this.byLocation.set(s.locationId, (days = new Map()));
      let day = days.get(s.localDate);
      if (!day) days.set(s.localDate, (day = { slots: [], free: 0 }));
      day.slots.push({ ...s });
      day.free += s.free;
      this.total += s.free;
      dates.add(s.localDate);
    }
    this.dates = [...dates].sort();
    for (const d of this.dates) this.weekday.set(d, isoWeekday(d));
  }

  get remaining(): number {
    return this.total;
  }

  get firstDate(): string | null {
    return this.dates[0] ?? null;
  }

  get lastDate(): string | null {
    return this.dates[this.dates.length - 1] ?? null;
  }

  /**
   * Up to `k` fits for a wish, on different days, each the earliest start of its day over the
   * acceptable locations (ties: the citizen's location order), days in ascending order; the units
   * are taken from the index.
   */
  take(wish: MatchWish, k: number, windows: Windows = windowsByWeekday(wish.windows)): Fit[] {
    const fits: Fit[] = [];
    if (this.total <= 0) return fits;
    for (let i = lowerBound(this.dates, wish.earliestDate); i < this.dates.length && fits.length < k; i++) {
      const date = this.dates[i];
      if (date > wish.latestDate) break;
      const ranges = windows[this.weekday.get(date)!];
      if (!ranges) continue;
      let best: { fit: Fit; slots: FreeSlot[] } | null = null;
      for (const locationId of wish.locationIds) {
        const day = this.byLocation.get(locationId)?.get(date);
        if (!day || day.free <= 0) continue;
        const found = earliestFit(day.slots, wish.minutes, ranges, locationId);
        if (found && (!best || found.fit.start < best.fit.start)) best = found;
      }
      if (!best) continue;
      const day = this.byLocation.get(best.fit.locationId)!.get(date)!;
      for (const s of best.slots) s.free -= 1;
      day.free -= best.slots.length;
      this.total -= best.slots.length;
      fits.push(best.fit);
    }
    return fits;
  }
}

function earliestFit(slots: FreeSlot[], minutes: number, ranges: Array<[number, number]>, locationId: string): { fit: Fit; slots: FreeSlot[] } | null {
  let best: { fit: Fit; slots: FreeSlot[] } | null = null;
  for (const [from, to] of ranges) {
    // Slots are sorted by start; jump to the window instead of walking the whole day.
    for (let i = firstAtOrAfter(slots, from); i < slots.length; i++) {
      const first = slots[i];
      if (first.localMinute + minutes > to) break;
      if (best && first.start >= best.fit.start) break;
      if (first.free <= 0) continue;
      const run = [first];
      let covered = first.slotMinutes;
      let j = i;
      while (covered < minutes) {
        const next = slots[j + 1];
        const prev = slots[j];
        if (!next || next.start !== prev.start + prev.slotMinutes * 60_000 || next.free <= 0) break;
        run.push(next);
        covered += next.slotMinutes;
        j++;
      }
      if (covered < minutes) continue;
      best = {
        fit: { locationId, start: first.start, end: first.start + covered * 60_000, unitIds: run.map((s) => s.unitId) },
        slots: run,
      };
      break;
    }
  }
  return best;
}

function lowerBound(sorted: string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function firstAtOrAfter(slots: FreeSlot[], minute: number): number {
  let lo = 0;
  let hi = slots.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (slots[mid].localMinute < minute) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
