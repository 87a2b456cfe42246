import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TaskRunnerService } from '../apps/server/src/tasks/task-runner.service.js';
import { AvailabilityService } from '../plugins/booking/availability.service.js';
import type { TestApp } from './harness/test-app.js';
import { citizen, deliverMail, type DemoIds, expectCapacityInvariant, releasedDemoApp, SLUG } from './booking-helpers.js';

const API = `/api/v1/tenants/${SLUG}`;

describe('holds, delayed return and privacy', () => {
  let t: TestApp;
  let ids: DemoIds;

  beforeAll(async () => {
    ({ t, ids } = await releasedDemoApp());
  });
  afterAll(async () => t.close());

  /** Free online units left at a Rathaus slot on Wednesday 2026-11-25. */
  async function free(localStart: string): Promise<number> {
    const [row] = await t.dataSource.query(
      `SELECT SUM(capacity - used) AS free FROM booking_capacity_unit WHERE locationId = ? AND localDate = '2026-11-25' AND localStart = ? AND channel = 'online'`,
      [ids.rathaus, localStart],
    );
    return Number(row.free);
  }

  const book = (localStart: string, who: string) =>
    t.http
      .post(`${API}/bookings`)
      .send({
        services: [{ serviceId: ids.ausweis, quantity: 1 }],
        locationId: ids.rathaus,
        start: `2026-11-25T${localStart}:00+01:00`,
        citizen: citizen(who),
        consent: true,
      })
      .expect(201);

  const housekeeping = () => t.app.get(TaskRunnerService).runDue(t.clock.now(), (id) => id === 'booking.housekeeping');

  it('an unconfirmed hold lapses after holdMinutes and frees its unit', async () => {
    const before = await free('09:00');
    const { body } = await book('09:00', 'hold');
    expect(await free('09:00')).toBe(before - 1);
    t.clock.advance(29 * 60_000);
    await housekeeping();
    expect(await free('09:00')).toBe(before - 1);
    t.clock.advance(2 * 60_000);
    // Lapsed, even before the task ran: the page says so and offers no cancel.
    const shown = await t.http.get(`${API}/bookings/${body.reference}?token=${body.token}`).expect(200);
    expect(shown.body).toMatchObject({ status: 'expired', canCancel: false, holdUntil: null });
    await housekeeping();
    expect(await free('09:00')).toBe(before);
    const late = await t.http.post(`${API}/bookings/${body.reference}/confirm`).send({ token: body.token }).expect(409);
    expect(late.body.message).toMatch(/lapsed/);
    await expectCapacityInvariant(t.dataSource);
  });

  it('a cancelled appointment comes back only after the policy delay (60 minutes)', async () => {
    const before = await free('09:15');
    const { body } = await book('09:15', 'cancel');
    await t.http.post(`${API}/bookings/${body.reference}/confirm`).send({ token: body.token }).expect(200);
    await t.http.post(`${API}/bookings/${body.reference}/cancel`).send({ token: body.token }).expect(200);
    expect(await free('09:15')).toBe(before - 1);
    t.clock.advance(59 * 60_000);
    await housekeeping();
    expect(await free('09:15')).toBe(before - 1);
    t.clock.advance(2 * 60_000);
    await housekeeping();
    expect(await free('09:15')).toBe(before);
    const starts = await t.asTenant(SLUG, () =>
      t.app
        .get(AvailabilityService)
        .find({ services: [{ serviceId: ids.ausweis, quantity: 1 }], locationIds: [ids.rathaus], from: '2026-11-25', to: '2026-11-25' }),
    );
    expect(starts.days[0].starts).toContain('2026-11-25T09:15:00+01:00');
    await expectCapacityInvariant(t.dataSource);
  });

  it('anonymises personal data retentionDays after the appointment and purges lapsed holds and sent mails', async () => {
    const { body } = await book('10:00', 'privacy');
    await t.http.post(`${API}/bookings/${body.reference}/confirm`).send({ token: body.token }).expect(200);
    await deliverMail(t);
    // Six days after the appointment nothing happens; eight days after, the person is gone.
    t.clock.set('2026-12-01T02:30:00Z');
    await t.app.get(TaskRunnerService).runDue(t.clock.now(), (id) => id === 'booking.privacy');
    let [row] = await t.dataSource.query('SELECT citizenName, citizenEmail FROM booking WHERE reference = ?', [body.reference]);
    expect(row.citizenEmail).toBe('erikaprivacy@example.org');
    t.clock.set('2026-12-03T02:30:00Z');
    await t.app.get(TaskRunnerService).runDue(t.clock.now(), (id) => id === 'booking.privacy');
    [row] = await t.dataSource.query('SELECT citizenName, citizenEmail, citizenPhone, status, services FROM booking WHERE reference = ?', [body.reference]);
    expect(row).toMatchObject({ citizenName: '', citizenEmail: null, citizenPhone: null, status: 'confirmed' });
    expect(JSON.parse(row.services)).toEqual([{ serviceId: ids.ausweis, quantity: 1 }]);
    expect(await t.dataSource.query(`SELECT id FROM booking WHERE status = 'expired'`)).toEqual([]);
    expect(await t.dataSource.query(`SELECT id FROM outbox_message WHERE status = 'sent' AND mail LIKE '%erikaprivacy%'`)).toEqual([]);
  });
});
