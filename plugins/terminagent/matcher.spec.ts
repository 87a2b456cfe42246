import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { referenceMatch, slotsArb, wishesArb } from '../../test/terminagent-reference.js';
import { FreeSlotIndex } from './matcher.js';

describe('FreeSlotIndex', () => {
  it('assigns exactly what the obvious first-come-first-served matcher assigns', () => {
    fc.assert(
      fc.property(slotsArb, wishesArb, fc.integer({ min: 1, max: 3 }), (slots, wishes, k) => {
        const index = new FreeSlotIndex(slots);
        const got = new Map(wishes.map((w) => [w.id, index.take(w, k)] as const).filter(([, fits]) => fits.length > 0));
        expect(got).toEqual(referenceMatch(slots, wishes, k));
        const totalFree = slots.reduce((s, x) => s + x.free, 0);
        const used = [...got.values()].flat().reduce((s, f) => s + f.unitIds.length, 0);
        expect(index.remaining).toBe(totalFree - used);
      }),
      { numRuns: 400 },
    );
  });

  it('never lets a later wish take a unit an earlier fitting wish could have had', () => {
    // A wish that fits a single unit alone must get it even when a later wish fits it too.
    const slot = { unitId: 'u', locationId: 'L', start: Date.UTC(2026, 10, 24, 8), slotMinutes: 15, localDate: '2026-11-24', localMinute: 9 * 60, free: 1 };
    const wish = (id: string) => ({
      id,
      minutes: 15,
      locationIds: ['L'],
      windows: [{ weekday: 2, from: '08:00', to: '12:00' }],
      earliestDate: '2026-11-24',
      latestDate: '2026-11-24',
    });
    const index = new FreeSlotIndex([slot]);
    expect(index.take(wish('first'), 1)).toHaveLength(1);
    expect(index.take(wish('second'), 1)).toHaveLength(0);
  });

  it('prefers the earliest time, and at the same time the location the citizen named first', () => {
    const at = (unitId: string, locationId: string, localMinute: number) => ({
      unitId,
      locationId,
      start: Date.UTC(2026, 10, 24, 0, localMinute - 60),
      slotMinutes: 15,
      localDate: '2026-11-24',
      localMinute,
      free: 1,
    });
    const index = new FreeSlotIndex([at('a9', 'A', 540), at('b9', 'B', 540), at('b830', 'B', 510)]);
    const wish = (id: string, locationIds: string[]) => ({
      id,
      minutes: 15,
      locationIds,
      windows: [{ weekday: 2, from: '08:00', to: '12:00' }],
      earliestDate: '2026-11-24',
      latestDate: '2026-11-24',
    });
    expect(index.take(wish('1', ['A', 'B']), 1).map((f) => f.unitIds)).toEqual([['b830']]);
    expect(index.take(wish('2', ['B', 'A']), 1).map((f) => f.unitIds)).toEqual([['b9']]);
    expect(index.take(wish('3', ['B', 'A']), 1).map((f) => f.unitIds)).toEqual([['a9']]);
  });
});
