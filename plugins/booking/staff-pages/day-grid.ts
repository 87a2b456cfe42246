import { addDays, minutesOf, startOfLocalDay } from '../../../apps/server/src/common/local-time.js';
import type { CalendarBlock, CalendarDay, CalendarEntry, CalendarLane } from '../staff/calendar.types.js';

/** Entries that no longer take time at a counter: listed below the grid, not placed in it. */
const ENDED = new Set(['cancelled', 'expired']);
/** Outside the opening ranges time labels are every quarter hour; the grid's start and end are on quarter hours. */
const LABEL_MINUTES = 15;

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
    /** Counter lanes not staffed in an opening range that begins here (it has fewer counters than lanes). */
    unstaffed: Array<{ cell: string; lane: string; localStart: string; localEnd: string }>;
  }>;
  ended: CalendarEntry[];
  /** The positions: only numbers and the generated class names, so it is safe to emit unescaped. */
  css: string;
}

/**
 * Appointments without a counter that overlap in time go side by side: earliest first (then the
 * shorter, then by id, so the result is the same on every render), each into the first sub-column
 * that is free for its whole time. Returns the sub-column per entry id and how many there are.
 */
function packOverflow(entries: CalendarEntry[], span: (e: CalendarEntry) => [number, number]): { sub: Map<string, number>; width: number } {
  const ends: number[] = [];
  const sub = new Map<string, number>();
  const sorted = [...entries].sort((a, b) => span(a)[0] - span(b)[0] || span(a)[1] - span(b)[1] || a.id.localeCompare(b.id));
  for (const e of sorted) {
    const [start, end] = span(e);
    let i = ends.findIndex((free) => free <= start);
    if (i < 0) i = ends.push(end) - 1;
    else ends[i] = end;
    sub.set(e.id, i);
  }
  return { sub, width: Math.max(1, ends.length) };
}

/**
 * The day view for a desktop as a CSS grid: rows are the day's times in tenant-local minutes (from
 * the opening ranges, widened to any appointment or block outside them), one row per common
 * divisor of all times so that every appointment spans exactly its duration; labelled at each slot
 * start of an opening range (every quarter hour outside them). Columns are the counter lanes; the
 * lane without counter has as many sub-columns as its appointments overlap. Null on a day with
 * neither opening nor appointments.
 */
export function dayGrid(day: CalendarDay, zone: string): DayGrid | null {
  const lanes = day.lanes;
  const laneName = (counterId: string | null) => lanes.find((l) => l.counterId === counterId)?.name ?? '';
  const placed = day.entries.filter((e) => !ENDED.has(e.status));
  const span = (e: CalendarEntry): [number, number] => [minutesOf(e.localStart), e.localEnd < e.localStart ? 24 * 60 : minutesOf(e.localEnd)];
  // A block lasting from the previous day or into the next is clipped to this day.
  const dayStart = startOfLocalDay(day.date, zone).toISOString();
  const dayEnd = startOfLocalDay(addDays(day.date, 1), zone).toISOString();
  const open = [...day.open].sort((a, b) => a.start.localeCompare(b.start));
  const spans = [...open.map((o) => [minutesOf(o.start), minutesOf(o.end)]), ...placed.map(span)];
  if (spans.length === 0) return null;
  const from = Math.floor(Math.min(...spans.map((s) => s[0])) / LABEL_MINUTES) * LABEL_MINUTES;
  const to = Math.ceil(Math.max(...spans.map((s) => s[1])) / LABEL_MINUTES) * LABEL_MINUTES;
  const blocks = day.blocks
    .map((b) => ({
      b,
      start: Math.max(b.startAt <= dayStart ? 0 : minutesOf(b.localStart), from),
      end: Math.min(b.endAt >= dayEnd ? 24 * 60 : minutesOf(b.localEnd), to),
    }))
    .filter((x) => x.end > x.start);
  // Labels: each slot start of a range, where a range ends, and quarter hours outside the ranges.
  const labels = new Set<number>();
  for (let m = from; m < to; m += LABEL_MINUTES) if (!open.some((o) => minutesOf(o.start) <= m && m < minutesOf(o.end))) labels.add(m);
  for (const o of open) {
    for (let m = minutesOf(o.start); m < minutesOf(o.end); m += o.slotMinutes) labels.add(m);
    if (minutesOf(o.end) < to) labels.add(minutesOf(o.end));
  }
  const marks = [...labels].sort((a, b) => a - b);
  let step = to - from;
  for (const m of [...spans.flat(), ...blocks.flatMap((x) => [x.start, x.end]), ...marks]) step = gcd(step, m - from);
  const row = (m: number) => 2 + (m - from) / step;
  // Grid columns: one per counter lane, the lane without counter as wide as its overlaps need.
  const overflow = packOverflow(
    placed.filter((e) => e.counterId === null),
    span,
  );
  const firstColumn: number[] = [];
  let columns = 0;
  for (const l of lanes) {
    firstColumn.push(2 + columns);
    columns += l.counterId === null ? overflow.width : 1;
  }
  const laneIndex = (counterId: string | null) =>
    Math.max(
      0,
      lanes.findIndex((l) => l.counterId === counterId),
    );
  const column = (counterId: string | null) => firstColumn[laneIndex(counterId)];
  const everyLane = `2/${2 + columns}`;
  // About 0.18rem a minute; a row grows when an entry's text needs more.
  const rules = [
    `.cal-grid{grid-template-columns:4.5rem repeat(${columns},minmax(0,1fr));grid-template-rows:auto repeat(${(to - from) / step},minmax(${(0.18 * step).toFixed(2)}rem,auto))}`,
    ...lanes.map((l, i) => `.g-l${i}{grid-column:${firstColumn[i]}/span ${l.counterId === null ? overflow.width : 1}}`),
  ];
  const times: DayGrid['times'] = marks.map((m, i) => {
    const cell = `g-t${i}`;
    rules.push(`.${cell}{grid-row:${row(m)}/${row(marks[i + 1] ?? to)}}`);
    return { label: hhmm(m), cell, entries: [], blocks: [], closed: null, unstaffed: [] };
  });
  const slot = (start: number) =>
    times[
      Math.max(
        0,
        marks.findLastIndex((m) => m <= start),
      )
    ];
  placed.forEach((e, i) => {
    const [start, end] = span(e);
    const cell = `g-e${i}`;
    const at = column(e.counterId) + (e.counterId === null ? overflow.sub.get(e.id)! : 0);
    rules.push(`.${cell}{grid-row:${row(start)}/${row(Math.max(end, start + step))};grid-column:${at}}`);
    slot(start).entries.push({ ...e, cell, lane: laneName(e.counterId), start, column: at });
  });
  blocks.forEach(({ b, start, end }, i) => {
    const cell = `g-b${i}`;
    // A block of the whole location covers every lane.
    const columns = b.counterId === null ? everyLane : `${column(b.counterId)}`;
    rules.push(`.${cell}{grid-row:${row(start)}/${row(end)};grid-column:${columns}}`);
    slot(start).blocks.push({ ...b, cell, lane: b.counterId === null ? '' : laneName(b.counterId), start, column: column(b.counterId) });
  });
  open.slice(1).forEach((o, i) => {
    const [start, end] = [minutesOf(open[i].end), minutesOf(o.start)];
    if (end <= start) return;
    const cell = `g-c${i}`;
    rules.push(`.${cell}{grid-row:${row(start)}/${row(end)};grid-column:${everyLane}}`);
    slot(start).closed = { cell, localStart: open[i].end, localEnd: o.start };
  });
  // A range with fewer counters than lanes: the last counter lanes are not staffed (the service
  // fills lanes from the first).
  const counterLanes = lanes.filter((l) => l.counterId !== null);
  open.forEach((o, i) => {
    counterLanes.slice(o.counters).forEach((l, k) => {
      const cell = `g-u${i}-${k}`;
      rules.push(`.${cell}{grid-row:${row(minutesOf(o.start))}/${row(minutesOf(o.end))};grid-column:${column(l.counterId)}}`);
      slot(minutesOf(o.start)).unstaffed.push({ cell, lane: l.name, localStart: o.start, localEnd: o.end });
    });
  });
  for (const t of times) t.entries.sort((a, b) => a.start - b.start || a.column - b.column);
  return { lanes, times, ended: day.entries.filter((e) => ENDED.has(e.status)), css: rules.join('') };
}
