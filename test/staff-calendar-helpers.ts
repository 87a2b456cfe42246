import supertest from 'supertest';
import { AdminUser } from '../apps/server/src/auth/admin-user.entity.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { Booking } from '../plugins/booking/entities/booking.entity.js';
import { createAccount, TEST_PASSWORD } from './harness/admin-session.js';
import type { TestApp } from './harness/test-app.js';
import { type DemoIds, SLUG } from './booking-helpers.js';

export const STAFF_API = `/api/v1/tenants/${SLUG}/backoffice`;

/** The accounts of the staff calendar's role tests: clerks of each location, one without, supervisor, tenant-admin, another town's staff. */
export async function staffAccounts(t: TestApp, ids: DemoIds) {
  const clerkRathaus = await createAccount(t, 'staff', 'rathaus@musterstadt.example', SLUG);
  const clerkNord = await createAccount(t, 'staff', 'nord@musterstadt.example', SLUG);
  await createAccount(t, 'staff', 'ohne@musterstadt.example', SLUG);
  await createAccount(t, 'supervisor', 'leitung@musterstadt.example', SLUG);
  await createAccount(t, 'tenant-admin', 'admin@musterstadt.example', SLUG);
  const foreign = await createAccount(t, 'supervisor', 'leitung@beispielheim.example', 'beispielheim');
  const users = t.dataSource.getRepository(AdminUser);
  await users.update({ id: clerkRathaus.id }, { locationIds: [ids.rathaus] });
  await users.update({ id: clerkNord.id }, { locationIds: [ids.nord] });
  return { clerkRathaus, clerkNord, foreign };
}

/** Staff log in through the tenant's JSON session endpoint; the agent keeps the cookie. */
export async function loginStaff(t: TestApp, email: string, slug = SLUG) {
  const agent = supertest.agent(t.app.getHttpServer());
  await agent.post(`/api/v1/tenants/${slug}/staff/session`).send({ email, password: TEST_PASSWORD }).expect(200);
  return agent;
}

/** A booking row written directly (times the release does not reach, states the API cannot make). */
export async function insertBooking(t: TestApp, ids: DemoIds, row: Partial<Booking> & { startAt: Date; minutes?: number }) {
  return t.asTenant(SLUG, async () => {
    const repo = t.app.get(TenantDataService).repo(Booking);
    const minutes = row.minutes ?? 15;
    const booking = repo.create({
      reference: `T${Math.random().toString(36).slice(2, 9).toUpperCase()}`,
      token: 'x'.repeat(48),
      status: 'confirmed',
      channel: 'online',
      locationId: ids.rathaus,
      endAt: new Date(row.startAt.getTime() + minutes * 60_000),
      minutes,
      services: [{ serviceId: ids.ausweis, quantity: 1 }],
      holdUntil: null,
      confirmedAt: row.startAt,
      cancelledAt: null,
      revision: 1,
      citizen: { name: 'Erika Mustermann', email: 'erika@example.org', phone: null, locale: 'de', smsConsent: false },
      checkInCode: null,
      checkInDay: null,
      citizenEmailKey: null,
      clientKey: null,
      counterId: null,
      staffNote: null,
      anonymizedAt: null,
      ...row,
    });
    await repo.insert([booking]);
    return booking;
  });
}
