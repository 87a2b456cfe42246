import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { OrderingRules, QueueEntry } from './queue.types.js';
import { orderQueue } from './ordering.js';
import { estimateWaits, expectedEnd, type CounterLoad } from './wait-estimate.js';

const MINUTE = 60_000;
const NOW = new Date('2026-12-02T09:00:00Z');
const inMinutes = (m: number) => new Date(NOW.getTime() + m * MINUTE);
const tenMinutes = () => 10;

const ticket = (id: string, extra: Partial<QueueEntry> = {}): QueueEntry => ({
  id,
  kind: 'walk-in',
  priority: 0,
  sortAt: inMinutes(-30),
  appointmentStart: null,
  serviceIds: ['pass'],
  targetCounterId: null,
  ...extra,
});
const counter = (counterId: string, extra: Partial<CounterLoad> = {}): CounterLoad => ({ counterId, serviceIds: null, busyUntil: null, ...extra });
const rules: OrderingRules = {
  appointmentsFirst: true,
  callableMinutesBeforeStart: 2,
  callEarlyArrivals: false,
  maxAppointmentsInRow: 0,
  walkInMaxWaitMinutes: 0,
};
const asObject = (m: Map<string, number>) => Object.fromEntries(m);

describe('waiting-time estimate', () => {
  it('is empty when no counter is open', () => {
    expect(estimateWaits([ticket('a')], [], tenMinutes, NOW).size).toBe(0);
  });

  it('queues tickets behind one counter, after its current visitor', () => {
    const order = [ticket('a'), ticket('b'), ticket('c')];
    expect(asObject(estimateWaits(order, [counter('c1')], tenMinutes, NOW))).toEqual({ a: 0, b: 10, c: 20 });
    expect(asObject(estimateWaits(order, [counter('c1', { busyUntil: inMinutes(4) })], tenMinutes, NOW))).toEqual({ a: 4, b: 14, c: 24 });
    // A visitor expected to be done already leaves the counter free now.
    expect(asObject(estimateWaits(order, [counter('c1', { busyUntil: inMinutes(-4) })], tenMinutes, NOW))).toEqual({ a: 0, b: 10, c: 20 });
  });

  it('shares the line among counters, each taking the next ticket when free', () => {
    const order = [ticket('a'), ticket('b'), ticket('c'), ticket('d')];
    const minutes = (ids: string[]) => (ids.includes('kfz') ? 20 : 10);
    expect(asObject(estimateWaits(order, [counter('c1'), counter('c2', { busyUntil: inMinutes(5) })], tenMinutes, NOW))).toEqual({ a: 0, b: 5, c: 10, d: 15 });
    expect(asObject(estimateWaits([ticket('a', { serviceIds: ['kfz'] }), ticket('b'), ticket('c')], [counter('c1'), counter('c2')], minutes, NOW))).toEqual({
      a: 0,
      b: 0,
      c: 10,
    });
  });

  it('never lets a counter take a ticket whose services it does not handle, nor another counter’s transfer', () => {
    const order = [ticket('a', { serviceIds: ['kfz'] }), ticket('b', { serviceIds: ['kfz'] }), ticket('c', { targetCounterId: 'c1' }), ticket('d')];
    const counters = [counter('c1', { serviceIds: ['pass'] }), counter('c2', { serviceIds: ['kfz', 'pass'] })];
    expect(asObject(estimateWaits(order, counters, tenMinutes, NOW))).toEqual({ a: 0, b: 10, c: 0, d: 10 });
    // Nobody open handles it: no estimate rather than a wrong one.
    expect(estimateWaits([ticket('x', { serviceIds: ['melde'] })], counters, tenMinutes, NOW).has('x')).toBe(false);
  });

  it('with the rules, an appointment not yet callable waits for its time, and the free counter serves a walk-in meanwhile', () => {
    const early = ticket('T1', { kind: 'appointment', appointmentStart: inMinutes(30), sortAt: inMinutes(-5) });
    const waits = estimateWaits([ticket('W1'), early], [counter('c1')], tenMinutes, NOW, { rules, appointmentsInRow: 0 });
    expect(asObject(waits)).toEqual({ W1: 0, T1: 28 });
    expect(asObject(estimateWaits([early], [counter('c1')], tenMinutes, NOW, { rules: { ...rules, callEarlyArrivals: true }, appointmentsInRow: 0 }))).toEqual({
      T1: 0,
    });
  });

  it('with the rules, an appointment falling due goes before the walk-ins still waiting then', () => {
    const soon = ticket('T1', { kind: 'appointment', appointmentStart: inMinutes(12), sortAt: inMinutes(-5) });
    const waits = estimateWaits([ticket('W1'), ticket('W2'), ticket('W3'), soon], [counter('c1')], tenMinutes, NOW, { rules, appointmentsInRow: 0 });
    expect(asObject(waits)).toEqual({ W1: 0, T1: 10, W2: 20, W3: 30 });
  });

  it('counts an expected arrival (sortAt after now) from when it comes, and lets it take its share', () => {
    const booked = ticket('T1', { kind: 'appointment', appointmentStart: inMinutes(15), sortAt: inMinutes(13) });
    const waits = estimateWaits([ticket('W1'), ticket('W2'), ticket('W3'), booked], [counter('c1')], tenMinutes, NOW, { rules, appointmentsInRow: 0 });
    expect(asObject(waits)).toEqual({ W1: 0, W2: 10, T1: 20, W3: 30 });
    expect(estimateWaits([booked], [counter('c1')], tenMinutes, NOW).get('T1')).toBe(13);
  });

  it('gives one counter’s waits in call order without the rules, never decreasing, one service time apart', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 40 }), fc.integer({ min: 0, max: 20 }), (minutes, busy) => {
        const order = minutes.map((m, i) => ticket(`t${i}`, { serviceIds: [String(m)] }));
        const waits = estimateWaits(order, [counter('c1', { busyUntil: inMinutes(busy) })], (ids) => Number(ids[0]), NOW);
        let expected = busy;
        order.forEach((t, i) => {
          expect(waits.get(t.id)).toBe(expected);
          expected += minutes[i]!;
        });
      }),
    );
  });

  it('with the rules and nothing changing over time, one counter calls in the order orderQueue gives', () => {
    const entryArb = fc.record({
      kind: fc.constantFrom('appointment' as const, 'walk-in' as const),
      priority: fc.constantFrom(0, 0, 0, 1),
      sortAtMin: fc.integer({ min: -60, max: 0 }),
      startMin: fc.integer({ min: -60, max: 0 }),
      minutes: fc.integer({ min: 1, max: 20 }),
    });
    fc.assert(
      fc.property(
        fc.array(entryArb, { maxLength: 25 }),
        fc.boolean(),
        fc.constantFrom(0, 1, 3),
        fc.integer({ min: 0, max: 4 }),
        (raw, appointmentsFirst, maxAppointmentsInRow, appointmentsInRow) => {
          const queue = raw.map((r, i) =>
            ticket(`t${String(i).padStart(2, '0')}`, {
              kind: r.kind,
              priority: r.priority,
              sortAt: inMinutes(r.sortAtMin),
              appointmentStart: r.kind === 'appointment' ? inMinutes(r.startMin) : null,
              serviceIds: [String(r.minutes)],
            }),
          );
          // Every appointment is due already and no walk-in waiting time counts: the order cannot change as time passes.
          const timeless = { ...rules, appointmentsFirst, maxAppointmentsInRow, walkInMaxWaitMinutes: 0 };
          const order = orderQueue(queue, { now: NOW, rules: timeless, appointmentsInRow, counterId: 'c1', serviceIds: null });
          const waits = estimateWaits(queue, [counter('c1')], (ids) => Number(ids[0]), NOW, { rules: timeless, appointmentsInRow });
          let expected = 0;
          for (const e of order) {
            expect(waits.get(e.id)).toBe(expected);
            expected += Number(e.serviceIds[0]);
          }
        },
      ),
    );
  });

  it('expects a visit under way to end after its mean, or a quarter of the mean from now once it has run over', () => {
    expect(expectedEnd(inMinutes(-4), 10, NOW)).toEqual(inMinutes(6));
    expect(expectedEnd(inMinutes(-14), 10, NOW)).toEqual(inMinutes(2.5));
  });
});
