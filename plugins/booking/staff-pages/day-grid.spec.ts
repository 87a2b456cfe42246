import { describe, expect, it } from '@jest/globals';
import type { CalendarDay, CalendarEntry } from '../staff/calendar.types.js';
import { dayGrid } from './day-grid.js';

const ZONE = 'Europe/Berlin';

function entry(id: string, localStart: string, localEnd: string, counterId: string | null, status: CalendarEntry['status'] = 'confirmed'): CalendarEntry {
  return { id, reference: id, status, channel: 'phone', startAt: '', endAt: '', localStart, localEnd, services: [], counterId, note: null };
}

function day(over: Partial<CalendarDay>): CalendarDay {
  return {
    date: '2026-11-24',
    location: { id: 'l', name: 'L' },
    open: [{ start: '08:00', end: '12:30', counters: 2 }],
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
          { start: '08:00', end: '12:30', counters: 2 },
          { start: '14:00', end: '18:00', counters: 2 },
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

  it('draws nothing on a closed day without appointments', () => {
    expect(dayGrid(day({ open: [], closedReason: 'Feiertag' }), ZONE)).toBeNull();
  });
});
