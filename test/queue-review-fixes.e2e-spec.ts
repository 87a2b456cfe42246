import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { TaskRunnerService } from '../apps/server/src/tasks/task-runner.service.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { BookingAttendanceService } from '../plugins/booking/booking-attendance.service.js';
import { Booking } from '../plugins/booking/entities/booking.entity.js';
import { QueueLocationConfig } from '../plugins/queue/entities/location-config.entity.js';
import { QueueTicket } from '../plugins/queue/entities/ticket.entity.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { insertBooking } from './staff-calendar-helpers.js';
import { type Agent, clearQueue, clerk, openAt, QUEUE_API, queueEvents, queueIds, type QueueIds, supervisor, walkIn } from './queue-helpers.js';

const SLUG = 'musterstadt';

/** The review's findings on the queue engine (issue 11), each as the behaviour it asks for. */
describe('queue: review fixes', () => {
  let t: TestApp;
  let ids: QueueIds;
  let anna: Agent; // clerk, Rathaus, Platz 1
  let ben: Agent; // clerk, Rathaus, Platz 2
  let clara: Agent; // clerk, Rathaus, no workplace
  let lea: Agent; // supervisor

  const post = (agent: Agent, path: string, body: object = {}) => agent.post(`${QUEUE_API}/${path}`).send(body);
  const callNext = async (agent: Agent) => (await post(agent, 'tickets/call-next').expect(200)).body.ticket;
  const tickets = () => t.dataSource.getRepository(QueueTicket).count();
  const ticketRow = (id: string) => t.dataSource.getRepository(QueueTicket).findOneByOrFail({ id });
  const attendance = async (id: string) => (await t.dataSource.getRepository(Booking).findOneByOrFail({ id })).attendance;
  const run = (id: string) => t.app.get(TaskRunnerService).runDue(t.clock.now(), (task) => task === id);

  beforeAll(async () => {
    t = await createTestApp();
    t.clock.set('2026-11-24T08:00:00Z'); // Tuesday, 09:00 in Musterstadt
    ids = await queueIds(t);
    anna = await clerk(t, 'anna@musterstadt.example', [ids.rathaus]);
    ben = await clerk(t, 'ben@musterstadt.example', [ids.rathaus]);
    clara = await clerk(t, 'clara@musterstadt.example', [ids.rathaus]);
    lea = await supervisor(t, 'lea@musterstadt.example');
    await openAt(anna, ids.rathaus, ids.rathausCounters[0]!);
    await openAt(ben, ids.rathaus, ids.rathausCounters[1]!);
  });
  afterAll(async () => t.close());
  beforeEach(async () => {
    await clearQueue(t);
    t.clock.advance(1000);
  });

  it('1: a clerk may not issue an urgent walk-in (403, nothing written); a supervisor may', async () => {
    const before = await tickets();
    const refused = await post(anna, 'tickets/walk-in', { locationId: ids.rathaus, serviceIds: [ids.ausweis], priority: 1 }).expect(403);
    expect(refused.body.message).toContain('Teamleitung');
    expect(await tickets()).toBe(before);
    expect((await walkIn(lea, ids.rathaus, [ids.ausweis], 1)).priority).toBe(1);
  });

  it('5: a ticket transferred to a counter is called there even if that counter did not choose its service', async () => {
    await openAt(ben, ids.rathaus, ids.rathausCounters[1]!, [ids.ausweis]);
    try {
      const ticket = await walkIn(anna, ids.rathaus, [ids.pass]);
      await callNext(anna);
      const moved = (await post(anna, `tickets/${ticket.id}/transfer`, { counterId: ids.rathausCounters[1], position: 'keep' }).expect(200)).body;
      expect((await callNext(ben)).id).toBe(moved.id);
    } finally {
      await clearQueue(t);
      await openAt(ben, ids.rathaus, ids.rathausCounters[1]!);
    }
  });

  it('6: a clerk may not forward into a location outside their scope; nothing is written', async () => {
    const ticket = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    await callNext(anna);
    const before = await tickets();
    await post(anna, `tickets/${ticket.id}/transfer`, { locationId: ids.nord, position: 'end' }).expect(403);
    expect(await tickets()).toBe(before);
    expect((await ticketRow(ticket.id)).status).toBe('called');
  });

  it('9: a parked visitor brought back returns to the counter that parked them', async () => {
    const ticket = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    await callNext(anna);
    await post(anna, `tickets/${ticket.id}/park`).expect(200);
    const back = (await post(anna, `tickets/${ticket.id}/restore`).expect(200)).body;
    expect(back.status).toBe('waiting');
    expect((await ticketRow(ticket.id)).targetCounterId).toBe(ids.rathausCounters[0]);
    expect(await callNext(ben)).toBeNull();
    expect((await callNext(anna)).id).toBe(ticket.id);
  });

  it('12: finishing with no delivered service is refused; a service not offered here too', async () => {
    const ticket = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    await callNext(anna);
    await post(anna, `tickets/${ticket.id}/finish`, { deliveredServiceIds: [] }).expect(400);
    expect((await ticketRow(ticket.id)).status).toBe('called');
    expect((await post(anna, `tickets/${ticket.id}/finish`, { deliveredServiceIds: [ids.ausweis] }).expect(200)).body.status).toBe('done');
  });

  it('14: the board of a location outside the scope is refused without its version tag', async () => {
    const res = await clara.get(`${QUEUE_API}/board?locationId=${ids.nord}`).expect(403);
    expect(res.headers.etag).toBeUndefined();
    await clara.get(`${QUEUE_API}/board?locationId=${ids.rathaus}`).expect(200);
  });

  it('15: a waiting ticket of an earlier day cannot be called', async () => {
    const ticket = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    await t.dataSource.getRepository(QueueTicket).update({ id: ticket.id }, { day: '2026-11-23' });
    await openAt(lea, ids.rathaus, ids.rathausCounters[2]!);
    try {
      expect((await post(lea, `tickets/${ticket.id}/call`).expect(409)).body.code).toBe('QUEUE_TICKET_CHANGED');
      expect((await ticketRow(ticket.id)).status).toBe('waiting');
    } finally {
      await post(lea, 'workplace/close').expect(204);
    }
  });

  it('7: a location override the settings refuse keeps the tenant value (prefix "t1")', async () => {
    await t.asTenant(SLUG, async () => {
      const repo = t.app.get(TenantDataService).repo(QueueLocationConfig);
      await repo.insert([repo.create({ locationId: ids.rathaus, walkInPrefix: 't1', callCountMax: 0 } as Partial<QueueLocationConfig>)]);
    });
    try {
      const ticket = await walkIn(anna, ids.rathaus, [ids.ausweis]);
      expect(ticket.number).toMatch(/^W\d+$/);
      await callNext(anna);
      t.clock.advance(60_000);
      // callCountMax 0 would make the first recall a no-show; the tenant's value applies.
      expect((await post(anna, `tickets/${ticket.id}/recall`).expect(200)).body.status).toBe('called');
    } finally {
      await t.dataSource.getRepository(QueueLocationConfig).delete({ locationId: ids.rathaus });
    }
  });

  it('4: checking in an appointment whose ticket is a no-show is refused, not reported as done', async () => {
    const booking = await insertBooking(t, ids, { startAt: new Date('2026-11-24T08:30:00Z'), minutes: 15 });
    const ticket = (await post(anna, 'tickets/check-in', { bookingId: booking.id }).expect(200)).body;
    // As after callCountMax recalls or the clerk's no-show.
    await t.dataSource.getRepository(QueueTicket).update({ id: ticket.id }, { status: 'no-show' });
    const again = await post(anna, 'tickets/check-in', { bookingId: booking.id }).expect(409);
    expect(again.body.code).toBe('QUEUE_CHECK_IN_STATE');
    expect((await ticketRow(ticket.id)).status).toBe('no-show');
  });

  it('3: the no-show sweep leaves an appointment that checked in after the sweep read its list', async () => {
    // Ended 08:45 local; with the default grace the sweep lists it at 09:xx.
    const booking = await insertBooking(t, ids, { startAt: new Date('2026-11-24T07:30:00Z'), minutes: 15 });
    t.clock.set('2026-11-24T09:30:00Z');
    const service = t.app.get(BookingAttendanceService);
    const list = service.unattendedEndedBetween.bind(service);
    service.unattendedEndedBetween = async (...args) => {
      const due = await list(...args);
      // The visitor arrives late and checks in between the sweep's list and its marks.
      if (due.some((a) => a.bookingId === booking.id)) await post(anna, 'tickets/check-in', { bookingId: booking.id }).expect(200);
      return due;
    };
    try {
      await run('queue.no-shows');
    } finally {
      service.unattendedEndedBetween = list;
    }
    expect(await attendance(booking.id)).toBe('checked-in');
    const marked = (await queueEvents(t, 'queue.appointment-no-show')).map((e) => (e.payload as { bookingId: string }).bookingId);
    expect(marked).not.toContain(booking.id);
  });

  it('16/17: day end closes an appointment ticket and its attendance, the move says day-end', async () => {
    const waiting = await insertBooking(t, ids, { startAt: new Date('2026-11-24T10:00:00Z'), minutes: 15 });
    const ticket = (await post(anna, 'tickets/check-in', { bookingId: waiting.id }).expect(200)).body;
    expect(await attendance(waiting.id)).toBe('checked-in');
    t.clock.set('2026-11-25T06:00:00Z');
    await run('queue.day-end');
    expect((await ticketRow(ticket.id)).status).toBe('cancelled');
    expect(await attendance(waiting.id)).toBe('no-show');
    const moved = (await queueEvents(t, 'queue.ticket-moved')).map((e) => e.payload as { ticketId: string; reason: string });
    expect(moved.find((m) => m.ticketId === ticket.id)?.reason).toBe('day-end');
  });
});
