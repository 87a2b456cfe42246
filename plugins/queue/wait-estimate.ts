import { callableAt, mayCall, pickNext } from './ordering.js';
import type { OrderingRules, QueueEntry } from './queue.types.js';

// Estimated minutes until each waiting ticket is called: a small simulation of the counters open
// now, each taking its next ticket when its current visitor is expected to be done.

const MINUTE = 60_000;

export interface CounterLoad {
  counterId: string;
  /** Services the counter handles today; null: all. */
  serviceIds: string[] | null;
  /** When its current visitor is expected to be done (null: free now). */
  busyUntil: Date | null;
}

/** Mean minutes a ticket with these services takes at a counter (rolling, per service). */
export type ServiceMinutes = (serviceIds: string[]) => number;

/**
 * When a visit under way is expected to end (a CounterLoad's busyUntil): its mean duration after its
 * start; once it has run over, a quarter of the mean from now (long visits tend to go on a while:
 * in `npm run sim:queue` this lowered the error against taking the counter as free at once).
 */
export function expectedEnd(startedAt: Date, meanMinutes: number, now: Date): Date {
  return new Date(Math.max(startedAt.getTime() + meanMinutes * MINUTE, now.getTime() + (meanMinutes * MINUTE) / 4));
}

/** The location's ordering state, so the simulation can apply the rules as time passes. */
export interface EstimateOrdering {
  rules: OrderingRules;
  /** Appointments called in a row at the location since the last walk-in. */
  appointmentsInRow: number;
}

/**
 * Minutes until the call per ticket id; empty when no counter is open, and a ticket no open counter
 * may call gets no entry. Whenever a counter becomes free (in the simulation) it takes its next
 * ticket: with `ordering` given, the one pickNext chooses at that simulated instant (appointments
 * become due, walk-ins wait long enough for the anti-starvation rule); without it, the first ticket
 * of `order` it may call. An entry whose sortAt lies after `now` is an expected arrival (e.g. a
 * booked appointment not checked in yet): it joins the line then and takes its share of the counters.
 */
export function estimateWaits(
  order: readonly QueueEntry[],
  counters: readonly CounterLoad[],
  serviceMinutes: ServiceMinutes,
  now: Date,
  ordering?: EstimateOrdering,
): Map<string, number> {
  const result = new Map<string, number>();
  const start = now.getTime();
  const left = [...order];
  const freeAt = counters.map((c) => Math.max(start, c.busyUntil?.getTime() ?? 0));
  let inRow = ordering?.appointmentsInRow ?? 0;
  const lastArrival = order.reduce((max, e) => Math.max(max, e.sortAt.getTime()), start);

  while (left.length > 0) {
    let i = -1;
    for (let k = 0; k < counters.length; k++) if (freeAt[k]! < Infinity && (i < 0 || freeAt[k]! < freeAt[i]!)) i = k;
    if (i < 0) break;
    const counter = counters[i]!;
    const t = freeAt[i]!;
    const here = (e: QueueEntry) => e.sortAt.getTime() <= t;
    const next = ordering
      ? pickNext(t >= lastArrival ? left : left.filter(here), {
          now: new Date(t),
          rules: ordering.rules,
          appointmentsInRow: inRow,
          counterId: counter.counterId,
          serviceIds: counter.serviceIds,
        })
      : (left.find((e) => here(e) && mayCall(e, counter.counterId, counter.serviceIds)) ?? null);
    if (next) {
      result.set(next.id, Math.round((t - start) / MINUTE));
      left.splice(left.indexOf(next), 1);
      freeAt[i] = t + serviceMinutes(next.serviceIds) * MINUTE;
      inRow = next.kind === 'appointment' ? inRow + 1 : 0;
    } else {
      freeAt[i] = nextChange(left, counter, t, ordering?.rules);
    }
  }
  return result;
}

/** When a counter that found nothing to call at `t` may find something: an arrival, or an appointment falling due. */
function nextChange(left: readonly QueueEntry[], counter: CounterLoad, t: number, rules: OrderingRules | undefined): number {
  let at = Infinity;
  for (const e of left) {
    if (!mayCall(e, counter.counterId, counter.serviceIds)) continue;
    const arrives = e.sortAt.getTime();
    const callable = rules && !rules.callEarlyArrivals && e.priority <= 0 ? Math.max(arrives, callableAt(e, rules)) : arrives;
    if (callable > t) at = Math.min(at, callable);
  }
  return at;
}
