import type { QueueEntry } from './queue.types.js';

// CONTRACT (the queue-math helper replaces this first version): estimated minutes until each
// waiting ticket is called, from the location's order, the counters open now and mean service times.

export interface CounterLoad {
  counterId: string;
  /** Services the counter handles today; null: all. */
  serviceIds: string[] | null;
  /** When its current visitor is expected to be done (null: free now). */
  busyUntil: Date | null;
}

/** Mean minutes a ticket with these services takes at a counter (rolling, per service). */
export type ServiceMinutes = (serviceIds: string[]) => number;

/** Minutes until the call per ticket id, for tickets in call order; empty when no counter is open. */
export function estimateWaits(
  order: readonly QueueEntry[],
  counters: readonly CounterLoad[],
  serviceMinutes: ServiceMinutes,
  now: Date,
): Map<string, number> {
  const result = new Map<string, number>();
  if (counters.length === 0) return result;
  const free = counters.map((c) => Math.max(now.getTime(), c.busyUntil?.getTime() ?? 0));
  for (const entry of order) {
    let best = 0;
    for (let i = 1; i < free.length; i++) if (free[i]! < free[best]!) best = i;
    result.set(entry.id, Math.round((free[best]! - now.getTime()) / 60_000));
    free[best] = free[best]! + serviceMinutes(entry.serviceIds) * 60_000;
  }
  return result;
}
