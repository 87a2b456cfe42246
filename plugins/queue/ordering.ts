import type { OrderingContext, OrderingRules, QueueEntry } from './queue.types.js';

// The production ordering: the rules of ordering.reference.ts (read that file for what they say),
// computed in one scan (pickNext) or one sort per group and a merge (orderQueue), because the engine
// orders a busy location's few hundred waiting tickets on every poll. ordering.spec.ts checks both
// against the reference on random queues.

const MINUTE = 60_000;

/** The asking counter may call this ticket: a transfer's target counter (whatever its services), else all its services handled. */
export function mayCall(entry: QueueEntry, counterId: string | null, serviceIds: readonly string[] | null): boolean {
  if (entry.targetCounterId !== null && counterId !== null && entry.targetCounterId !== counterId) return false;
  if (entry.targetCounterId !== null && entry.targetCounterId === counterId) return true;
  return serviceIds === null || entry.serviceIds.every((s) => serviceIds.includes(s));
}

/** Place in line: a walk-in's sortAt; an appointment's start, or its sortAt when that is later (came late, sent to the end). */
export function placeInLine(entry: QueueEntry): number {
  const sortAt = entry.sortAt.getTime();
  return entry.kind === 'appointment' && entry.appointmentStart ? Math.max(entry.appointmentStart.getTime(), sortAt) : sortAt;
}

/** The instant an appointment becomes callable by the rules (a walk-in: at once). */
export function callableAt(entry: QueueEntry, rules: OrderingRules): number {
  return entry.kind === 'appointment' && entry.appointmentStart
    ? entry.appointmentStart.getTime() - rules.callableMinutesBeforeStart * MINUTE
    : Number.NEGATIVE_INFINITY;
}

type Group = 'urgent' | 'due' | 'walk-in' | 'early';

function groupOf(e: QueueEntry, rules: OrderingRules, now: number): Group {
  if (e.priority > 0) return 'urgent';
  if (e.kind === 'walk-in') return 'walk-in';
  return callableAt(e, rules) <= now ? 'due' : 'early';
}

/** Ticket order within a group: place in line, then id (deterministic ties). */
function byPlace(a: QueueEntry, b: QueueEntry): number {
  return placeInLine(a) - placeInLine(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function byUrgency(a: QueueEntry, b: QueueEntry): number {
  return b.priority - a.priority || byPlace(a, b);
}

/** Whether the anti-starvation rule sends the oldest waiting walk-in `w` before any due appointment. */
function walkInOwed(w: QueueEntry, inRow: number, rules: OrderingRules, now: number): boolean {
  return (
    (rules.maxAppointmentsInRow > 0 && inRow >= rules.maxAppointmentsInRow) ||
    (rules.walkInMaxWaitMinutes > 0 && inRow > 0 && now - w.sortAt.getTime() >= rules.walkInMaxWaitMinutes * MINUTE)
  );
}

/** Between the first due appointment and the first walk-in (both present), which goes next. */
function dueOrWalkIn(d: QueueEntry, w: QueueEntry, inRow: number, rules: OrderingRules, now: number): QueueEntry {
  if (walkInOwed(w, inRow, rules, now)) return w;
  if (rules.appointmentsFirst) return d;
  return byPlace(d, w) <= 0 ? d : w;
}

/** The ticket the asking counter calls next, or null when nobody it may call waits. */
export function pickNext(entries: readonly QueueEntry[], ctx: OrderingContext): QueueEntry | null {
  const now = ctx.now.getTime();
  const best: Partial<Record<Group, QueueEntry>> = {};
  for (const e of entries) {
    if (!mayCall(e, ctx.counterId, ctx.serviceIds)) continue;
    const g = groupOf(e, ctx.rules, now);
    const current = best[g];
    if (!current || (g === 'urgent' ? byUrgency(e, current) : byPlace(e, current)) < 0) best[g] = e;
  }
  if (best.urgent) return best.urgent;
  if (best.due && best['walk-in']) return dueOrWalkIn(best.due, best['walk-in'], ctx.appointmentsInRow, ctx.rules, now);
  return best.due ?? best['walk-in'] ?? (ctx.rules.callEarlyArrivals ? (best.early ?? null) : null);
}

/**
 * The tickets the asking counter (or, with counterId null, the location) may call, in call order:
 * as if it called them one after another from `ctx` on (appointmentsInRow evolves, time stands
 * still). Early arrivals the rules do not call yet (callEarlyArrivals off) come last, by place in
 * line. Tickets the counter may not call are left out.
 */
export function orderQueue(entries: readonly QueueEntry[], ctx: OrderingContext): QueueEntry[] {
  const now = ctx.now.getTime();
  const groups: Record<Group, QueueEntry[]> = { urgent: [], due: [], 'walk-in': [], early: [] };
  for (const e of entries) if (mayCall(e, ctx.counterId, ctx.serviceIds)) groups[groupOf(e, ctx.rules, now)].push(e);
  groups.urgent.sort(byUrgency);
  groups.due.sort(byPlace);
  groups['walk-in'].sort(byPlace);
  groups.early.sort(byPlace);

  const out: QueueEntry[] = [];
  let inRow = ctx.appointmentsInRow;
  const take = (e: QueueEntry) => {
    out.push(e);
    inRow = e.kind === 'appointment' ? inRow + 1 : 0;
  };
  for (const e of groups.urgent) take(e);
  const { due, 'walk-in': walkIns } = groups;
  let d = 0;
  let w = 0;
  while (d < due.length && w < walkIns.length) {
    if (dueOrWalkIn(due[d]!, walkIns[w]!, inRow, ctx.rules, now) === due[d]) take(due[d++]!);
    else take(walkIns[w++]!);
  }
  while (d < due.length) take(due[d++]!);
  while (w < walkIns.length) take(walkIns[w++]!);
  return out.concat(groups.early);
}
