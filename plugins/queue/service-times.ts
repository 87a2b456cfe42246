import type { ServiceMinutes } from './wait-estimate.js';

// Rolling mean service times per service from recent finished visits, for the waiting-time estimate.
// Pure: the engine reads the rows, this turns them into a ServiceMinutes function.

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** One finished visit: the services delivered, from the start of service to its end. */
export interface FinishedVisit {
  serviceIds: string[];
  startedAt: Date;
  finishedAt: Date;
}

export interface ServiceTimeOptions {
  now: Date;
  /** The service's configured duration in minutes (the catalog's), or null when unknown. */
  configuredMinutes: (serviceId: string) => number | null;
  /** Used for a service with neither history nor configuration, and for a ticket without services. */
  defaultMinutes: number;
  /** The newest visits per service that count (default 20). */
  samplesPerService?: number;
  /** Visits older than this do not count (default 14 days). */
  windowDays?: number;
}

/**
 * Minutes per ticket: the sum of its services' means. A service's mean comes from its newest visits
 * within the window (a visit with several services counts for each with an equal share of its
 * duration); without history, the configured duration; without that, the default.
 */
export function serviceMinutesFrom(visits: readonly FinishedVisit[], options: ServiceTimeOptions): ServiceMinutes {
  const { now, configuredMinutes, defaultMinutes, samplesPerService = 20, windowDays = 14 } = options;
  const since = now.getTime() - windowDays * DAY;
  const samples = new Map<string, number[]>();
  const newestFirst = visits
    .filter((v) => v.finishedAt.getTime() >= since && v.finishedAt.getTime() <= now.getTime() && v.finishedAt > v.startedAt && v.serviceIds.length > 0)
    .sort((a, b) => b.finishedAt.getTime() - a.finishedAt.getTime());
  for (const visit of newestFirst) {
    const share = (visit.finishedAt.getTime() - visit.startedAt.getTime()) / MINUTE / visit.serviceIds.length;
    for (const serviceId of visit.serviceIds) {
      const list = samples.get(serviceId) ?? [];
      if (list.length < samplesPerService) list.push(share);
      samples.set(serviceId, list);
    }
  }
  const means = new Map<string, number>();
  const perService = (serviceId: string): number => {
    let mean = means.get(serviceId);
    if (mean === undefined) {
      const list = samples.get(serviceId);
      mean = list ? list.reduce((sum, m) => sum + m, 0) / list.length : (configuredMinutes(serviceId) ?? defaultMinutes);
      means.set(serviceId, mean);
    }
    return mean;
  };
  return (serviceIds) => (serviceIds.length === 0 ? defaultMinutes : serviceIds.reduce((sum, id) => sum + perService(id), 0));
}
