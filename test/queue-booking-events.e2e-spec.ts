import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DomainEvent } from '../apps/server/src/events/domain-event.entity.js';
import type { PublishedEvent } from '../apps/server/src/events/event.types.js';
import { EventDeliveryService } from '../apps/server/src/events/event-delivery.service.js';
import { Booking } from '../plugins/booking/entities/booking.entity.js';
import { BookingEventsSubscriber } from '../plugins/queue/booking-events.subscriber.js';
import { QueueTicket } from '../plugins/queue/entities/ticket.entity.js';
import { QueueService } from '../plugins/queue/queue.service.js';
import { release, SLUG } from './booking-helpers.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { type Agent, openAt, QUEUE_API, queueEvents, queueIds, type QueueIds } from './queue-helpers.js';
import { loginStaff, staffAccounts } from './staff-calendar-helpers.js';

const BACKOFFICE = `/api/v1/tenants/${SLUG}/backoffice/bookings`;

describe('a cancelled or moved appointment leaves no ticket and no check-in behind', () => {
  let t: TestApp;
  let ids: QueueIds;
  let lead: Agent;
  let clerk: Agent;
  let cancelling: string;
  let moving: string;

  const deliver = () => t.asTenant(SLUG, () => t.app.get(EventDeliveryService).deliverDue());
  const booking = (id: string) => t.dataSource.getRepository(Booking).findOneByOrFail({ id });
  const ticket = (id: string) => t.dataSource.getRepository(QueueTicket).findOneByOrFail({ id });
  const version = () => t.asTenant(SLUG, () => t.app.get(QueueService).locationVersion(ids.rathaus));
  const board = async () => (await lead.get(`${QUEUE_API}/board?locationId=${ids.rathaus}`).expect(200)).body;
  const display = () => t.asTenant(SLUG, () => t.app.get(QueueService).displayState(ids.rathaus));
  const checkIn = (bookingId: string) => clerk.post(`${QUEUE_API}/tickets/check-in`).send({ bookingId });

  async function book(start: string): Promise<string> {
    const res = await lead
      .post(BACKOFFICE)
      .send({
        services: [{ serviceId: ids.ausweis, quantity: 1 }],
        locationId: ids.rathaus,
        start,
        citizen: { name: 'Paula Plan', email: 'paula@example.org' },
        consent: true,
      })
      .expect(201);
    const [row] = await t.dataSource.query('SELECT id FROM booking WHERE reference = ?', [res.body.reference]);
    return row.id as string;
  }

  /** The stored event handed to the subscriber once more, as an at-least-once delivery may do. */
  async function redeliver(type: 'booking.cancelled' | 'booking.rebooked', bookingId: string): Promise<void> {
    const stored = (await t.dataSource.getRepository(DomainEvent).find({ where: { type } })).filter(
      (e) => (e.payload as { bookingId: string }).bookingId === bookingId,
    );
    expect(stored).toHaveLength(1);
    const [e] = stored;
    const event = { id: e!.id, type, tenantId: e!.tenantId, occurredAt: e!.occurredAt, payload: e!.payload } as PublishedEvent<typeof type>;
    await t.asTenant(SLUG, () => t.app.get(BookingEventsSubscriber).handle(event));
  }

  beforeAll(async () => {
    t = await createTestApp();
    await release(t);
    ids = await queueIds(t);
    await staffAccounts(t, ids);
    lead = await loginStaff(t, 'leitung@musterstadt.example');
    clerk = await loginStaff(t, 'rathaus@musterstadt.example');
    // Booked the day before for Tuesday 24 November 2026; from 08:00 on the day, early arrivals check in.
    cancelling = await book('2026-11-24T09:15:00+01:00');
    moving = await book('2026-11-24T09:00:00+01:00');
    t.clock.set('2026-11-24T07:00:00Z');
    await openAt(clerk, ids.rathaus, ids.rathausCounters[0]!);
  });
  afterAll(async () => t.close());

  it('a cancel after the check-in closes the waiting ticket: off the board and the display, and no check-in again', async () => {
    const id = cancelling;
    const placed = (await checkIn(id).expect(200)).body;
    await deliver();
    expect((await display()).waitingCount).toBe(1);
    const before = await version();

    await lead.post(`${BACKOFFICE}/${id}/cancel`).expect(200);
    await deliver();
    expect(await ticket(placed.id)).toMatchObject({ status: 'cancelled', closedReason: 'booking-cancelled', bookingKey: null });
    expect(await version()).toBeGreaterThan(before);
    expect((await board()).waiting.map((w: { id: string }) => w.id)).not.toContain(placed.id);
    expect((await display()).waitingCount).toBe(0);
    const moved = (await queueEvents(t, 'queue.ticket-moved')).map((e) => e.payload);
    expect(moved).toEqual([expect.objectContaining({ ticketId: placed.id, bookingId: id, from: 'waiting', to: 'cancelled' })]);
    // The kiosk or the counter now refuses: the page can no longer flash "Eingecheckt" with the old ticket.
    expect((await checkIn(id).expect(409)).body.code).toBe('QUEUE_CHECK_IN_CANCELLED');

    const after = await version();
    await redeliver('booking.cancelled', id);
    expect(await version()).toBe(after);
    expect(await queueEvents(t, 'queue.ticket-moved')).toHaveLength(1);
  });

  it('a move to another day resets the check-in, closes today’s ticket and lets the visitor check in on the new day', async () => {
    const id = moving;
    t.clock.set('2026-11-24T07:05:00Z');
    const placed = (await checkIn(id).expect(200)).body;
    expect(await booking(id)).toMatchObject({ attendance: 'checked-in' });

    // Staff may still move a checked-in appointment that has not begun.
    const { revision } = await booking(id);
    // Thursday 26 November (the Rathaus is closed on Wednesdays).
    const to = '2026-11-26T10:00:00+01:00';
    await lead.post(`${BACKOFFICE}/${id}/move`).send({ locationId: ids.rathaus, start: to, revision }).expect(200);
    expect(await booking(id)).toMatchObject({ attendance: null, checkedInAt: null });
    await deliver();
    expect(await ticket(placed.id)).toMatchObject({ status: 'cancelled', closedReason: 'booking-moved', bookingKey: null });
    expect((await board()).waiting.map((w: { id: string }) => w.id)).not.toContain(placed.id);
    expect((await display()).waitingCount).toBe(0);

    // Thursday: the appointment is expected, not arrived; a check-in draws a new ticket.
    t.clock.set('2026-11-26T07:00:00Z');
    expect((await board()).appointments).toContainEqual(expect.objectContaining({ bookingId: id, arrival: 'not-yet', ticketId: null }));
    const again = (await checkIn(id).expect(200)).body;
    expect(again).toMatchObject({ status: 'waiting', bookingId: id, appointmentStart: new Date(to).toISOString() });
    expect(again.id).not.toBe(placed.id);
    expect(await booking(id)).toMatchObject({ attendance: 'checked-in' });

    // The move's event once more: the new ticket stays, nothing is published, the version stays.
    const events = (await queueEvents(t, 'queue.ticket-moved')).length;
    const before = await version();
    await redeliver('booking.rebooked', id);
    expect(await ticket(again.id)).toMatchObject({ status: 'waiting', bookingKey: id });
    expect(await queueEvents(t, 'queue.ticket-moved')).toHaveLength(events);
    expect(await version()).toBe(before);
  });
});
