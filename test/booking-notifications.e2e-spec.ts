import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { In, Like } from 'typeorm';
import { TestClock } from '../apps/server/src/common/clock.js';
import type { EmailContent, SmsContent } from '../apps/server/src/notifications/notification.types.js';
import { OutboxMessage } from '../apps/server/src/notifications/outbox-message.entity.js';
import { TaskRunnerService } from '../apps/server/src/tasks/task-runner.service.js';
import { AvailabilityService } from '../plugins/booking/availability.service.js';
import { Booking } from '../plugins/booking/entities/booking.entity.js';
import { ReminderService } from '../plugins/booking/reminder.service.js';
import { citizen, deliverMail, demoIds, PLUGINS_WITH_CHECK_IN, release, SLUG, type DemoIds } from './booking-helpers.js';
import { TestSmsGateway } from './harness/sms-gateway.js';
import { createTestApp, type TestApp } from './harness/test-app.js';

const API = `/api/v1/tenants/${SLUG}`;

describe('booking by mail and SMS: phone numbers, check-in code, reminders', () => {
  let t: TestApp;
  let ids: DemoIds;
  let gateway: TestSmsGateway;
  let env: Record<string, string>;

  beforeAll(async () => {
    gateway = new TestSmsGateway();
    env = { SMS_URL: await gateway.start(), SMS_TOKEN: 'gateway-token', SMS_TIMEOUT_MS: '10000' };
    // A week before the March change to summer time.
    // With a check-in terminal, so messages carry the check-in code.
    t = await createTestApp({ clock: new TestClock(new Date('2026-03-23T08:00:00Z')), env, plugins: PLUGINS_WITH_CHECK_IN });
    ids = await demoIds(t);
    await release(t);
  });

  afterAll(async () => {
    await t?.close();
    await gateway?.stop();
  });

  /** The first free start at the Rathaus on a day (tenant-local ISO with offset). */
  async function firstStart(day: string, skip = 0): Promise<string> {
    const found = await t.asTenant(SLUG, () =>
      t.app.get(AvailabilityService).find({ services: [{ serviceId: ids.ausweis, quantity: 1 }], locationIds: [ids.rathaus], from: day, to: day }),
    );
    const start = found.days[0]?.starts[skip];
    if (!start) throw new Error(`no free start on ${day}`);
    return start;
  }

  const book = (start: string, who: string, contact: Record<string, unknown> = {}) =>
    t.http
      .post(`${API}/bookings`)
      .send({ services: [{ serviceId: ids.ausweis, quantity: 1 }], locationId: ids.rathaus, start, citizen: { ...citizen(who), ...contact }, consent: true });

  async function bookConfirmed(start: string, who: string, contact: Record<string, unknown> = {}) {
    const { body } = await book(start, who, contact).expect(201);
    await t.http.post(`${API}/bookings/${body.reference}/confirm`).send({ token: body.token }).expect(200);
    return body as { reference: string; token: string; checkInCode: string };
  }

  /** The outbox messages about a booking, oldest first. */
  async function messages(reference: string): Promise<OutboxMessage[]> {
    const { id } = await t.dataSource.getRepository(Booking).findOneByOrFail({ reference });
    return t.dataSource.getRepository(OutboxMessage).find({ where: { messageKey: Like(`booking:${id}:%`) }, order: { createdAt: 'ASC', messageKey: 'ASC' } });
  }

  describe('phone numbers and the SMS choice', () => {
    it('keeps the number in E.164, and sends the confirmation by mail and SMS with the check-in code', async () => {
      const start = await firstStart('2026-03-25');
      const { body } = await book(start, 'sms', { phone: '0151 2345 6789', sms: true }).expect(201);
      expect(body.citizen).toEqual({ name: 'Erika Mustermann sms', email: 'erikasms@example.org', phone: '+4915123456789', sms: true });
      expect(body.checkInCode).toMatch(/^\d{6}$/);
      // The receipt (confirm link) goes by mail only.
      expect((await messages(body.reference)).map((m) => [m.channel, m.template])).toEqual([['email', 'booking/receipt']]);

      await t.http.post(`${API}/bookings/${body.reference}/confirm`).send({ token: body.token }).expect(200);
      const all = await messages(body.reference);
      // Written within the same clock tick, so compared as a set rather than by creation order.
      expect(all.map((m) => `${m.channel} ${m.template}`).sort()).toEqual(['email booking/confirmation', 'email booking/receipt', 'sms booking/confirmation']);
      const of = (channel: string, template: string) => all.find((m) => m.channel === channel && m.template === template)!;
      const sms = of('sms', 'booking/confirmation');
      const mail = of('email', 'booking/confirmation').content as EmailContent;
      const text = sms.content as SmsContent;
      expect(mail.text).toContain(`Check-in-Code für das Terminal: ${body.checkInCode}`);
      expect(mail.html).toContain(body.checkInCode);
      expect(text.to).toBe('+4915123456789');
      expect(text.text).toContain(`Check-in-Code: ${body.checkInCode}`);
      expect(sms.segments).toBeGreaterThanOrEqual(1);

      expect(await deliverMail(t)).toEqual({ sent: 3, failed: 0 });
      const row = await t.dataSource.getRepository(OutboxMessage).findOneByOrFail({ id: sms.id });
      expect(gateway.deliveries.get(row.id)).toBe(1);
      expect(gateway.texts().get(row.id)).toContain(body.checkInCode);

      // The booking page shows the code too.
      const page = await t.http.get(`/${SLUG}/buchung/${body.reference}?token=${encodeURIComponent(body.token)}`).expect(200);
      expect(page.text).toContain('Check-in-Code');
      expect(page.text).toContain(body.checkInCode);
    });

    it('refuses an invalid number, SMS without a number and SMS to a landline (400 with a code), writing nothing', async () => {
      const start = await firstStart('2026-03-25', 1);
      const count = async () => [await t.dataSource.getRepository(Booking).count(), await t.dataSource.getRepository(OutboxMessage).count()];
      const before = await count();
      const invalid = await book(start, 'bad', { phone: '0151 23' }).expect(400);
      expect(invalid.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(/valid phone number/), code: 'PHONE_INVALID' });
      const noNumber = await book(start, 'bad', { sms: true }).expect(400);
      expect(noNumber.body).toMatchObject({ message: expect.stringMatching(/mobile phone number/), code: 'PHONE_REQUIRED' });
      const landline = await book(start, 'bad', { phone: '06131 123456', sms: true }).expect(400);
      expect(landline.body).toMatchObject({ message: expect.stringMatching(/cannot receive text messages/), code: 'PHONE_NOT_MOBILE' });
      expect(await count()).toEqual(before);
      // A landline without SMS is fine: it is a number to call.
      const ok = await book(start, 'landline', { phone: '06131 123456' }).expect(201);
      expect(ok.body.citizen).toMatchObject({ phone: '+496131123456', sms: false });
    });

    it('refuses an invalid number in the portal form with a German message, writing nothing', async () => {
      const start = await firstStart('2026-03-26');
      const form = {
        services: `${ids.ausweis}:1`,
        location: ids.rathaus,
        start,
        name: 'Erika Mustermann',
        email: 'erika.portal@example.org',
        phone: '12',
        sms: 'yes',
        consent: 'yes',
      };
      const before = await t.dataSource.getRepository(Booking).count();
      const res = await t.http.post(`/${SLUG}/termin/angaben`).type('form').send(form).expect(400);
      expect(res.text).toContain('Geben Sie eine gültige Telefonnummer ein');
      const en = await t.http
        .post(`/${SLUG}/termin/angaben?lang=en`)
        .type('form')
        .send({ ...form, phone: '06131 123456' })
        .expect(400);
      expect(en.text).toContain('This number cannot receive text messages');
      // Valid: the review shows the number as entered and carries the SMS choice on.
      const review = await t.http
        .post(`/${SLUG}/termin/angaben`)
        .type('form')
        .send({ ...form, phone: '0151 23456789' })
        .expect(200);
      expect(review.text).toContain('name="sms" value="yes"');
      expect(await t.dataSource.getRepository(Booking).count()).toBe(before);
    });

    it('gives each appointment of a location and day its own check-in code, enforced by a unique index', async () => {
      const day = '2026-03-31';
      const a = await bookConfirmed(await firstStart(day, 0), 'code-a');
      const b = await bookConfirmed(await firstStart(day, 1), 'code-b');
      const rows = await t.dataSource.getRepository(Booking).findBy({ reference: In([a.reference, b.reference]) });
      expect(rows.map((r) => r.checkInDay)).toEqual([day, day]);
      expect(rows[0].checkInCode).not.toBe(rows[1].checkInCode);
      await expect(t.dataSource.getRepository(Booking).update({ id: rows[1].id }, { checkInCode: rows[0].checkInCode })).rejects.toThrow();
    });

    it('purges the phone number with the other personal data', async () => {
      const { reference } = await bookConfirmed(await firstStart('2026-03-27'), 'purge', { phone: '+49 151 11112222', sms: true });
      t.clock.set('2026-04-05T01:30:00Z');
      await t.app.get(TaskRunnerService).runDue(t.clock.now(), (id) => id === 'booking.privacy');
      const row = await t.dataSource.getRepository(Booking).findOneByOrFail({ reference });
      expect(row.citizen).toEqual({ name: '', email: null, phone: null, locale: 'de', smsConsent: false });
    });
  });

  describe('reminders the day before at 17:00 (tenant-local)', () => {
    const remind = (app: TestApp = t) => app.asTenant(SLUG, () => app.app.get(ReminderService).sendDue());
    const reminders = (reference: string) => messages(reference).then((all) => all.filter((m) => m.template === 'booking/reminder'));

    it('after the March change: Sunday 17:00 CEST is 15:00 UTC; mail and SMS as chosen, each once', async () => {
      t.clock.set('2026-03-23T08:00:00Z');
      const monday = await bookConfirmed(await firstStart('2026-03-30'), 'march', { phone: '0151 99998888', sms: true });
      const cancelled = await bookConfirmed(await firstStart('2026-03-30', 1), 'march-cancelled');
      await t.http.post(`${API}/bookings/${cancelled.reference}/cancel`).send({ token: cancelled.token }).expect(200);
      t.clock.set('2026-03-29T14:59:00Z');
      await remind();
      expect(await reminders(monday.reference)).toEqual([]);
      t.clock.set('2026-03-29T15:00:00Z');
      await remind();
      const sent = await reminders(monday.reference);
      expect(sent.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
      expect((sent.find((m) => m.channel === 'email')!.content as EmailContent).subject).toMatch(/^Erinnerung: Ihr Termin am Montag, 30\. März 2026/);
      expect((sent.find((m) => m.channel === 'sms')!.content as SmsContent).text).toContain(monday.checkInCode);
      // Not for the cancelled one; and a second run (or a later tick) writes nothing more.
      expect(await reminders(cancelled.reference)).toEqual([]);
      t.clock.set('2026-03-29T15:05:00Z');
      await remind();
      expect(await reminders(monday.reference)).toHaveLength(2);
    });

    it('after the October change: Sunday 17:00 CET is 16:00 UTC; in the booking language; not for a booking made after that time', async () => {
      t.clock.set('2026-10-19T08:00:00Z');
      await release(t);
      const monday = await bookConfirmed(await firstStart('2026-10-26'), 'october');
      await t.dataSource.getRepository(Booking).update({ reference: monday.reference }, { citizen: { locale: 'en' } });
      t.clock.set('2026-10-25T15:59:00Z');
      await remind();
      expect(await reminders(monday.reference)).toEqual([]);
      t.clock.set('2026-10-25T16:00:00Z');
      // Booked and confirmed right at the reminder time: no reminder (it was just confirmed).
      const late = await bookConfirmed(await firstStart('2026-10-26', 1), 'october-late');
      t.clock.set('2026-10-25T16:01:00Z');
      await remind();
      const [mail, ...others] = await reminders(monday.reference);
      expect(others).toEqual([]);
      expect((mail.content as EmailContent).subject).toMatch(/^Reminder: your appointment on Monday, 26 October 2026/);
      expect(await reminders(late.reference)).toEqual([]);
    });

    it('two instances running the reminders at once write each reminder once', async () => {
      t.clock.set('2026-10-19T08:00:00Z');
      const refs = [];
      for (let i = 0; i < 4; i++)
        refs.push((await bookConfirmed(await firstStart('2026-10-28', i), `twin-${i}`, { phone: `0151 7000000${i}`, sms: true })).reference);
      const other = await createTestApp({ database: t.database, clock: t.clock, env, plugins: PLUGINS_WITH_CHECK_IN });
      try {
        t.clock.set('2026-10-27T16:00:00Z');
        const counts = await Promise.all([remind(t), remind(other), remind(t), remind(other)]);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(4);
        for (const ref of refs) expect((await reminders(ref)).map((m) => m.channel).sort()).toEqual(['email', 'sms']);
      } finally {
        await other.close();
      }
    });
  });
});
