import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { orderQueue, pickNext } from './ordering.js';
import { referenceOrderQueue, referencePickNext } from './ordering.reference.js';
import type { OrderingContext, OrderingRules, QueueEntry } from './queue.types.js';

const MINUTE = 60_000;
const NOW = Date.parse('2026-12-02T09:00:00Z');
const SERVICES = ['pass', 'melde', 'kfz'];
const COUNTERS = ['c1', 'c2'];
const RUNS = { numRuns: 500 };

// Random queues: times on a coarse minute grid around now (ties in place happen), few services and counters.
const entryArb = fc.record({
  kind: fc.constantFrom('appointment' as const, 'walk-in' as const),
  priority: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) }),
  sortAtMin: fc.integer({ min: -120, max: 0 }),
  startMin: fc.integer({ min: -60, max: 60 }),
  serviceIds: fc.subarray(SERVICES, { minLength: 1 }),
  targetCounterId: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...COUNTERS) }),
});

const queueArb = fc
  .array(entryArb, { maxLength: 30 })
  .chain((raw) => fc.shuffledSubarray([...Array(60).keys()], { minLength: raw.length, maxLength: raw.length }).map((ids) => ({ raw, ids })))
  .map(({ raw, ids }) =>
    raw.map((r, i): QueueEntry => ({
      id: `t${String(ids[i]).padStart(2, '0')}`,
      kind: r.kind,
      priority: r.priority,
      sortAt: new Date(NOW + r.sortAtMin * MINUTE),
      appointmentStart: r.kind === 'appointment' ? new Date(NOW + r.startMin * MINUTE) : null,
      serviceIds: r.serviceIds,
      targetCounterId: r.targetCounterId,
    })),
  );

const rulesArb: fc.Arbitrary<OrderingRules> = fc.record({
  appointmentsFirst: fc.boolean(),
  callableMinutesBeforeStart: fc.constantFrom(0, 2, 10, 30),
  callEarlyArrivals: fc.boolean(),
  maxAppointmentsInRow: fc.constantFrom(0, 1, 2, 3, 5),
  walkInMaxWaitMinutes: fc.constantFrom(0, 15, 45, 90),
});

const ctxArb: fc.Arbitrary<OrderingContext> = fc.record({
  now: fc.constant(new Date(NOW)),
  rules: rulesArb,
  appointmentsInRow: fc.integer({ min: 0, max: 6 }),
  counterId: fc.constantFrom(null, ...COUNTERS),
  serviceIds: fc.oneof(fc.constant(null), fc.subarray(SERVICES)),
});

const ids = (list: readonly QueueEntry[]) => list.map((e) => e.id);
const isDue = (e: QueueEntry, ctx: OrderingContext) =>
  e.kind === 'appointment' && e.appointmentStart!.getTime() - ctx.rules.callableMinutesBeforeStart * MINUTE <= ctx.now.getTime();
const allowed = (e: QueueEntry, ctx: OrderingContext) =>
  (e.targetCounterId === null || ctx.counterId === null || e.targetCounterId === ctx.counterId) &&
  (ctx.serviceIds === null || (e.targetCounterId !== null && e.targetCounterId === ctx.counterId) || e.serviceIds.every((s) => ctx.serviceIds!.includes(s)));

describe('queue ordering: production against the reference', () => {
  it('pickNext agrees with the reference', () => {
    fc.assert(
      fc.property(queueArb, ctxArb, (queue, ctx) => {
        expect(pickNext(queue, ctx)?.id ?? null).toBe(referencePickNext(queue, ctx)?.id ?? null);
      }),
      RUNS,
    );
  });

  it('orderQueue agrees with the reference', () => {
    fc.assert(
      fc.property(queueArb, ctxArb, (queue, ctx) => {
        expect(ids(orderQueue(queue, ctx))).toEqual(ids(referenceOrderQueue(queue, ctx)));
      }),
      RUNS,
    );
  });

  it('pickNext is the head of orderQueue, or null when only early arrivals the rules do not call are left', () => {
    fc.assert(
      fc.property(queueArb, ctxArb, (queue, ctx) => {
        const order = orderQueue(queue, ctx);
        const next = pickNext(queue, ctx);
        if (next) expect(next.id).toBe(order[0]!.id);
        else expect(order.every((e) => e.kind === 'appointment' && e.priority === 0 && !isDue(e, ctx) && !ctx.rules.callEarlyArrivals)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('queue ordering: the rules, stated on their own', () => {
  it('orders exactly the tickets the counter may call: transfer targets and services respected', () => {
    fc.assert(
      fc.property(queueArb, ctxArb, (queue, ctx) => {
        const order = orderQueue(queue, ctx);
        expect([...ids(order)].sort()).toEqual(ids(queue.filter((e) => allowed(e, ctx))).sort());
        const next = pickNext(queue, ctx);
        if (next) expect(allowed(next, ctx)).toBe(true);
      }),
      RUNS,
    );
  });

  it('calls urgent tickets first, higher priority first', () => {
    fc.assert(
      fc.property(queueArb, ctxArb, (queue, ctx) => {
        const priorities = orderQueue(queue, ctx).map((e) => e.priority);
        const urgent = priorities.filter((p) => p > 0);
        expect(priorities.slice(0, urgent.length)).toEqual(urgent);
        expect(urgent).toEqual([...urgent].sort((a, b) => b - a));
      }),
      RUNS,
    );
  });

  it('serves walk-ins first come, first served', () => {
    fc.assert(
      fc.property(queueArb, ctxArb, (queue, ctx) => {
        const walkIns = orderQueue(queue, ctx).filter((e) => e.kind === 'walk-in' && e.priority === 0);
        const fcfs = [...walkIns].sort((a, b) => a.sortAt.getTime() - b.sortAt.getTime() || (a.id < b.id ? -1 : 1));
        expect(ids(walkIns)).toEqual(ids(fcfs));
      }),
      RUNS,
    );
  });

  it('calls a due appointment before any walk-in when appointments go first and no anti-starvation rule is on', () => {
    fc.assert(
      fc.property(queueArb, ctxArb, (queue, base) => {
        const ctx = { ...base, rules: { ...base.rules, appointmentsFirst: true, maxAppointmentsInRow: 0, walkInMaxWaitMinutes: 0 } };
        const regular = orderQueue(queue, ctx).filter((e) => e.priority === 0);
        const lastDue = regular.map((e) => isDue(e, ctx)).lastIndexOf(true);
        const firstWalkIn = regular.findIndex((e) => e.kind === 'walk-in');
        if (lastDue >= 0 && firstWalkIn >= 0) expect(lastDue).toBeLessThan(firstWalkIn);
      }),
      RUNS,
    );
  });

  it('never calls an early arrival while a due appointment or a walk-in waits', () => {
    fc.assert(
      fc.property(queueArb, ctxArb, (queue, ctx) => {
        const regular = orderQueue(queue, ctx).filter((e) => e.priority === 0);
        const firstEarly = regular.findIndex((e) => e.kind === 'appointment' && !isDue(e, ctx));
        if (firstEarly >= 0) expect(regular.slice(firstEarly).every((e) => e.kind === 'appointment' && !isDue(e, ctx))).toBe(true);
        const next = pickNext(queue, ctx);
        if (next && next.priority === 0 && next.kind === 'appointment' && !isDue(next, ctx)) {
          expect(queue.some((e) => allowed(e, ctx) && (isDue(e, ctx) || e.kind === 'walk-in'))).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it('calls no more than maxAppointmentsInRow appointments in a row while a walk-in waits', () => {
    fc.assert(
      fc.property(queueArb, ctxArb, (queue, ctx) => {
        const max = ctx.rules.maxAppointmentsInRow;
        const order = orderQueue(queue, ctx);
        let inRow = ctx.appointmentsInRow;
        order.forEach((e, i) => {
          const walkInWaits = order.slice(i + 1).some((later) => later.kind === 'walk-in');
          if (max > 0 && e.priority === 0 && e.kind === 'appointment' && walkInWaits) expect(inRow).toBeLessThan(max);
          inRow = e.kind === 'appointment' ? inRow + 1 : 0;
        });
      }),
      RUNS,
    );
  });

  it('lets a regular appointment go ahead of a walk-in that has waited walkInMaxWaitMinutes only right after a walk-in', () => {
    fc.assert(
      fc.property(queueArb, ctxArb, (queue, ctx) => {
        const max = ctx.rules.walkInMaxWaitMinutes;
        const order = orderQueue(queue, ctx);
        const overdue = (e: QueueEntry) => e.kind === 'walk-in' && e.priority === 0 && NOW - e.sortAt.getTime() >= max * MINUTE;
        let inRow = ctx.appointmentsInRow;
        order.forEach((e, i) => {
          if (max > 0 && e.priority === 0 && isDue(e, ctx) && order.slice(i + 1).some(overdue)) expect(inRow).toBe(0);
          inRow = e.kind === 'appointment' ? inRow + 1 : 0;
        });
      }),
      RUNS,
    );
  });

  it('does not let walk-ins starve due appointments: with appointments first, never two walk-ins in a row while one waits', () => {
    fc.assert(
      fc.property(queueArb, ctxArb, (queue, base) => {
        const ctx = { ...base, rules: { ...base.rules, appointmentsFirst: true } };
        const order = orderQueue(queue, ctx);
        let inRow = ctx.appointmentsInRow;
        order.forEach((e, i) => {
          if (e.priority === 0 && e.kind === 'walk-in' && inRow === 0)
            expect(order.slice(i + 1).some((later) => later.priority === 0 && isDue(later, ctx))).toBe(false);
          inRow = e.kind === 'appointment' ? inRow + 1 : 0;
        });
      }),
      RUNS,
    );
  });

  it('is deterministic: the input order does not matter, ties go by id', () => {
    fc.assert(
      fc.property(
        queueArb.chain((q) => fc.tuple(fc.constant(q), fc.shuffledSubarray(q, { minLength: q.length, maxLength: q.length }))),
        ctxArb,
        ([queue, shuffled], ctx) => {
          expect(ids(orderQueue(shuffled, ctx))).toEqual(ids(orderQueue(queue, ctx)));
          expect(pickNext(shuffled, ctx)?.id).toBe(pickNext(queue, ctx)?.id);
        },
      ),
      RUNS,
    );
    const twin = (id: string): QueueEntry => ({
      id,
      kind: 'walk-in',
      priority: 0,
      sortAt: new Date(NOW - 5 * MINUTE),
      appointmentStart: null,
      serviceIds: ['pass'],
      targetCounterId: null,
    });
    const ctx: OrderingContext = { now: new Date(NOW), rules: wickede, appointmentsInRow: 0, counterId: null, serviceIds: null };
    expect(ids(orderQueue([twin('b'), twin('a'), twin('c')], ctx))).toEqual(['a', 'b', 'c']);
  });
});

// Example-based: the towns of the issue.
const wickede: OrderingRules = {
  appointmentsFirst: true,
  callableMinutesBeforeStart: 2,
  callEarlyArrivals: false,
  maxAppointmentsInRow: 0,
  walkInMaxWaitMinutes: 0,
};
const alzey: OrderingRules = {
  appointmentsFirst: true,
  callableMinutesBeforeStart: 2,
  callEarlyArrivals: true,
  maxAppointmentsInRow: 5,
  walkInMaxWaitMinutes: 45,
};
const at = (hhmm: string) => new Date(`2026-12-02T${hhmm}:00+01:00`);
const appointment = (id: string, start: string, checkIn: string, extra: Partial<QueueEntry> = {}): QueueEntry => ({
  id,
  kind: 'appointment',
  priority: 0,
  sortAt: at(checkIn),
  appointmentStart: at(start),
  serviceIds: ['pass'],
  targetCounterId: null,
  ...extra,
});
const walkIn = (id: string, drawn: string, extra: Partial<QueueEntry> = {}): QueueEntry => ({
  id,
  kind: 'walk-in',
  priority: 0,
  sortAt: at(drawn),
  appointmentStart: null,
  serviceIds: ['pass'],
  targetCounterId: null,
  ...extra,
});
const ask = (now: string, rules: OrderingRules, extra: Partial<OrderingContext> = {}): OrderingContext => ({
  now: at(now),
  rules,
  appointmentsInRow: 0,
  counterId: 'c1',
  serviceIds: null,
  ...extra,
});

describe('queue ordering: examples from the towns', () => {
  it('Wickede: the 10:00 appointment goes before the walk-in who came earlier, not before it is callable', () => {
    const queue = [walkIn('W001', '09:30'), appointment('T001', '10:00', '09:50')];
    expect(pickNext(queue, ask('09:55', wickede))?.id).toBe('W001');
    expect(pickNext(queue, ask('09:58', wickede))?.id).toBe('T001');
    expect(ids(orderQueue(queue, ask('09:58', wickede)))).toEqual(['T001', 'W001']);
  });

  it('Wickede: due appointments in the order of their start, a late holder by arrival', () => {
    const queue = [appointment('T002', '10:15', '09:40'), appointment('T001', '10:00', '10:12'), appointment('T003', '10:05', '09:55')];
    expect(ids(orderQueue(queue, ask('10:14', wickede)))).toEqual(['T003', 'T001', 'T002']);
  });

  it('Wickede: an early arrival waits for its time while nobody else is there (early arrivals off)', () => {
    const queue = [appointment('T001', '10:00', '09:30')];
    expect(pickNext(queue, ask('09:40', wickede))).toBeNull();
    expect(ids(orderQueue(queue, ask('09:40', wickede)))).toEqual(['T001']);
  });

  it('Alzey: an early arrival is called ahead when no due appointment and no walk-in waits', () => {
    const queue = [appointment('T002', '10:30', '09:35'), appointment('T001', '10:00', '09:38')];
    expect(pickNext(queue, ask('09:40', alzey))?.id).toBe('T001');
    expect(pickNext([...queue, walkIn('W001', '09:39')], ask('09:40', alzey))?.id).toBe('W001');
    expect(pickNext([...queue, appointment('T000', '09:40', '09:20')], ask('09:40', alzey))?.id).toBe('T000');
  });

  it('Alzey: after five appointments in a row the waiting walk-in goes next', () => {
    const queue = [walkIn('W001', '09:50'), appointment('T001', '10:00', '09:45'), appointment('T002', '10:00', '09:46')];
    expect(pickNext(queue, ask('10:00', alzey, { appointmentsInRow: 4 }))?.id).toBe('T001');
    expect(pickNext(queue, ask('10:00', alzey, { appointmentsInRow: 5 }))?.id).toBe('W001');
    expect(ids(orderQueue(queue, ask('10:00', alzey, { appointmentsInRow: 4 })))).toEqual(['T001', 'W001', 'T002']);
  });

  it('Alzey: a walk-in who has waited 45 minutes goes before due appointments, taking turns with them', () => {
    const queue = [walkIn('W001', '09:13'), walkIn('W002', '09:14'), appointment('T001', '10:00', '09:45'), appointment('T002', '10:00', '09:46')];
    // 09:58: W001 has waited 45 minutes, W002 only 44.
    expect(ids(orderQueue(queue, ask('09:58', alzey, { appointmentsInRow: 1 })))).toEqual(['W001', 'T001', 'T002', 'W002']);
    // 09:59: both have, and they take turns with the appointments.
    expect(ids(orderQueue(queue, ask('09:59', alzey, { appointmentsInRow: 1 })))).toEqual(['W001', 'T001', 'W002', 'T002']);
    // Right after a walk-in, a due appointment gets its turn first.
    expect(pickNext(queue, ask('09:59', alzey, { appointmentsInRow: 0 }))?.id).toBe('T001');
  });

  it('an urgent ticket goes first, whatever its kind and time', () => {
    const queue = [appointment('T001', '10:00', '09:50'), walkIn('W002', '09:58', { priority: 1 }), walkIn('W001', '09:30')];
    expect(ids(orderQueue(queue, ask('10:00', alzey)))).toEqual(['W002', 'T001', 'W001']);
  });

  it('without appointmentsFirst, appointments and walk-ins share one line by place', () => {
    const oneLine = { ...wickede, appointmentsFirst: false };
    const queue = [appointment('T001', '10:00', '09:30'), walkIn('W001', '09:55'), walkIn('W002', '10:01')];
    expect(ids(orderQueue(queue, ask('10:02', oneLine)))).toEqual(['W001', 'T001', 'W002']);
  });

  it('a ticket transferred to a counter is called there only; a counter calls only services it handles', () => {
    const queue = [walkIn('W001', '09:30', { targetCounterId: 'c2' }), walkIn('W002', '09:40', { serviceIds: ['kfz'] }), walkIn('W003', '09:50')];
    expect(ids(orderQueue(queue, ask('10:00', wickede, { counterId: 'c1', serviceIds: ['pass'] })))).toEqual(['W003']);
    expect(ids(orderQueue(queue, ask('10:00', wickede, { counterId: 'c2', serviceIds: ['pass', 'kfz'] })))).toEqual(['W001', 'W002', 'W003']);
    expect(ids(orderQueue(queue, ask('10:00', wickede, { counterId: null })))).toEqual(['W001', 'W002', 'W003']);
  });

  it('a ticket transferred to a counter is called there even for a service that counter did not choose', () => {
    const queue = [walkIn('W001', '09:30', { targetCounterId: 'c2', serviceIds: ['kfz'] }), walkIn('W002', '09:40', { serviceIds: ['kfz'] })];
    expect(ids(orderQueue(queue, ask('10:00', wickede, { counterId: 'c2', serviceIds: ['pass'] })))).toEqual(['W001']);
    expect(pickNext(queue, ask('10:00', wickede, { counterId: 'c2', serviceIds: ['pass'] }))?.id).toBe('W001');
    expect(pickNext(queue, ask('10:00', wickede, { counterId: 'c1', serviceIds: ['pass'] }))).toBeNull();
  });
});
