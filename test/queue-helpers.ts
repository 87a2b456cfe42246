import type supertest from 'supertest';
import { In } from 'typeorm';
import { AdminUser } from '../apps/server/src/auth/admin-user.entity.js';
import { Counter } from '../apps/server/src/catalog/entities/counter.entity.js';
import { DomainEvent } from '../apps/server/src/events/domain-event.entity.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { QueueTicket } from '../plugins/queue/entities/ticket.entity.js';
import { QueueWorkplace } from '../plugins/queue/entities/workplace.entity.js';
import { createAccount } from './harness/admin-session.js';
import type { TestApp } from './harness/test-app.js';
import { demoIds, SLUG, type DemoIds } from './booking-helpers.js';
import { loginStaff } from './staff-calendar-helpers.js';

export const QUEUE_API = `/api/v1/tenants/${SLUG}/queue`;

export type Agent = ReturnType<typeof supertest.agent>;

/** The demo ids plus the counters of both locations (by name: Platz 1…). */
export async function queueIds(t: TestApp) {
  const ids = await demoIds(t);
  const counters = await t.asTenant(SLUG, () =>
    t.app
      .get(TenantDataService)
      .repo(Counter)
      .find({ order: { name: 'ASC' } }),
  );
  const at = (locationId: string) => counters.filter((c) => c.locationId === locationId).map((c) => c.id);
  return { ...ids, rathausCounters: at(ids.rathaus), nordCounters: at(ids.nord) };
}
export type QueueIds = DemoIds & { rathausCounters: string[]; nordCounters: string[] };

/** A clerk of the given location(s), logged in. */
export async function clerk(t: TestApp, email: string, locationIds: string[]): Promise<Agent> {
  const user = await createAccount(t, 'staff', email, SLUG);
  await t.dataSource.getRepository(AdminUser).update({ id: user.id }, { locationIds });
  return loginStaff(t, email);
}

export async function supervisor(t: TestApp, email: string, slug = SLUG): Promise<Agent> {
  await createAccount(t, 'supervisor', email, slug);
  return loginStaff(t, email, slug);
}

/** Opens the agent's workplace at a counter (all services). */
export async function openAt(agent: Agent, locationId: string, counterId: string, serviceIds: string[] = []) {
  return (await agent.post(`${QUEUE_API}/workplace/open`).send({ locationId, counterId, serviceIds }).expect(200)).body;
}

export async function walkIn(agent: Agent, locationId: string, serviceIds: string[], priority?: number) {
  return (
    await agent
      .post(`${QUEUE_API}/tickets/walk-in`)
      .send({ locationId, serviceIds, ...(priority === undefined ? {} : { priority }) })
      .expect(201)
  ).body;
}

/** Ends every open ticket and frees every counter (between tests sharing one app). */
export async function clearQueue(t: TestApp): Promise<void> {
  await t.dataSource.getRepository(QueueTicket).update({ status: In(['waiting', 'called', 'serving', 'parked', 'no-show']) }, { status: 'cancelled' });
  await t.dataSource.getRepository(QueueWorkplace).update({ status: In(['open', 'paused']) }, { currentTicketId: null, status: 'open' });
}

/** The queue events recorded so far, oldest first. */
export async function queueEvents(t: TestApp, type?: string) {
  const rows = await t.dataSource.getRepository(DomainEvent).find({ order: { occurredAt: 'ASC' } });
  return rows.filter((e) => (type ? e.type === type : e.type.startsWith('queue.')));
}
