import type { OrderingContext, QueueEntry } from './queue.types.js';

// CONTRACT (the queue-math helper replaces this first version and adds ordering.reference.ts with
// property tests): pickNext decides who a counter calls; orderQueue gives the location's full order
// for positions and estimates.

const MINUTE = 60_000;

function eligible(e: QueueEntry, ctx: OrderingContext): boolean {
  if (e.targetCounterId && e.targetCounterId !== ctx.counterId && ctx.counterId !== null) return false;
  if (ctx.serviceIds && !e.serviceIds.every((s) => ctx.serviceIds!.includes(s))) return false;
  return true;
}

const bySortAt = (a: QueueEntry, b: QueueEntry) => a.sortAt.getTime() - b.sortAt.getTime() || a.id.localeCompare(b.id);
const byStart = (a: QueueEntry, b: QueueEntry) =>
  (a.appointmentStart?.getTime() ?? 0) - (b.appointmentStart?.getTime() ?? 0) || bySortAt(a, b);

/** The ticket the asking counter calls next, or null when nobody it may call waits. */
export function pickNext(entries: readonly QueueEntry[], ctx: OrderingContext): QueueEntry | null {
  const pool = entries.filter((e) => eligible(e, ctx));
  if (pool.length === 0) return null;
  const urgent = pool.filter((e) => e.priority > 0).sort((a, b) => b.priority - a.priority || bySortAt(a, b));
  if (urgent.length) return urgent[0]!;
  const { rules, now } = ctx;
  const walkIns = pool.filter((e) => e.kind === 'walk-in').sort(bySortAt);
  const appts = pool.filter((e) => e.kind === 'appointment');
  const dueAt = (e: QueueEntry) => (e.appointmentStart?.getTime() ?? 0) - rules.callableMinutesBeforeStart * MINUTE;
  const due = appts.filter((e) => dueAt(e) <= now.getTime()).sort(byStart);
  const early = appts.filter((e) => dueAt(e) > now.getTime()).sort(byStart);
  const oldestWalkIn = walkIns[0];
  if (oldestWalkIn && due.length) {
    const starving =
      (rules.maxAppointmentsInRow > 0 && ctx.appointmentsInRow >= rules.maxAppointmentsInRow) ||
      (rules.walkInMaxWaitMinutes > 0 && now.getTime() - oldestWalkIn.sortAt.getTime() >= rules.walkInMaxWaitMinutes * MINUTE);
    if (starving) return oldestWalkIn;
  }
  if (rules.appointmentsFirst) {
    if (due.length) return due[0]!;
    if (oldestWalkIn) return oldestWalkIn;
  } else {
    const first = [...due, ...walkIns].sort((a, b) => effective(a) - effective(b) || a.id.localeCompare(b.id))[0];
    if (first) return first;
  }
  return rules.callEarlyArrivals ? (early[0] ?? null) : null;
}

function effective(e: QueueEntry): number {
  return e.kind === 'appointment' ? (e.appointmentStart ?? e.sortAt).getTime() : e.sortAt.getTime();
}

/**
 * The location's whole waiting line in call order, as if one counter called them one after
 * another from `ctx` on (appointmentsInRow evolves; time does not advance). Entries the rules
 * would not call now (early arrivals with callEarlyArrivals off) come last, by start.
 */
export function orderQueue(entries: readonly QueueEntry[], ctx: OrderingContext): QueueEntry[] {
  const left = [...entries];
  const out: QueueEntry[] = [];
  let inRow = ctx.appointmentsInRow;
  for (;;) {
    const next = pickNext(left, { ...ctx, appointmentsInRow: inRow });
    if (!next) break;
    out.push(next);
    left.splice(left.indexOf(next), 1);
    inRow = next.kind === 'appointment' ? inRow + 1 : 0;
  }
  return out.concat(left.sort(byStart));
}
