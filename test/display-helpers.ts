import type supertest from 'supertest';
import { Counter } from '../apps/server/src/catalog/entities/counter.entity.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { createAccount } from './harness/admin-session.js';
import type { TestApp } from './harness/test-app.js';
import { loginStaff } from './staff-calendar-helpers.js';

export const displayState = (slug: string) => `/api/v1/tenants/${slug}/display/state`;

/** A location's counters, by name. */
export async function countersOf(t: TestApp, slug: string, locationId: string): Promise<Counter[]> {
  return t.asTenant(slug, () =>
    t.app
      .get(TenantDataService)
      .repo(Counter)
      .find({ where: { locationId }, order: { name: 'ASC' } }),
  );
}

/**
 * A supervisor at the location's `counter`-th counter (each clerk needs a free one), through the staff API: `call()` serves the current
 * visitor (if any), issues a walk-in and calls the next ticket; it returns the called ticket.
 */
export async function clerkAt(t: TestApp, slug: string, email: string, locationId: string, serviceId: string, counterIndex = 0) {
  await createAccount(t, 'supervisor', email, slug);
  const agent: ReturnType<typeof supertest.agent> = await loginStaff(t, email, slug);
  const counter = (await countersOf(t, slug, locationId))[counterIndex];
  const api = `/api/v1/tenants/${slug}/queue`;
  await agent.post(`${api}/workplace/open`).send({ locationId, counterId: counter.id, serviceIds: [] }).expect(200);
  let current: string | null = null;
  return {
    agent,
    counter,
    /** Issues a walk-in and calls the next one; the visitor called before is served and leaves first. */
    async call(): Promise<{ id: string; number: string }> {
      // A visit takes its time (the test clock stands still otherwise): calls get distinct instants.
      t.clock.advance(60_000);
      if (current) {
        await agent.post(`${api}/tickets/${current}/start`).send({}).expect(200);
        await agent.post(`${api}/tickets/${current}/finish`).send({}).expect(200);
      }
      await agent
        .post(`${api}/tickets/walk-in`)
        .send({ locationId, serviceIds: [serviceId] })
        .expect(201);
      const { ticket } = (await agent.post(`${api}/tickets/call-next`).send({}).expect(200)).body as { ticket: { id: string; number: string } };
      current = ticket.id;
      return ticket;
    },
    recall: (ticketId: string) => agent.post(`${api}/tickets/${ticketId}/recall`).send({}),
  };
}
