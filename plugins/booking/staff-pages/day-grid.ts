import { addDays } from '../../../apps/server/src/common/local-time.js';
import { startOfLocalDay } from '../staff/calendar.service.js';
import type { CalendarBlock, CalendarDay, CalendarEntry, CalendarLane } from '../staff/calendar.types.js';

/** Entries that no longer take time at a counter: listed below the grid, not placed in it. */
const ENDED = new Set(['cancelled', 'expired']);
/** Time labels every quarter hour; the grid's start and end are on quarter hours too. */
const LABEL_MINUTES = 15;

function minutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function hhmm(m: number): string {
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

interface Cell {
  /** CSS class that carries the cell's grid position (in the page's nonce'd style element). */
  cell: string;
  lane: string;
  start: number;
  column: number;
}

export interface DayGrid {
  lanes: CalendarLane[];
  /** In reading order: each time, then the appointments and blocks that begin by the next time. */
  times: Array<{
    label: string;
    cell: string;
    entries: Array<CalendarEntry & Cell>;
    blocks: Array<CalendarBlock & Cell>;
    /** A break between opening ranges that begins here. */
    closed: { cell: string; localStart: string; localEnd: string } | null;
  }>;
  ended: CalendarEntry[];
  /** The positions: only numbers and the generated class names, so it is safe to emit unescaped. */
  css: string;
}

/**
 * The day view for a desktop as a CSS grid: rows are the day's times in tenant-local minutes (from
 * the opening ranges, widened to any appointment or block outside them), one row per common
 * divisor of all times so that every appointment spans exactly its duration; columns are the
 * counter lanes. Null on a day with neither opening nor appointments.
 */
export function dayGrid(day: CalendarDay, zone: string): DayGrid | null {
  const lanes = day.lanes;
  const laneName = (counterId: string | null) => lanes.find((l) => l.counterId === counterId)?.name ?? '';
  const placed = day.entries.filter((e) => !ENDED.has(e.status));
  // A block lasting from the previous day or into the next is clipped to this day.
  const dayStart = startOfLocalDay(day.date, zone).toISOString();
  const dayEnd = startOfLocalDay(addDays(day.date, 1), zone).toISOString();
  const spans = [
    ...day.open.map((o) => [minutes(o.start), minutes(o.end)]),
    ...placed.map((e) => [minutes(e.localStart), e.localEnd < e.localStart ? 24 * 60 : minutes(e.localEnd)]),
  ];
  if (spans.length === 0) return null;
  const from = Math.floor(Math.min(...spans.map((s) => s[0])) / LABEL_MINUTES) * LABEL_MINUTES;
  const to = Math.ceil(Math.max(...spans.map((s) => s[1])) / LABEL_MINUTES) * LABEL_MINUTES;
  const blocks = day.blocks
    .map((b) => ({
      b,
      start: Math.max(b.startAt <= dayStart ? 0 : minutes(b.localStart), from),
      end: Math.min(b.endAt >= dayEnd ? 24 * 60 : minutes(b.localEnd), to),
    }))
    .filter((x) => x.end > x.start);
  let step = LABEL_MINUTES;
  for (const [s, e] of [...spans, ...blocks.map((x) => [x.start, x.end])]) step = gcd(gcd(step, s - from), e - from);
  const row = (m: number) => 2 + (m - from) / step;
  const column = (counterId: string | null) =>
    2 +
    Math.max(
      0,
      lanes.findIndex((l) => l.counterId === counterId),
    );
  // About 0.18rem a minute; a row grows when an entry's text needs more.
  const rules = [
    `.cal-grid{grid-template-columns:4.5rem repeat(${lanes.length},minmax(0,1fr));grid-template-rows:auto repeat(${(to - from) / step},minmax(${(0.18 * step).toFixed(2)}rem,auto))}`,
    ...lanes.map((_, i) => `.g-l${i}{grid-column:${i + 2}}`),
  ];
  const times: DayGrid['times'] = [];
  for (let m = from; m < to; m += LABEL_MINUTES) {
    const cell = `g-t${times.length}`;
    rules.push(`.${cell}{grid-row:${row(m)}/${row(m + LABEL_MINUTES)}}`);
    times.push({ label: hhmm(m), cell, entries: [], blocks: [], closed: null });
  }
  const slot = (start: number) => times[Math.min(times.length - 1, Math.floor((start - from) / LABEL_MINUTES))];
  placed.forEach((e, i) => {
    const start = minutes(e.localStart);
    const end = e.localEnd < e.localStart ? 24 * 60 : minutes(e.localEnd);
    const cell = `g-e${i}`;
    rules.push(`.${cell}{grid-row:${row(start)}/${row(Math.max(end, start + step))};grid-column:${column(e.counterId)}}`);
    slot(start).entries.push({ ...e, cell, lane: laneName(e.counterId), start, column: column(e.counterId) });
  });
  blocks.forEach(({ b, start, end }, i) => {
    const cell = `g-b${i}`;
    // A block of the whole location covers every lane.
    const columns = b.counterId === null ? `2/${2 + lanes.length}` : `${column(b.counterId)}`;
    rules.push(`.${cell}{grid-row:${row(start)}/${row(end)};grid-column:${columns}}`);
    slot(start).blocks.push({ ...b, cell, lane: b.counterId === null ? '' : laneName(b.counterId), start, column: column(b.counterId) });
  });
  const open = [...day.open].sort((a, b) => a.start.localeCompare(b.start));
  open.slice(1).forEach((o, i) => {
    const [start, end] = [minutes(open[i].end), minutes(o.start)];
    if (end <= start) return;
    const cell = `g-c${i}`;
    rules.push(`.${cell}{grid-row:${row(start)}/${row(end)};grid-column:2/${2 + lanes.length}}`);
    slot(start).closed = { cell, localStart: open[i].end, localEnd: o.start };
  });
  for (const t of times) t.entries.sort((a, b) => a.start - b.start || a.column - b.column);
  return { lanes, times, ended: day.entries.filter((e) => ENDED.has(e.status)), css: rules.join('') };
}
