import fc from 'fast-check';
import type { AgentSlot } from '../plugins/booking/agent-capacity.service.js';
import type { Fit, MatchWish } from '../plugins/terminagent/matcher.js';

/**
 * The obvious matcher, for property tests: for each wish in queue order, list every fit at every
 * acceptable location, sort by start (then the citizen's location order), and take fits greedily,
 * one per day, up to k, re-checking free units after each take.
 */
export function referenceMatch(slots: AgentSlot[], wishes: MatchWish[], k: number): Map<string, Fit[]> {
  const free = new Map(slots.map((s) => [s.unitId, s.free]));
  const out = new Map<string, Fit[]>();
  const weekday = (date: string) => ((new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;
  const minute = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  for (const wish of wishes) {
    const candidates: Array<{ fit: Fit; order: number; date: string }> = [];
    wish.locationIds.forEach((locationId, order) => {
      const here = slots.filter((s) => s.locationId === locationId).sort((a, b) => a.start - b.start);
      here.forEach((first, i) => {
        if (first.localDate < wish.earliestDate || first.localDate > wish.latestDate) return;
        const fitsWindow = wish.windows.some(
          (w) => w.weekday === weekday(first.localDate) && minute(w.from) <= first.localMinute && first.localMinute + wish.minutes <= minute(w.to),
        );
        if (!fitsWindow) return;
        const run = [first];
        let covered = first.slotMinutes;
        for (let j = i + 1; covered < wish.minutes && j < here.length; j++) {
          const prev = run[run.length - 1];
          if (here[j].start !== prev.start + prev.slotMinutes * 60_000) break;
          run.push(here[j]);
          covered += here[j].slotMinutes;
        }
        if (covered < wish.minutes) return;
        candidates.push({
          fit: { locationId, start: first.start, end: first.start + covered * 60_000, unitIds: run.map((s) => s.unitId) },
          order,
          date: first.localDate,
        });
      });
    });
    candidates.sort((a, b) => a.fit.start - b.fit.start || a.order - b.order);
    const taken: Fit[] = [];
    const days = new Set<string>();
    for (const c of candidates) {
      if (taken.length >= k) break;
      if (days.has(c.date) || !c.fit.unitIds.every((u) => (free.get(u) ?? 0) > 0)) continue;
      for (const u of c.fit.unitIds) free.set(u, free.get(u)! - 1);
      days.add(c.date);
      taken.push(c.fit);
    }
    if (taken.length) out.set(wish.id, taken);
  }
  return out;
}

export const LOCATIONS = ['0a000000-0000-4000-8000-00000000000a', '0b000000-0000-4000-8000-00000000000b', '0c000000-0000-4000-8000-00000000000c'];
const DATES = ['2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-30', '2026-12-01'];
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** Free agent slots: 3 locations (15, 15 and 20 minute slots), 7 days, gaps and 0-2 free units. */
export const slotsArb = fc
  .array(fc.tuple(fc.nat(2), fc.nat(DATES.length - 1), fc.nat(9), fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 60 })
  .map((raw) => {
    const seen = new Set<string>();
    const slots: AgentSlot[] = [];
    for (const [l, d, i, free] of raw) {
      const key = `${l}|${d}|${i}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const slotMinutes = l === 2 ? 20 : 15;
      const localMinute = 8 * 60 + i * slotMinutes;
      const [y, m, day] = DATES[d].split('-').map(Number);
      // Winter time in Berlin: UTC+1.
      const start = Date.UTC(y, m - 1, day, 0, localMinute - 60);
      slots.push({ unitId: `u-${key}`, locationId: LOCATIONS[l], start, slotMinutes, localDate: DATES[d], localMinute, free });
    }
    return slots;
  });

const windowArb = fc.tuple(fc.integer({ min: 1, max: 7 }), fc.nat(8), fc.integer({ min: 1, max: 10 })).map(([weekday, s, len]) => ({
  weekday,
  from: hhmm(8 * 60 + s * 15),
  to: hhmm(Math.min(8 * 60 + s * 15 + len * 15, 23 * 60)),
}));

/** Wishes in queue order. */
export const wishesArb = fc
  .array(
    fc.record({
      locations: fc.shuffledSubarray([0, 1, 2], { minLength: 1 }),
      windows: fc.array(windowArb, { minLength: 1, maxLength: 3 }),
      range: fc.tuple(fc.nat(DATES.length - 1), fc.nat(DATES.length - 1)),
      minutes: fc.constantFrom(15, 30, 45),
    }),
    { minLength: 1, maxLength: 25 },
  )
  .map((list) =>
    list.map((w, i): MatchWish => {
      const [a, b] = w.range[0] <= w.range[1] ? w.range : [w.range[1], w.range[0]];
      return {
        id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        minutes: w.minutes,
        locationIds: w.locations.map((l) => LOCATIONS[l]),
        windows: w.windows,
        earliestDate: DATES[a],
        latestDate: DATES[b],
      };
    }),
  );
