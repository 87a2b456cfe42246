import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TaskRunnerService } from '../apps/server/src/tasks/task-runner.service.js';
import { Booking } from '../plugins/booking/entities/booking.entity.js';
import { QueueTicket } from '../plugins/queue/entities/ticket.entity.js';
import { QueueWorkplace } from '../plugins/queue/entities/workplace.entity.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { insertBooking } from './staff-calendar-helpers.js';
import { type Agent, clerk, openAt, QUEUE_API, queueEvents, queueIds, type QueueIds, walkIn } from './queue-helpers.js';

describe('queue tasks', () => {
  let t: TestApp;
  let ids: QueueIds;
  let anna: Agent;
  const run = (id: string) => t.app.get(TaskRunnerService).runDue(t.clock.now(), (task) => task === id);
  const attendance = async (id: string) => (await t.dataSource.getRepository(Booking).findOneByOrFail({ id })).attendance;

  beforeAll(async () => {
    t = await createTestApp();
    t.clock.set('2026-11-24T08:00:00Z');
    ids = await queueIds(t);
    anna = await clerk(t, 'anna@musterstadt.example', [ids.rathaus]);
  });
  afterAll(async () => t.close());

  it('marks appointments nobody checked in for by end + grace as no-show, once', async () => {
    const gone = await insertBooking(t, ids, { startAt: new Date('2026-11-24T07:10:00Z'), minutes: 30 }); // ended 07:40
    const graceLeft = await insertBooking(t, ids, { startAt: new Date('2026-11-24T07:30:00Z'), minutes: 20 }); // ended 07:50
    const checkedIn = await insertBooking(t, ids, { startAt: new Date('2026-11-24T07:00:00Z'), minutes: 15, attendance: 'checked-in' });
    // Two days back: history from before arrivals were recorded, not a no-show.
    const history = await insertBooking(t, ids, { startAt: new Date('2026-11-22T09:00:00Z'), minutes: 15 });
    await run('queue.no-shows');
    expect([await attendance(gone.id), await attendance(graceLeft.id), await attendance(checkedIn.id)]).toEqual(['no-show', null, 'checked-in']);
    expect(await attendance(history.id)).toBeNull();
    t.clock.advance(5 * 60_000);
    await run('queue.no-shows');
    t.clock.advance(5 * 60_000);
    await run('queue.no-shows');
    expect(await attendance(graceLeft.id)).toBe('no-show');
    const events = (await queueEvents(t, 'queue.appointment-no-show')).map((e) => e.payload as { bookingId: string });
    expect(events.map((e) => e.bookingId).sort()).toEqual([gone.id, graceLeft.id].sort());
    expect(JSON.stringify(events)).not.toMatch(/Mustermann|reference|email/);
  });

  it('closes what the day left open: serving as done, the rest cancelled, day-end; workplaces of the day closed', async () => {
    await openAt(anna, ids.rathaus, ids.rathausCounters[0]!);
    const parked = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    t.clock.advance(1000);
    const serving = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    t.clock.advance(1000);
    const waiting = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    await anna.post(`${QUEUE_API}/tickets/call-next`).send({}).expect(200);
    await anna.post(`${QUEUE_API}/tickets/${parked.id}/park`).send({}).expect(200);
    await anna.post(`${QUEUE_API}/tickets/call-next`).send({}).expect(200);
    await anna.post(`${QUEUE_API}/tickets/${serving.id}/start`).send({}).expect(200);
    const events = async () => (await queueEvents(t, 'queue.ticket-moved')).length;
    await run('queue.day-end');
    const row = (id: string) => t.dataSource.getRepository(QueueTicket).findOneByOrFail({ id });
    expect((await row(waiting.id)).status).toBe('waiting'); // still today
    t.clock.set('2026-11-25T06:00:00Z');
    const before = await events();
    await run('queue.day-end');
    expect(await row(serving.id)).toMatchObject({ status: 'done', closedReason: 'day-end' });
    expect(await row(parked.id)).toMatchObject({ status: 'cancelled', closedReason: 'day-end' });
    expect(await row(waiting.id)).toMatchObject({ status: 'cancelled', closedReason: 'day-end' });
    expect(await t.dataSource.getRepository(QueueWorkplace).count()).toBe(0);
    expect(await events()).toBe(before + 3);
    t.clock.advance(15 * 60_000);
    await run('queue.day-end');
    expect(await events()).toBe(before + 3);
  });
});
