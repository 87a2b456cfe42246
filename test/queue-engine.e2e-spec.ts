import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { type Agent, clerk, openAt, QUEUE_API, queueIds, type QueueIds, walkIn } from './queue-helpers.js';
import { QueueService } from '../plugins/queue/queue.service.js';
import { SLUG } from './booking-helpers.js';

describe('queue engine: a visit from walk-in to done', () => {
  let t: TestApp;
  let ids: QueueIds;
  let anna: Agent;

  beforeAll(async () => {
    t = await createTestApp();
    t.clock.set('2026-11-24T08:00:00Z');
    ids = await queueIds(t);
    anna = await clerk(t, 'anna@musterstadt.example', [ids.rathaus]);
  });
  afterAll(async () => t.close());

  it('issues, calls, starts and finishes; the display shows the number at the counter', async () => {
    await openAt(anna, ids.rathaus, ids.rathausCounters[0]!);
    const ticket = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    expect(ticket).toMatchObject({ number: 'W001', status: 'waiting', position: 1 });
    const called = (await anna.post(`${QUEUE_API}/tickets/call-next`).send({}).expect(200)).body.ticket;
    expect(called).toMatchObject({ id: ticket.id, status: 'called', callCount: 1, counterId: ids.rathausCounters[0] });
    const display = await t.asTenant(SLUG, () => t.app.get(QueueService).displayState(ids.rathaus));
    expect(display.calls).toEqual([expect.objectContaining({ number: 'W001', counterName: 'Platz 1', callCount: 1 })]);
    await anna.post(`${QUEUE_API}/tickets/${ticket.id}/start`).send({}).expect(200);
    const done = (await anna.post(`${QUEUE_API}/tickets/${ticket.id}/finish`).send({}).expect(200)).body;
    expect(done).toMatchObject({ status: 'done', finishedAt: expect.any(String) });
    const board = (await anna.get(`${QUEUE_API}/board`).expect(200)).body;
    expect(board.workplace).toMatchObject({ counterName: 'Platz 1', current: null, status: 'open' });
  });
});
