import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Booking } from '../plugins/booking/entities/booking.entity.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { insertBooking } from './staff-calendar-helpers.js';
import { type Agent, clerk, openAt, QUEUE_API, queueEvents, queueIds, type QueueIds, supervisor, walkIn } from './queue-helpers.js';

const at = (iso: string) => new Date(iso);

describe('appointment check-in and its attendance', () => {
  let t: TestApp;
  let ids: QueueIds;
  let anna: Agent;
  let lea: Agent;
  const attendance = async (id: string) => (await t.dataSource.getRepository(Booking).findOneByOrFail({ id })).attendance;
  const checkIn = (agent: Agent, body: object) => agent.post(`${QUEUE_API}/tickets/check-in`).send(body);

  beforeAll(async () => {
    t = await createTestApp();
    // Tuesday 24 November 2026, 08:50 in Musterstadt.
    t.clock.set('2026-11-24T07:50:00Z');
    ids = await queueIds(t);
    anna = await clerk(t, 'anna@musterstadt.example', [ids.rathaus]);
    lea = await supervisor(t, 'lea@musterstadt.example');
    await openAt(anna, ids.rathaus, ids.rathausCounters[0]!);
  });
  afterAll(async () => t.close());

  it('checks in by reference once, ahead of walk-ins when due; finishing marks the booking served', async () => {
    const booking = await insertBooking(t, ids, { startAt: at('2026-11-24T08:00:00Z'), minutes: 30, reference: 'ABCD-EFGH' });
    const walker = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    t.clock.advance(1000);
    const ticket = (await checkIn(anna, { reference: 'abcd efgh' }).expect(200)).body;
    expect(ticket).toMatchObject({ kind: 'appointment', number: 'T001', bookingId: booking.id, appointmentStart: '2026-11-24T08:00:00.000Z' });
    expect(await attendance(booking.id)).toBe('checked-in');
    expect((await checkIn(anna, { bookingId: booking.id }).expect(200)).body.id).toBe(ticket.id);
    const board = (await anna.get(`${QUEUE_API}/board`).expect(200)).body;
    expect(board.appointments).toEqual([expect.objectContaining({ bookingId: booking.id, arrival: 'arrived', ticketId: ticket.id, localStart: '09:00' })]);
    // Due two minutes before its start (the default), the appointment goes before the earlier walk-in.
    t.clock.set('2026-11-24T07:58:30Z');
    expect((await anna.post(`${QUEUE_API}/tickets/call-next`).send({}).expect(200)).body.ticket.id).toBe(ticket.id);
    await anna.post(`${QUEUE_API}/tickets/${ticket.id}/start`).send({}).expect(200);
    t.clock.set('2026-11-24T08:10:00Z');
    await anna.post(`${QUEUE_API}/tickets/${ticket.id}/finish`).send({}).expect(200);
    expect(await attendance(booking.id)).toBe('served');
    expect((await anna.post(`${QUEUE_API}/tickets/call-next`).send({}).expect(200)).body.ticket.id).toBe(walker.id);
    await anna.post(`${QUEUE_API}/tickets/${walker.id}/finish`).send({}).expect(200);
    const issued = (await queueEvents(t, 'queue.ticket-issued')).map((e) => e.payload as { bookingId: string | null; minutesBeforeStart: number | null });
    expect(issued).toContainEqual(expect.objectContaining({ bookingId: booking.id, minutesBeforeStart: 10 }));
  });

  it('refuses another day, a cancelled appointment and another location; a clerk does not see other locations’ bookings', async () => {
    const tomorrow = await insertBooking(t, ids, { startAt: at('2026-11-25T08:00:00Z') });
    const cancelled = await insertBooking(t, ids, { startAt: at('2026-11-24T10:00:00Z'), status: 'cancelled' });
    const nord = await insertBooking(t, ids, { startAt: at('2026-11-24T10:00:00Z'), locationId: ids.nord });
    expect((await checkIn(anna, { bookingId: tomorrow.id }).expect(409)).body).toMatchObject({
      code: 'QUEUE_CHECK_IN_WRONG_DAY',
      message: expect.stringContaining('nicht heute'),
    });
    expect((await checkIn(anna, { bookingId: cancelled.id }).expect(409)).body.code).toBe('QUEUE_CHECK_IN_CANCELLED');
    expect((await checkIn(lea, { bookingId: nord.id, locationId: ids.rathaus }).expect(409)).body.code).toBe('QUEUE_CHECK_IN_WRONG_LOCATION');
    await checkIn(anna, { bookingId: nord.id }).expect(404);
    await checkIn(anna, { reference: 'ZZZZ-ZZZZ' }).expect(404);
    await checkIn(anna, { bookingId: nord.id, reference: 'ZZZZ-ZZZZ' }).expect(400);
    expect([await attendance(tomorrow.id), await attendance(cancelled.id), await attendance(nord.id)]).toEqual([null, null, null]);
  });

  it('a called appointment that does not come is a no-show in booking too; restoring checks it in again', async () => {
    const booking = await insertBooking(t, ids, { startAt: at('2026-11-24T09:00:00Z'), reference: 'NOSH-OW12' });
    t.clock.set('2026-11-24T08:59:00Z');
    const ticket = (await checkIn(anna, { reference: 'NOSH-OW12' }).expect(200)).body;
    await anna.post(`${QUEUE_API}/tickets/call-next`).send({}).expect(200);
    await anna.post(`${QUEUE_API}/tickets/${ticket.id}/no-show`).send({}).expect(200);
    expect(await attendance(booking.id)).toBe('no-show');
    await anna.post(`${QUEUE_API}/tickets/${ticket.id}/restore`).send({}).expect(200);
    expect(await attendance(booking.id)).toBe('checked-in');
  });
});
