import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { QueueLocationState } from '../plugins/queue/entities/location-state.entity.js';
import { QueueTicket } from '../plugins/queue/entities/ticket.entity.js';
import { queueManifest } from '../plugins/queue/queue.manifest.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { type Agent, clearQueue, clerk, openAt, QUEUE_API, queueEvents, queueIds, type QueueIds, supervisor, walkIn } from './queue-helpers.js';

const SECOND = 1000;

describe('queue transitions, refusals and roles', () => {
  let t: TestApp;
  let ids: QueueIds;
  let anna: Agent; // clerk, Rathaus, Platz 1
  let ben: Agent; // clerk, Rathaus, Platz 2
  let nora: Agent; // clerk, Nord
  let lea: Agent; // supervisor
  let foreign: Agent; // supervisor of another town

  const post = (agent: Agent, path: string, body: object = {}) => agent.post(`${QUEUE_API}/${path}`).send(body);
  const callNext = async (agent: Agent) => (await post(agent, 'tickets/call-next').expect(200)).body.ticket;
  const ticketRow = (id: string) => t.dataSource.getRepository(QueueTicket).findOneByOrFail({ id });
  const version = async () => (await t.dataSource.getRepository(QueueLocationState).findOneBy({ locationId: ids.rathaus }))?.version ?? 0;
  const tick = () => t.clock.advance(SECOND);

  beforeAll(async () => {
    t = await createTestApp();
    t.clock.set('2026-11-24T08:00:00Z');
    ids = await queueIds(t);
    anna = await clerk(t, 'anna@musterstadt.example', [ids.rathaus]);
    ben = await clerk(t, 'ben@musterstadt.example', [ids.rathaus]);
    nora = await clerk(t, 'nora@musterstadt.example', [ids.nord]);
    lea = await supervisor(t, 'lea@musterstadt.example');
    foreign = await supervisor(t, 'leitung@beispielheim.example', 'beispielheim');
    await openAt(anna, ids.rathaus, ids.rathausCounters[0]!);
    await openAt(ben, ids.rathaus, ids.rathausCounters[1]!);
    await openAt(nora, ids.nord, ids.nordCounters[0]!);
  });
  afterAll(async () => t.close());
  beforeEach(async () => {
    await clearQueue(t);
    tick();
  });

  it('refuses calls without a workplace, while paused and while busy; an empty queue answers null and changes nothing', async () => {
    const lone = await clerk(t, 'lone@musterstadt.example', [ids.rathaus]);
    expect((await post(lone, 'tickets/call-next').expect(409)).body.code).toBe('QUEUE_NO_WORKPLACE');
    const before = await version();
    expect(await callNext(anna)).toBeNull();
    expect(await version()).toBe(before);
    await post(anna, 'workplace/pause').expect(200);
    await walkIn(anna, ids.rathaus, [ids.ausweis]);
    expect((await post(anna, 'tickets/call-next').expect(409)).body.code).toBe('QUEUE_WORKPLACE_PAUSED');
    await post(anna, 'workplace/resume').expect(200);
    tick();
    await walkIn(anna, ids.rathaus, [ids.ausweis]);
    await callNext(anna);
    expect((await post(anna, 'tickets/call-next').expect(409)).body.code).toBe('QUEUE_WORKPLACE_BUSY');
    expect((await post(anna, 'workplace/close').expect(409)).body.code).toBe('QUEUE_WORKPLACE_BUSY');
  });

  it('refuses bad input with a clear message and writes nothing', async () => {
    const before = await t.dataSource.getRepository(QueueTicket).count();
    const unknown = await post(anna, 'tickets/walk-in', { locationId: ids.rathaus, serviceIds: [ids.rathausCounters[0]] }).expect(400);
    expect(unknown.body).toMatchObject({ code: 'QUEUE_SERVICE_UNKNOWN', message: expect.stringContaining('Anliegen') });
    const empty = await post(anna, 'tickets/walk-in', { locationId: ids.rathaus, serviceIds: [] }).expect(400);
    expect(empty.body.message).toContain('mindestens ein Anliegen');
    await post(anna, 'tickets/walk-in', { locationId: ids.rathaus, serviceIds: [ids.ausweis], tenantId: 'x' }).expect(400);
    await post(anna, 'tickets/walk-in', { locationId: 'nope', serviceIds: [ids.ausweis] }).expect(400);
    await post(lea, 'tickets/walk-in', { locationId: ids.rathaus, serviceIds: [ids.ausweis], priority: 99 }).expect(400);
    expect(await t.dataSource.getRepository(QueueTicket).count()).toBe(before);
    // A clerk issues only at their own locations.
    await post(anna, 'tickets/walk-in', { locationId: ids.nord, serviceIds: [ids.ausweis] }).expect(403);
  });

  it('calls walk-ins first come, first served; urgent first; two clerks never get the same ticket', async () => {
    const first = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    tick();
    const second = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    tick();
    const urgent = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    await post(anna, `tickets/${urgent.id}/priority`, { priority: 1 }).expect(403);
    await post(lea, `tickets/${urgent.id}/priority`, { priority: 1 }).expect(200);
    expect((await callNext(anna)).id).toBe(urgent.id);
    expect((await callNext(ben)).id).toBe(first.id);
    expect((await ticketRow(second.id)).status).toBe('waiting');
    // A specific call needs the caller's own open workplace, and a ticket still waiting.
    expect((await post(lea, `tickets/${second.id}/call`).expect(409)).body.code).toBe('QUEUE_NO_WORKPLACE');
    await openAt(lea, ids.rathaus, ids.rathausCounters[2]!);
    expect((await post(lea, `tickets/${first.id}/call`).expect(409)).body.code).toBe('QUEUE_TICKET_CHANGED');
    await post(lea, 'workplace/close').expect(204);
  });

  it('recall waits recallPauseSeconds; the call after callCountMax is a no-show; restore keeps the place', async () => {
    const early = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    tick();
    const later = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    await callNext(anna);
    expect((await post(anna, `tickets/${early.id}/recall`).expect(409)).body.code).toBe('QUEUE_RECALL_TOO_SOON');
    t.clock.advance(30 * SECOND);
    expect((await post(anna, `tickets/${early.id}/recall`).expect(200)).body).toMatchObject({ status: 'called', callCount: 2 });
    t.clock.advance(30 * SECOND);
    expect((await post(anna, `tickets/${early.id}/recall`).expect(200)).body.callCount).toBe(3);
    t.clock.advance(30 * SECOND);
    expect((await post(anna, `tickets/${early.id}/recall`).expect(200)).body.status).toBe('no-show');
    // The counter is free; the no-show shows in the board's parked list.
    const board = (await anna.get(`${QUEUE_API}/board`).expect(200)).body;
    expect(board.workplace.current).toBeNull();
    expect(board.parked.map((p: { id: string }) => p.id)).toEqual([early.id]);
    const restored = (await post(anna, `tickets/${early.id}/restore`).expect(200)).body;
    expect(restored).toMatchObject({ status: 'waiting', callCount: 0, sortAt: early.sortAt });
    expect((await callNext(ben)).id).toBe(early.id); // ahead of `later`, by its old place
    expect((await ticketRow(later.id)).status).toBe('waiting');
    const moved = (await queueEvents(t, 'queue.ticket-moved')).map((e) => e.payload as { ticketId: string; from: string; to: string });
    // Both at the same instant of the test clock: compared as a set.
    expect(
      moved
        .filter((m) => m.ticketId === early.id)
        .map((m) => `${m.from}>${m.to}`)
        .sort(),
    ).toEqual(['called>no-show', 'no-show>waiting']);
  });

  it('parks and restores; no-show from called only', async () => {
    const ticket = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    await callNext(anna);
    await post(anna, `tickets/${ticket.id}/start`).expect(200);
    expect((await post(anna, `tickets/${ticket.id}/no-show`).expect(409)).body.code).toBe('QUEUE_TICKET_CHANGED');
    expect((await post(anna, `tickets/${ticket.id}/park`).expect(200)).body.status).toBe('parked');
    expect((await post(anna, `tickets/${ticket.id}/start`).expect(403)).status).toBe(403); // no longer at her counter
    await post(ben, `tickets/${ticket.id}/restore`).expect(200);
    // A parked visitor comes back to the counter that parked them (anna's), not to whoever calls next.
    expect(await callNext(ben)).toBeNull();
    expect((await callNext(anna)).id).toBe(ticket.id);
  });

  it('transfers to a counter keeping the place: same number, only that counter calls it', async () => {
    const ticket = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    tick();
    const other = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    await callNext(anna);
    tick();
    const next = (await post(anna, `tickets/${ticket.id}/transfer`, { counterId: ids.rathausCounters[1], position: 'keep' }).expect(200)).body;
    expect(next).toMatchObject({ number: ticket.number, status: 'waiting', sortAt: ticket.sortAt, targetCounterId: ids.rathausCounters[1] });
    expect((await ticketRow(ticket.id)).status).toBe('transferred');
    expect((await ticketRow(next.id)).parentId).toBe(ticket.id);
    expect((await callNext(anna)).id).toBe(other.id); // Platz 1 may not call the transferred one
    expect((await callNext(ben)).id).toBe(next.id);
  });

  it('transfers to another service at the end of the line, and to another location with a new number there', async () => {
    const ticket = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    tick();
    const waiting = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    await callNext(anna);
    tick();
    const toService = (await post(anna, `tickets/${ticket.id}/transfer`, { serviceIds: [ids.pass], position: 'end' }).expect(200)).body;
    expect(toService).toMatchObject({ number: ticket.number, serviceIds: [ids.pass], position: 2 });
    expect(new Date(toService.sortAt).getTime()).toBeGreaterThan(new Date(waiting.sortAt).getTime());
    expect((await callNext(anna)).id).toBe(waiting.id);
    await post(anna, `tickets/${waiting.id}/finish`).expect(200);
    expect((await callNext(anna)).id).toBe(toService.id);
    // A clerk forwards within their own locations only (anna: Rathaus); a supervisor across them.
    await post(anna, `tickets/${toService.id}/transfer`, { locationId: ids.nord, position: 'end' }).expect(403);
    const toNord = (await post(lea, `tickets/${toService.id}/transfer`, { locationId: ids.nord, position: 'end' }).expect(200)).body;
    expect(toNord).toMatchObject({ locationId: ids.nord, status: 'waiting', number: 'W001' });
    expect((await callNext(nora)).id).toBe(toNord.id);
    // A counter of another location is no target.
    const again = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    await callNext(anna);
    const bad = await post(anna, `tickets/${again.id}/transfer`, { counterId: ids.nordCounters[0], position: 'keep' }).expect(400);
    expect(bad.body.code).toBe('QUEUE_TRANSFER_TARGET');
  });

  it('clerks act only on their own current ticket; supervisors on any at their locations; other locations and towns get 404', async () => {
    const ticket = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    await callNext(anna);
    expect((await post(ben, `tickets/${ticket.id}/start`).expect(403)).body.message).toContain('nicht bei Ihnen');
    const outside = await post(nora, `tickets/${ticket.id}/start`).expect(404);
    const unknown = await post(nora, `tickets/00000000-0000-4000-8000-000000000000/start`).expect(404);
    expect(outside.body).toEqual(unknown.body);
    await post(foreign, `tickets/${ticket.id}/park`).expect(403); // another town's session under this town's path
    await foreign.post(`/api/v1/tenants/beispielheim/queue/tickets/${ticket.id}/park`).send({}).expect(404);
    // Specific calls: supervisors (with a workplace) yes, clerks not by default.
    tick();
    const specific = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    await post(ben, `tickets/${specific.id}/call`).expect(403);
    await openAt(lea, ids.rathaus, ids.rathausCounters[2]!);
    expect((await post(lea, `tickets/${specific.id}/call`).expect(200)).body).toMatchObject({ status: 'called', counterId: ids.rathausCounters[2] });
    await post(lea, `tickets/${ticket.id}/park`).expect(200);
    await post(lea, `tickets/${specific.id}/cancel`).expect(200);
    await post(lea, 'workplace/close').expect(204);
  });

  it('one clerk per counter a day; clerks call specific tickets where the town allows it', async () => {
    const cleo = await clerk(t, 'cleo@musterstadt.example', [ids.rathaus]);
    const taken = await post(cleo, 'workplace/open', { locationId: ids.rathaus, counterId: ids.rathausCounters[0], serviceIds: [] }).expect(409);
    expect(taken.body.code).toBe('QUEUE_COUNTER_TAKEN');
    const unknown = await post(cleo, 'workplace/open', { locationId: ids.rathaus, counterId: ids.nordCounters[0], serviceIds: [] }).expect(400);
    expect(unknown.body.code).toBe('QUEUE_COUNTER_UNKNOWN');
    const tenantId = (await t.tenant('musterstadt')).id;
    await t.app.get(PluginHostService).updateSettings(tenantId, queueManifest, { clerksMayCallSpecific: true });
    try {
      await walkIn(anna, ids.rathaus, [ids.ausweis]);
      tick();
      const second = await walkIn(anna, ids.rathaus, [ids.ausweis]);
      expect((await ben.get(`${QUEUE_API}/board`).expect(200)).body.mayCallSpecific).toBe(true);
      expect((await post(ben, `tickets/${second.id}/call`).expect(200)).body).toMatchObject({ status: 'called', counterId: ids.rathausCounters[1] });
    } finally {
      await t.app.get(PluginHostService).updateSettings(tenantId, queueManifest, { clerksMayCallSpecific: false });
    }
  });

  it('presence is for supervisors; the board answers 304 while the version stands', async () => {
    await post(anna, 'workplace/pause').expect(200);
    await anna.get(`${QUEUE_API}/presence`).query({ locationId: ids.rathaus }).expect(403);
    await walkIn(anna, ids.rathaus, [ids.ausweis]);
    const presence = (await lea.get(`${QUEUE_API}/presence`).query({ locationId: ids.rathaus }).expect(200)).body;
    expect(presence.waiting).toHaveLength(1);
    expect(presence.workplaces.map((w: { userName: string; status: string }) => `${w.userName}:${w.status}`).sort()).toEqual([
      'anna@musterstadt.example:paused',
      'ben@musterstadt.example:open',
    ]);
    const first = await ben.get(`${QUEUE_API}/board`).expect(200);
    const etag = first.headers.etag!;
    await ben.get(`${QUEUE_API}/board`).set('If-None-Match', etag).expect(304);
    await walkIn(anna, ids.rathaus, [ids.ausweis]);
    const changed = await ben.get(`${QUEUE_API}/board`).set('If-None-Match', etag).expect(200);
    expect(changed.body.waiting).toHaveLength(2);
    expect(changed.body.waiting[0]).toMatchObject({ position: 1, estimatedWaitMinutes: 0 });
    await post(anna, 'workplace/resume').expect(200);
  });

  it('publishes events without personal data or ticket numbers', async () => {
    const ticket = await walkIn(anna, ids.rathaus, [ids.ausweis]);
    await callNext(anna);
    await post(anna, `tickets/${ticket.id}/finish`).expect(200);
    const events = await queueEvents(t);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['queue.ticket-issued', 'queue.ticket-called', 'queue.ticket-finished']));
    for (const e of events) {
      const text = JSON.stringify(e.payload);
      expect(text).not.toMatch(/"W\d{3}"|"T\d{3}"|musterstadt\.example|number|name|reference|email/i);
    }
  });
});
