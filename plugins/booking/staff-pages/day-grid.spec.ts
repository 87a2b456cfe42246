import { describe, expect, it } from '@jest/globals';
import type { CalendarDay, CalendarEntry } from '../staff/calendar.types.js';
import { dayGrid, type DayGrid } from './day-grid.js';

const ZONE = 'Europe/Berlin';

function entry(id: string, localStart: string, localEnd: string, counterId: string | null, status: CalendarEntry['status'] = 'confirmed'): CalendarEntry {
  return { id, reference: id, status, channel: 'phone', startAt: '', endAt: '', localStart, localEnd, services: [], counterId, note: null };
}

/** Each placed entry's rows and columns, read back from the generated rules. */
function placement(grid: DayGrid): Map<string, { rows: [number, number]; column: number }> {
  const at = new Map<string, { rows: [number, number]; column: number }>();
  for (const e of grid.times.flatMap((t) => t.entries)) {
    const [, from, to, column] = new RegExp(`\\.${e.cell}\\{grid-row:(\\d+)/(\\d+);grid-column:(\\d+)\\}`).exec(grid.css)!;
    at.set(e.id, { rows: [Number(from), Number(to)], column: Number(column) });
  }
  return at;
}

function day(over: Partial<CalendarDay>): CalendarDay {
  return {
    date: '2026-11-24',
    location: { id: 'l', name: 'L' },
    open: [{ start: '08:00', end: '12:30', counters: 2, slotMinutes: 15 }],
    closedReason: null,
    lanes: [
      { counterId: 'c1', name: 'Platz 1', room: null },
      { counterId: 'c2', name: 'Platz 2', room: null },
    ],
    entries: [],
    blocks: [],
    ...over,
  };
}

describe('the day grid', () => {
  it('has a row per common divisor of all times, each appointment spanning its duration in its lane, read after its time', () => {
    const grid = dayGrid(
      day({ entries: [entry('a', '09:00', '09:15', 'c2'), entry('b', '09:05', '09:20', 'c1'), entry('x', '09:00', '09:15', 'c1', 'cancelled')] }),
      ZONE,
    )!;
    // 5-minute rows from 08:00 (row 2, after the lane names) to 12:30.
    expect(grid.css).toContain('grid-template-rows:auto repeat(54,');
    expect(grid.css).toContain('.g-e0{grid-row:14/17;grid-column:3}');
    expect(grid.css).toContain('.g-e1{grid-row:15/18;grid-column:2}');
    const nine = grid.times.find((t) => t.label === '09:00')!;
    expect(nine.entries.map((e) => [e.id, e.lane])).toEqual([
      ['a', 'Platz 2'],
      ['b', 'Platz 1'],
    ]);
    // A cancelled appointment takes no time at a counter: listed, not placed.
    expect(grid.ended.map((e) => e.id)).toEqual(['x']);
  });

  it('widens to appointments outside the opening, marks the break, and clips a block from the previous day', () => {
    const grid = dayGrid(
      day({
        open: [
          { start: '08:00', end: '12:30', counters: 2, slotMinutes: 15 },
          { start: '14:00', end: '18:00', counters: 2, slotMinutes: 15 },
        ],
        entries: [entry('late', '18:00', '18:15', 'c1')],
        blocks: [
          {
            id: 'k',
            counterId: 'c2',
            startAt: '2026-11-23T12:00:00.000Z',
            endAt: '2026-11-24T09:00:00.000Z',
            localStart: '13:00',
            localEnd: '10:00',
            reason: 'krank',
          },
        ],
      }),
      ZONE,
    )!;
    expect(grid.times.at(-1)!.label).toBe('18:00');
    expect(grid.times.find((t) => t.label === '12:30')!.closed).toMatchObject({ localStart: '12:30', localEnd: '14:00' });
    // 15-minute rows: the block runs from the start of the grid (08:00) to 10:00 in the second lane.
    expect(grid.css).toContain('.g-b0{grid-row:2/10;grid-column:3}');
    expect(grid.times[0].blocks.map((b) => b.id)).toEqual(['k']);
  });

  it('puts overlapping appointments without counter side by side, packed the same way on every render', () => {
    const lanes = [
      { counterId: 'c1', name: 'Platz 1', room: null },
      { counterId: null, name: 'Ohne Schalter', room: null },
    ];
    const entries = [
      entry('c', '09:30', '10:00', null),
      entry('a', '09:00', '09:30', null),
      entry('b', '09:15', '09:45', null),
      entry('d', '09:20', '09:35', null),
      entry('p', '09:00', '09:15', 'c1'),
    ];
    const grid = dayGrid(day({ lanes, entries }), ZONE)!;
    // Three at once (09:20–09:30): the lane without counter spans three sub-columns after Platz 1.
    expect(grid.css).toContain('.cal-grid{grid-template-columns:4.5rem repeat(4,minmax(0,1fr))');
    expect(grid.css).toContain('.g-l0{grid-column:2/span 1}.g-l1{grid-column:3/span 3}');
    const at = placement(grid);
    expect(Object.fromEntries([...at].map(([id, p]) => [id, p.column]))).toEqual({ p: 2, a: 3, b: 4, d: 5, c: 3 });
    // No two entries share a cell: same column means their rows do not overlap.
    const placed = [...at.values()];
    for (const [i, x] of placed.entries())
      for (const y of placed.slice(i + 1)) if (x.column === y.column) expect(x.rows[1] <= y.rows[0] || y.rows[1] <= x.rows[0]).toBe(true);
    // The same day in another order packs the same.
    expect(placement(dayGrid(day({ lanes, entries: [...entries].reverse() }), ZONE)!)).toEqual(at);
    // A lane without overlaps stays one column wide.
    expect(dayGrid(day({ lanes, entries: [entry('a', '09:00', '09:30', null)] }), ZONE)!.css).toContain('.g-l1{grid-column:3/span 1}');
  });

  it('labels the rows at each slot start of a range (20-minute slots), quarter hours outside the ranges', () => {
    const grid = dayGrid(
      day({
        open: [
          { start: '08:00', end: '09:00', counters: 2, slotMinutes: 20 },
          { start: '10:00', end: '11:00', counters: 2, slotMinutes: 30 },
        ],
        entries: [entry('late', '11:00', '11:20', 'c1')],
      }),
      ZONE,
    )!;
    expect(grid.times.map((t) => t.label)).toEqual(['08:00', '08:20', '08:40', '09:00', '09:15', '09:30', '09:45', '10:00', '10:30', '11:00', '11:15']);
    // 5-minute rows (the common divisor of 20, 30 and 15): 08:20 runs from row 6 to 08:40's row 10.
    expect(grid.css).toContain('.g-t1{grid-row:6/10}');
    expect(grid.times.find((t) => t.label === '09:00')!.closed).toMatchObject({ localStart: '09:00', localEnd: '10:00' });
    expect(grid.times.find((t) => t.label === '11:00')!.entries.map((e) => e.id)).toEqual(['late']);
  });

  it('hatches the counter lanes a range does not staff', () => {
    const lanes = ['c1', 'c2', 'c3', 'c4'].map((id, i) => ({ counterId: id, name: `Platz ${i + 1}`, room: null }));
    const grid = dayGrid(
      day({
        lanes: [...lanes, { counterId: null, name: 'Ohne Schalter', room: null }],
        open: [
          { start: '08:00', end: '12:00', counters: 4, slotMinutes: 15 },
          { start: '13:00', end: '15:00', counters: 2, slotMinutes: 15 },
        ],
        entries: [entry('o', '13:00', '13:15', null)],
      }),
      ZONE,
    )!;
    expect(grid.times.flatMap((t) => t.unstaffed.map((u) => [t.label, u.lane, u.localStart, u.localEnd]))).toEqual([
      ['13:00', 'Platz 3', '13:00', '15:00'],
      ['13:00', 'Platz 4', '13:00', '15:00'],
    ]);
    // 15-minute rows from 08:00: 13:00 is row 22, 15:00 row 30; Platz 3 and 4 are columns 4 and 5.
    expect(grid.css).toContain('.g-u1-0{grid-row:22/30;grid-column:4}.g-u1-1{grid-row:22/30;grid-column:5}');
  });

  it('draws nothing on a closed day without appointments', () => {
    expect(dayGrid(day({ open: [], closedReason: 'Feiertag' }), ZONE)).toBeNull();
  });
});
