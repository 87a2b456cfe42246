import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Counter } from '../apps/server/src/catalog/entities/counter.entity.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { QueueTicket } from '../plugins/queue/entities/ticket.entity.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { createTestDatabase, type TestDatabase } from './harness/test-database.js';
import { SLUG } from './booking-helpers.js';
import { loginStaff } from './staff-calendar-helpers.js';
import { type Agent, clerk, openAt, QUEUE_API, queueEvents, queueIds, type QueueIds, walkIn } from './queue-helpers.js';

const CLERKS = 10;
const TICKETS = 60;

describe('10 clerks on 2 instances calling from one queue at once', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let ids: QueueIds;
  const agents: Agent[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await createTestApp({ database });
    b = await createTestApp({ database, clock: a.clock });
    a.clock.set('2026-11-24T08:00:00Z');
    ids = await queueIds(a);
    // Ten counters at the Rathaus (the demo has four).
    const counters = await a.asTenant(SLUG, async () => {
      const repo = a.app.get(TenantDataService).repo(Counter);
      const extra = Array.from({ length: CLERKS - ids.rathausCounters.length }, (_, i) =>
        repo.create({ locationId: ids.rathaus, name: `Platz ${10 + i}`, room: null, active: true }),
      );
      await repo.insert(extra);
      return [...ids.rathausCounters, ...extra.map((c) => c.id)];
    });
    for (let i = 0; i < CLERKS; i++) {
      const email = `clerk${i}@musterstadt.example`;
      await clerk(a, email, [ids.rathaus]);
      // Half of them work through instance B.
      const agent = i % 2 === 0 ? await loginStaff(a, email) : await loginStaff(b, email);
      await openAt(agent, ids.rathaus, counters[i]!);
      agents.push(agent);
    }
    for (let i = 0; i < TICKETS; i++) {
      await walkIn(agents[i % CLERKS]!, ids.rathaus, [i % 3 === 0 ? ids.pass : ids.ausweis]);
      a.clock.advance(1000);
    }
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await database?.drop();
  });

  it('calls each ticket exactly once and serves them all', async () => {
    const calledBy = new Map<string, number[]>();
    await Promise.all(
      agents.map(async (agent, i) => {
        for (;;) {
          const res = await agent.post(`${QUEUE_API}/tickets/call-next`).send({}).expect(200);
          const ticket = res.body.ticket as { id: string } | null;
          if (!ticket) return;
          calledBy.set(ticket.id, [...(calledBy.get(ticket.id) ?? []), i]);
          await agent.post(`${QUEUE_API}/tickets/${ticket.id}/finish`).send({}).expect(200);
        }
      }),
    );
    const tickets = await a.dataSource.getRepository(QueueTicket).find();
    expect(tickets).toHaveLength(TICKETS);
    expect(calledBy.size).toBe(TICKETS);
    expect([...calledBy.values()].every((by) => by.length === 1)).toBe(true);
    expect(tickets.every((t) => t.status === 'done' && t.callCount === 1)).toBe(true);
    expect(await queueEvents(a, 'queue.ticket-called')).toHaveLength(TICKETS);
    // More than one clerk got work, on both instances.
    const workers = new Set([...calledBy.values()].map(([i]) => i! % 2));
    expect(workers).toEqual(new Set([0, 1]));
  });
});
