import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import supertest from 'supertest';
import { createAccount, TEST_PASSWORD } from './harness/admin-session.js';
import type { TestApp } from './harness/test-app.js';
import { type DemoIds, releasedDemoApp, SLUG } from './booking-helpers.js';

const URL = `/api/v1/tenants/${SLUG}/backoffice/bookings`;

describe('back-office booking (channel phone)', () => {
  let t: TestApp;
  let ids: DemoIds;

  beforeAll(async () => {
    ({ t, ids } = await releasedDemoApp());
    await createAccount(t, 'staff', 'infoline@musterstadt.example', SLUG);
    await createAccount(t, 'staff', 'staff@beispielheim.example', 'beispielheim');
  });
  afterAll(async () => t.close());

  /** Staff log in through the tenant's JSON session endpoint (the admin panel refuses them). */
  async function loginStaff(slug: string, email: string) {
    const agent = supertest.agent(t.app.getHttpServer());
    await agent.post(`/api/v1/tenants/${slug}/staff/session`).send({ email, password: TEST_PASSWORD }).expect(200);
    return agent;
  }

  const body = (start: string, citizen: Record<string, string>) => ({
    services: [{ serviceId: ids.ausweis, quantity: 1 }],
    locationId: ids.rathaus,
    start,
    citizen,
    consent: true,
  });

  it('refuses callers without a staff session, and staff of another municipality', async () => {
    const anonymous = await supertest(t.app.getHttpServer())
      .post(URL)
      .send(body('2026-11-24T10:00:00+01:00', { name: 'Max Muster' }))
      .expect(401);
    expect(anonymous.body.message).toBe('Bitte melden Sie sich an.');
    const foreign = await loginStaff('beispielheim', 'staff@beispielheim.example');
    await foreign
      .post(URL)
      .send(body('2026-11-24T10:00:00+01:00', { name: 'Max Muster' }))
      .expect(403);
    expect(Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM booking'))[0].n)).toBe(0);
  });

  it('books for a caller: confirmed at once, from the phone share, mail only with an address', async () => {
    const staff = await loginStaff(SLUG, 'infoline@musterstadt.example');
    const noMail = await staff
      .post(URL)
      .send(body('2026-11-24T10:00:00+01:00', { name: 'Max Muster', phone: '02345 123' }))
      .expect(201);
    expect(noMail.body).toMatchObject({ status: 'confirmed', channel: 'phone', holdUntil: null });
    const [unit] = await t.dataSource.query(
      `SELECT u.channel FROM booking_capacity_allocation a JOIN booking_capacity_unit u ON u.id = a.unitId JOIN booking b ON b.id = a.ownerId WHERE b.reference = ?`,
      [noMail.body.reference],
    );
    expect(unit.channel).toBe('phone');
    expect(Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM outbox_message'))[0].n)).toBe(0);

    const withMail = await staff
      .post(URL)
      .send(body('2026-11-24T10:15:00+01:00', { name: 'Eva Muster', email: 'eva@example.org' }))
      .expect(201);
    const [mail] = await t.dataSource.query(`SELECT messageKey FROM outbox_message`);
    expect(mail.messageKey).toMatch(/:confirmation:1$/);
    expect(withMail.body.status).toBe('confirmed');
    await staff
      .post(URL)
      .send({ ...body('2026-11-24T10:30:00+01:00', { name: 'E' }) })
      .expect(400);
  });
});
