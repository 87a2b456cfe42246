// `npm run sim:queue`: a simulated town-hall day (or several) run through the queue's own ordering
// and waiting-time estimate, to measure how far the estimate shown at a ticket's issue is from the
// wait that followed. 8:00–16:00, four counters (one handles only two services), 120 appointments
// on a quarter-hour grid (90 % come 0–30 min early, the rest up to 15 min late), walk-ins as a
// Poisson stream (60 a day on average) until 15:30, lognormal service times per service, a tenth of
// the tickets with two services; the rules are the tenant defaults (Alzey-like). The estimate uses
// the rolling service means of the visits finished so far (history carries over from day to day).
// Three estimates per ticket, each from the same rolling means and counter loads: the live queue's
// order without the rules (counters take tickets in orderQueue's order at once), the live queue with
// the rules applied as simulated time passes, and that plus today's booked appointments that have not
// checked in yet, counted as expected arrivals (the headline figures). Reproducible: SEED (default 11), DAYS
// (default 5), COUNTERS (default 4). Last line: one JSON object.
import { orderQueue, pickNext } from '../plugins/queue/ordering.js';
import type { OrderingRules, QueueEntry } from '../plugins/queue/queue.types.js';
import { serviceMinutesFrom, type FinishedVisit } from '../plugins/queue/service-times.js';
import { estimateWaits, expectedEnd, type CounterLoad } from '../plugins/queue/wait-estimate.js';

const SEED = Number(process.env.SEED ?? 11);
const DAYS = Number(process.env.DAYS ?? 5);
const COUNTERS = Number(process.env.COUNTERS ?? 4);
const APPOINTMENTS = 120;
const WALK_INS_PER_DAY = 60;
const MINUTE = 60_000;
const STEP = 15_000; // the engine's clock ticks in the simulation

const RULES: OrderingRules = {
  appointmentsFirst: true,
  callableMinutesBeforeStart: 2,
  callEarlyArrivals: true,
  maxAppointmentsInRow: 5,
  walkInMaxWaitMinutes: 45,
};

/** Services: true mean minutes (lognormal, sigma 0.5), the catalog's configured duration, share of tickets. */
const SERVICES = [
  { id: 'pass', mean: 10, configured: 15, share: 0.35 },
  { id: 'melde', mean: 7, configured: 10, share: 0.35 },
  { id: 'kfz', mean: 13, configured: 20, share: 0.15 },
  { id: 'fuehrung', mean: 5, configured: 10, share: 0.15 },
];
const SIGMA = 0.5;

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = rng(SEED);
const uniform = (a: number, b: number) => a + (b - a) * random();
const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const lognormalMinutes = (mean: number) => Math.exp(Math.log(mean) - (SIGMA * SIGMA) / 2 + SIGMA * normal());
const onGrid = (ms: number) => Math.ceil(ms / STEP) * STEP;

function drawServices(): string[] {
  const pick = () => {
    let r = random();
    for (const s of SERVICES) if ((r -= s.share) < 0) return s.id;
    return SERVICES[0]!.id;
  };
  const first = pick();
  if (random() >= 0.1) return [first];
  const second = pick();
  return second === first ? [first] : [first, second];
}

interface SimTicket {
  entry: QueueEntry;
  issuedAt: number;
  orderOnly: number;
  live: number;
  withBookings: number;
  calledAt: number | null;
}

interface SimCounter {
  load: CounterLoad;
  busyUntil: number;
  current: { serviceIds: string[]; startedAt: number } | null;
}

const history: FinishedVisit[] = [];
const tickets: SimTicket[] = [];

function simulateDay(day: number): void {
  const open = Date.parse(`2026-12-${String(7 + day).padStart(2, '0')}T08:00:00+01:00`);
  const at = (minutes: number) => open + minutes * MINUTE;

  // Bookings on the quarter-hour grid, at most one per counter and slot.
  const perSlot = new Map<number, number>();
  const bookings: { entry: QueueEntry; arrives: number }[] = [];
  for (let i = 0; bookings.length < APPOINTMENTS; i++) {
    const slot = Math.floor(uniform(0, 32));
    if ((perSlot.get(slot) ?? 0) >= COUNTERS) continue;
    perSlot.set(slot, (perSlot.get(slot) ?? 0) + 1);
    const start = at(slot * 15);
    const arrives = onGrid(start + (random() < 0.9 ? -uniform(0, 30) : uniform(0, 15)) * MINUTE);
    const entry: QueueEntry = {
      id: `d${day}-T${String(i).padStart(3, '0')}`,
      kind: 'appointment',
      priority: 0,
      sortAt: new Date(arrives),
      appointmentStart: new Date(start),
      serviceIds: drawServices(),
      targetCounterId: null,
    };
    bookings.push({ entry, arrives });
  }
  const arrivals = bookings.map((b) => ({ entry: b.entry, at: b.arrives }));
  for (let t = at(0), i = 0; ; i++) {
    t += (-Math.log(1 - random()) * 450 * MINUTE) / WALK_INS_PER_DAY;
    if (t >= at(450)) break;
    const entry: QueueEntry = {
      id: `d${day}-W${String(i).padStart(3, '0')}`,
      kind: 'walk-in',
      priority: 0,
      sortAt: new Date(onGrid(t)),
      appointmentStart: null,
      serviceIds: drawServices(),
      targetCounterId: null,
    };
    arrivals.push({ entry, at: onGrid(t) });
  }
  arrivals.sort((a, b) => a.at - b.at || (a.entry.id < b.entry.id ? -1 : 1));

  const counters: SimCounter[] = Array.from({ length: COUNTERS }, (_, i) => ({
    load: { counterId: `c${i + 1}`, serviceIds: i === 3 ? ['pass', 'melde'] : null, busyUntil: null },
    busyUntil: at(0),
    current: null,
  }));
  const waiting: SimTicket[] = [];
  let inRow = 0;
  let next = 0;

  for (let t = at(0); next < arrivals.length || waiting.length > 0 || counters.some((c) => c.busyUntil > t); t += STEP) {
    for (const c of counters) {
      if (c.current && c.busyUntil <= t) {
        history.push({ serviceIds: c.current.serviceIds, startedAt: new Date(c.current.startedAt), finishedAt: new Date(c.busyUntil) });
        c.current = null;
      }
    }
    while (next < arrivals.length && arrivals[next]!.at <= t) {
      const { entry } = arrivals[next++]!;
      const estimate = estimateAt(t, waiting, entry, counters, bookings, inRow);
      const ticket: SimTicket = { entry, issuedAt: t, ...estimate, calledAt: null };
      waiting.push(ticket);
      tickets.push(ticket);
    }
    for (const c of counters) {
      if (c.busyUntil > t) continue;
      const ctx = { now: new Date(t), rules: RULES, appointmentsInRow: inRow, counterId: c.load.counterId, serviceIds: c.load.serviceIds };
      const picked = pickNext(
        waiting.map((w) => w.entry),
        ctx,
      );
      if (!picked) continue;
      const ticket = waiting.splice(
        waiting.findIndex((w) => w.entry === picked),
        1,
      )[0]!;
      ticket.calledAt = t;
      inRow = picked.kind === 'appointment' ? inRow + 1 : 0;
      const minutes = picked.serviceIds.reduce((sum, id) => sum + lognormalMinutes(SERVICES.find((s) => s.id === id)!.mean), 0);
      c.busyUntil = t + minutes * MINUTE;
      c.current = { serviceIds: picked.serviceIds, startedAt: t };
    }
  }
}

/** The estimates the engine could show for `entry` drawn at `t`. */
function estimateAt(
  t: number,
  waiting: readonly SimTicket[],
  entry: QueueEntry,
  counters: readonly SimCounter[],
  bookings: readonly { entry: QueueEntry; arrives: number }[],
  inRow: number,
): Omit<SimTicket, 'entry' | 'issuedAt' | 'calledAt'> {
  const minutes = serviceMinutesFrom(history, {
    now: new Date(t),
    configuredMinutes: (id) => SERVICES.find((s) => s.id === id)?.configured ?? null,
    defaultMinutes: 10,
  });
  const loads = counters.map((c) => ({
    ...c.load,
    busyUntil: c.current ? expectedEnd(new Date(c.current.startedAt), minutes(c.current.serviceIds), new Date(t)) : null,
  }));
  const ordering = { rules: RULES, appointmentsInRow: inRow };
  const now = new Date(t);
  const queue = [...waiting.map((w) => w.entry), entry];
  const order = orderQueue(queue, { now, rules: RULES, appointmentsInRow: inRow, counterId: null, serviceIds: null });
  const orderOnly = estimateWaits(order, loads, minutes, now).get(entry.id) ?? 0;
  const live = estimateWaits(order, loads, minutes, now, ordering).get(entry.id) ?? 0;
  // Booked appointments not here yet, expected when they fall due (most come earlier).
  const expected = bookings
    .filter((b) => b.arrives > t && b.entry !== entry)
    .map((b) => ({ ...b.entry, sortAt: new Date(Math.max(t, b.entry.appointmentStart!.getTime() - RULES.callableMinutesBeforeStart * MINUTE)) }))
    .filter((e) => e.sortAt.getTime() > t);
  const withBookings = estimateWaits([...order, ...expected], loads, minutes, now, ordering).get(entry.id) ?? 0;
  return { orderOnly, live, withBookings };
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);

for (let day = 0; day < DAYS; day++) simulateDay(day);

const called = tickets.filter((t) => t.calledAt !== null);
const waitOf = (t: SimTicket) => (t.calledAt! - t.issuedAt) / MINUTE;
const errors = (list: readonly SimTicket[], pick: (t: SimTicket) => number) => list.map((t) => Math.abs(pick(t) - waitOf(t)));
const appointments = called.filter((t) => t.entry.kind === 'appointment');
const walkIns = called.filter((t) => t.entry.kind === 'walk-in');
const figures = (label: string, pick: (t: SimTicket) => number) => {
  const all = errors(called, pick).sort((a, b) => a - b);
  console.log(
    `${label.padEnd(28)} MAE ${round(mean(all), 1)} min (appointments ${round(mean(errors(appointments, pick)), 1)}, walk-ins ${round(mean(errors(walkIns, pick)), 1)}), p90 ${round(quantile(all, 0.9), 1)} min, bias ${round(mean(called.map((t) => pick(t) - waitOf(t))), 1)} min`,
  );
  return { mae: mean(all), p90: quantile(all, 0.9), maeAppointments: mean(errors(appointments, pick)), maeWalkIns: mean(errors(walkIns, pick)) };
};

console.log(`sim:queue seed ${SEED}, ${DAYS} day(s), ${COUNTERS} counters, rules ${JSON.stringify(RULES)}`);
console.log(
  `tickets ${called.length} (appointments ${appointments.length}, walk-ins ${walkIns.length}); mean wait ${round(mean(called.map(waitOf)), 1)} min (appointments ${round(mean(appointments.map(waitOf)), 1)}, walk-ins ${round(mean(walkIns.map(waitOf)), 1)}), longest walk-in wait ${round(Math.max(0, ...walkIns.map(waitOf)), 1)} min`,
);
const orderOnly = figures('estimate, order only:', (t) => t.orderOnly);
const live = figures('estimate, rules:', (t) => t.live);
const booked = figures('estimate, rules + bookings:', (t) => t.withBookings);
console.log(
  JSON.stringify({
    tickets: called.length,
    maeMinutes: round(booked.mae),
    p90AbsErrorMinutes: round(booked.p90),
    meanWaitMinutes: round(mean(called.map(waitOf))),
    maeAppointmentsMinutes: round(booked.maeAppointments),
    maeWalkInsMinutes: round(booked.maeWalkIns),
    maeRulesOnlyMinutes: round(live.mae),
    maeOrderOnlyMinutes: round(orderOnly.mae),
    seed: SEED,
    days: DAYS,
    counters: COUNTERS,
  }),
);
