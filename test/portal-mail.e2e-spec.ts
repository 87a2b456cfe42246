import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ical, { type VEvent } from 'node-ical';
import { fromRoot } from '../apps/server/src/common/project-root.js';
import { OutboxMessage } from '../apps/server/src/notifications/outbox-message.entity.js';
import { OutboxService } from '../apps/server/src/notifications/outbox.service.js';
import { Booking } from '../plugins/booking/entities/booking.entity.js';
import type { EmailContent } from '../apps/server/src/notifications/notification.types.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { OfferService } from '../plugins/terminagent/offer.service.js';
import { citizen, deliverMail, demoIds, release, releasedDemoApp, releasedMailApp, SLUG, type DemoIds } from './booking-helpers.js';
import { agentSlots, linkFromOutbox, match, offerOf, queueWishForSlot, tokenOf } from './terminagent-helpers.js';
import { decodeHtml } from './harness/mail-links.js';
import { TestSmtpServer, type ReceivedMail } from './harness/smtp-server.js';
import { createTestApp, type TestApp } from './harness/test-app.js';

const API = `/api/v1/tenants/${SLUG}`;
const TOMORROW_10 = '2026-11-24T10:00:00+01:00';

/** Currency amounts are written with a no-break space before the euro sign. */
const plain = (s: string) => s.replace(/\u00a0/g, ' ');

function only(list: ReceivedMail[]): ReceivedMail {
  expect(list).toHaveLength(1);
  return list[0];
}

/** The calendar attachment, read by an independent parser: its one event and the calendar's METHOD. */
function calendarOf(mail: ReceivedMail): { event: VEvent; method: string } {
  const file = mail.attachments.find((a) => a.filename === 'termin.ics');
  if (!file) throw new Error(`no termin.ics in "${mail.subject}"`);
  const parsed = ical.sync.parseICS(file.content.toString('utf8'));
  const events = Object.values(parsed).filter((c) => c?.type === 'VEVENT') as VEvent[];
  expect(events).toHaveLength(1);
  return { event: events[0], method: String((parsed.vcalendar as unknown as { method?: string })?.method) };
}

/**
 * What the citizen reads (mails over real SMTP, pages over HTTP): the town as sender, fees and
 * payment methods, map links, calendar entries that follow a move and disappear on cancellation,
 * no terminal promised while there is none, and the online lead time.
 */
describe('portal and mail: what the citizen reads', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let ids: DemoIds;
  let tenantsDir: string;

  beforeAll(async () => {
    smtp = new TestSmtpServer();
    await smtp.start();
    // The demo towns, with Beispielheim missing its imprint and phone (the footer leaves them out).
    tenantsDir = mkdtempSync(join(tmpdir(), 'amtszeit-tenants-'));
    cpSync(fromRoot('tenants'), tenantsDir, { recursive: true });
    const file = join(tenantsDir, 'beispielheim', 'tenant.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^ {2}imprintUrl: .*\n/m, ''));
    t = await createTestApp({ tenantsDir, env: { SMTP_URL: smtp.url, MAIL_FROM: 'Amtszeit Server <noreply@amtszeit.test>' } });
    ids = await demoIds(t);
    await release(t);
    await release(t, 'beispielheim');
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
    rmSync(tenantsDir, { recursive: true, force: true });
  });

  async function book(who: string, services = [{ serviceId: ids.ausweis, quantity: 1 }], start = TOMORROW_10) {
    const res = await t.http
      .post(`${API}/bookings`)
      .send({ services, locationId: ids.rathaus, start, citizen: citizen(who), consent: true })
      .expect(201);
    return res.body as { reference: string; token: string };
  }

  async function confirmed(who: string, services?: Array<{ serviceId: string; quantity: number }>, start?: string) {
    const booking = await book(who, services, start);
    await t.http.post(`${API}/bookings/${booking.reference}/confirm`).send({ token: booking.token }).expect(200);
    await deliverMail(t);
    return booking;
  }

  it('sends as the town: its sender name and address, and answers go to its Bürgerbüro', async () => {
    await book('sender', undefined, '2026-11-24T12:00:00+01:00');
    await deliverMail(t);
    const receipt = only(smtp.to('erikasender@example.org'));
    expect(receipt.from).toBe('Stadt Musterstadt <termine@musterstadt.example>');
    expect(receipt.replyTo).toBe('buergerbuero@musterstadt.example');
  });

  it("falls back to the server's address under the town's name, replies to its contact; the footer has no stray separators", async () => {
    const slug = 'beispielheim';
    const services = await t.http.get(`/api/v1/tenants/${slug}/services`).expect(200);
    const service = (services.body as Array<{ id: string; onlineBookable: boolean }>).find((s) => s.onlineBookable)!;
    const found = await t.http.get(`/api/v1/tenants/${slug}/availability?services=${service.id}:1&from=2026-11-24&to=2026-11-30`).expect(200);
    const day = found.body.days[0];
    await t.http
      .post(`/api/v1/tenants/${slug}/bookings`)
      .send({ services: [{ serviceId: service.id, quantity: 1 }], locationId: day.locationId, start: day.starts[0], citizen: citizen('heim'), consent: true })
      .expect(201);
    await deliverMail(t, slug);
    const receipt = only(smtp.to('erikaheim@example.org'));
    expect(receipt.from).toBe('Gemeinde Beispielheim <noreply@amtszeit.test>');
    expect(receipt.replyTo).toBe('rathaus@beispielheim.example');
    // No phone, no imprint: "name · mail", then the privacy link on its own, without a leading separator.
    expect(receipt.html).toMatch(/Gemeinde Beispielheim · rathaus@beispielheim\.example\s*<br><a href="https:\/\/www\.beispielheim\.example\/datenschutz"/);
    expect(receipt.html).not.toMatch(/<br>\s*·/);
    // The portal's footer too: contact without a phone has no separator before the address.
    const start = await t.http.get(`/${slug}/`).expect(200);
    expect(start.text).toMatch(/<p>Kontakt: <a href="mailto:rathaus@beispielheim\.example">/);
  });

  it('says "services" in English and links a favicon served by this server', async () => {
    const start = await t.http.get(`/${SLUG}/?lang=en`).expect(200);
    expect(start.text).toContain('<h1>What do you need?</h1>');
    expect(start.text).toContain('Your services');
    expect(start.text).not.toMatch(/concern/i);
    const icon = /<link rel="icon" href="([^"]+)">/.exec(start.text)?.[1];
    expect(icon).toMatch(/^\/assets\/portal\/favicon\.svg\?v/);
    const served = await t.http.get(decodeHtml(icon!)).expect(200);
    expect(served.headers['content-type']).toContain('image/svg+xml');
  });

  it('names the total fee, the payment methods and a map link in the summary and the confirmation; promises no terminal', async () => {
    // The summary step of the portal: two identity cards (46 € each) and a registration (no fee).
    const services = `${ids.ausweis}:2,${ids.anmeldung}:1`;
    const review = await t.http
      .get(`/${SLUG}/termin/angaben?services=${services}&location=${ids.rathaus}&start=${encodeURIComponent(TOMORROW_10)}`)
      .expect(200);
    expect(review.text).toContain('Gebühren');
    expect(plain(review.text)).toContain('92,00 €, zahlbar vor Ort mit Bargeld, Girocard (EC-Karte)');
    const osm = 'https://www.openstreetmap.org/search?query=Marktplatz%201%2C%2059999%20Musterstadt';
    expect(decodeHtml(review.text)).toContain(`href="${osm}"`);

    const { reference, token } = await confirmed(
      'fees',
      [
        { serviceId: ids.ausweis, quantity: 2 },
        { serviceId: ids.anmeldung, quantity: 1 },
      ],
      '2026-11-24T10:30:00+01:00',
    );
    const confirmation = smtp.to('erikafees@example.org').find((m) => m.subject.includes('bestätigt'))!;
    expect(plain(confirmation.text)).toContain('Gebühren: 92,00 €, zahlbar vor Ort mit Bargeld, Girocard (EC-Karte)');
    expect(confirmation.text).toContain(`Karte: ${osm}`);
    expect(decodeHtml(confirmation.html)).toContain(`href="${osm}"`);
    // No kiosk offers check-in yet: no terminal, check-in code, waiting number or QR code.
    for (const part of [confirmation.text, confirmation.html]) {
      expect(part).not.toMatch(/Terminal|Check-in|Wartenummer/);
    }
    expect(confirmation.attachments.map((a) => a.filename)).toEqual(['termin.ics']);
    expect(confirmation.text).toContain(`Vorgangsnummer: ${reference}`);

    // The appointment page: fees and map link too, and no check-in code.
    const page = await t.http.get(`/${SLUG}/buchung/${reference}?token=${encodeURIComponent(token)}`).expect(200);
    expect(plain(page.text)).toContain('92,00 €, zahlbar vor Ort');
    expect(decodeHtml(page.text)).toContain(`href="${osm}"`);
    expect(page.text).not.toContain('Check-in');
  });

  it('a move names the old and the new time and updates the same calendar entry', async () => {
    const { reference, token } = await confirmed('move', undefined, '2026-11-24T10:00:00+01:00');
    const first = calendarOf(smtp.to('erikamove@example.org').find((m) => m.subject.startsWith('Ihr Termin'))!);
    await t.http.post(`${API}/bookings/${reference}/rebook`).send({ token, locationId: ids.rathaus, start: '2026-11-25T11:00:00+01:00' }).expect(200);
    await deliverMail(t);
    const moved = smtp.to('erikamove@example.org').find((m) => m.subject.startsWith('Verlegt'))!;
    expect(moved.text).toContain('Bisher: Dienstag, 24. November 2026, 10:00 – 10:15 Uhr, Bürgerbüro im Rathaus');
    expect(moved.text).toContain('Neu: Mittwoch, 25. November 2026, 11:00 – 11:15 Uhr');
    const second = calendarOf(moved);
    expect(second.event.uid).toBe(first.event.uid);
    expect(Number(second.event.sequence)).toBeGreaterThan(Number(first.event.sequence));
    expect(new Date(second.event.start).toISOString()).toBe('2026-11-25T10:00:00.000Z');
  });

  it('a cancellation removes the calendar entry (METHOD:CANCEL, same UID, higher SEQUENCE); the page no longer lists what to bring', async () => {
    const { reference, token } = await confirmed('cancel', undefined, '2026-11-24T11:30:00+01:00');
    const page = await t.http.get(`/${SLUG}/buchung/${reference}?token=${encodeURIComponent(token)}`).expect(200);
    expect(page.text).toContain('Bitte mitbringen');
    const booked = calendarOf(smtp.to('erikacancel@example.org').find((m) => m.subject.includes('bestätigt'))!);
    expect(booked.method).toBe('PUBLISH');

    await t.http.post(`${API}/bookings/${reference}/cancel`).send({ token }).expect(200);
    await deliverMail(t);
    const cancellation = smtp.to('erikacancel@example.org').find((m) => m.subject.includes('abgesagt'))!;
    const cancel = calendarOf(cancellation);
    expect(cancel.method).toBe('CANCEL');
    expect(cancel.event.uid).toBe(booked.event.uid);
    expect(Number(cancel.event.sequence)).toBeGreaterThan(Number(booked.event.sequence));
    expect(String(cancel.event.status)).toBe('CANCELLED');
    expect(cancellation.attachments.find((a) => a.filename === 'termin.ics')!.contentType).toContain('text/calendar');
    expect(cancellation.text).toContain('entfernen Sie den Termin aus Ihrem Kalender');

    const after = await t.http.get(`/${SLUG}/buchung/${reference}?token=${encodeURIComponent(token)}`).expect(200);
    expect(after.text).toContain('abgesagt');
    expect(after.text).not.toContain('Bitte mitbringen');
    expect(after.text).not.toContain('Bisheriger Personalausweis');
  });

  it('an unconfirmed booking that is cancelled had no calendar entry: its cancellation carries none', async () => {
    const { reference, token } = await book('pendingcancel', undefined, '2026-11-24T11:45:00+01:00');
    await t.http.post(`${API}/bookings/${reference}/cancel`).send({ token }).expect(200);
    await deliverMail(t);
    const cancellation = smtp.to('erikapendingcancel@example.org').find((m) => m.subject.includes('abgesagt'))!;
    expect(cancellation.attachments).toEqual([]);
  });

  it('keeps the next 60 minutes free online (the demo town’s lead time): not offered, refused with a German message, nothing written', async () => {
    // 08:00 local now: 09:00 is within the lead time, 09:15 is the first online start.
    const found = await t.http.get(`${API}/availability?services=${ids.ausweis}:1&from=2026-11-23&to=2026-11-23&locations=${ids.rathaus}`).expect(200);
    const today = found.body.days.find((d: { locationId: string }) => d.locationId === ids.rathaus);
    expect(today.starts[0]).toBe('2026-11-23T09:15:00+01:00');

    const count = async () => [await t.dataSource.getRepository(Booking).count(), await t.dataSource.getRepository(OutboxMessage).count()];
    const before = await count();
    const soon = { services: [{ serviceId: ids.ausweis, quantity: 1 }], locationId: ids.rathaus, start: '2026-11-23T09:00:00+01:00', consent: true };
    const refused = await t.http
      .post(`${API}/bookings`)
      .send({ ...soon, citizen: citizen('soon') })
      .expect(409);
    expect(refused.body.code).toBe('SLOT_TOO_SOON');
    // The portal explains it in German on the times of that day.
    const page = await t.http
      .post(`/${SLUG}/termin/buchen`)
      .type('form')
      .send({
        services: `${ids.ausweis}:1`,
        location: ids.rathaus,
        start: soon.start,
        name: 'Eilig',
        email: 'eilig@example.org',
        consent: 'yes',
        action: 'book',
      })
      .expect(409);
    expect(page.text).toContain('Diese Uhrzeit beginnt zu bald, um sie online zu buchen.');
    expect(await count()).toEqual(before);
    await book('leadok', undefined, '2026-11-23T09:15:00+01:00');
  });
});

describe('the offer of one proposal speaks of one', () => {
  it('mail and page: "einen Termin", reserved until "… Uhr", "Passt der Termin nicht?"', async () => {
    const { t, ids } = await releasedDemoApp();
    try {
      const slot = (await agentSlots(t)).find((s) => s.locationId === ids.rathaus)!;
      const wish = await queueWishForSlot(t, ids, slot, 'one@example.org');
      await match(t);
      await t.asTenant(SLUG, () => t.app.get(OfferService).mailPending());
      const offer = (await offerOf(t, wish.id))!;
      expect(offer.proposals).toHaveLength(1);
      const row = await t.asTenant(SLUG, () =>
        t.app
          .get(TenantDataService)
          .repo(OutboxMessage)
          .findOne({ where: { messageKey: `terminagent:offer:${offer.offer.id}` } }),
      );
      const mail = row!.content as EmailContent;
      expect(mail.subject).toMatch(/^Terminvorschlag für Sie/);
      expect(mail.text).toContain('der Terminagent hat einen Termin für Ihren Wunsch gefunden');
      expect(mail.text).toContain('Der Termin ist bis');
      expect(mail.text).not.toMatch(/Termine|Vorschläge/);
      const page = await t.http.get(await linkFromOutbox(t, `terminagent:offer:${offer.offer.id}`, '/terminvorschlag/')).expect(200);
      expect(page.text).toMatch(/Er ist bis [^<]+, \d\d:\d\d Uhr für Sie reserviert\./);
      expect(page.text).toContain('Passt der Termin nicht?');
    } finally {
      await t.close();
    }
  });
});

describe('the waitlist mails leave at once (task runner on)', () => {
  it('are delivered by the kick after the commit, as booking mails are; the opt-in repeats what was chosen', async () => {
    // A poll interval of an hour: only the kick after the commit can deliver within this test.
    const { t, ids, smtp } = await releasedMailApp({ env: { TASK_POLL_SECONDS: '3600' } });
    try {
      const arrived = smtp.nextMail('paula@example.org');
      await t.http
        .post(`${API}/terminagent/wishes`)
        .send({
          services: [{ serviceId: ids.ausweis, quantity: 1 }],
          locationIds: [ids.rathaus, ids.nord],
          windows: [
            { weekday: 1, from: '08:00', to: '08:30' },
            { weekday: 3, from: '14:00', to: '16:00' },
          ],
          earliestDate: '2026-11-24',
          latestDate: '2026-12-18',
          citizen: { name: 'Paula Warteliste', email: 'paula@example.org' },
          consent: true,
        })
        .expect(201);
      const mail = await arrived;
      expect(mail.from).toBe('Stadt Musterstadt <termine@musterstadt.example>');
      expect(mail.text).toContain('Montag, 08:00 bis 08:30 Uhr');
      expect(mail.text).toContain('Mittwoch, 14:00 bis 16:00 Uhr');
      expect(mail.text).toContain('Zeitraum: 24. November 2026 bis 18. Dezember 2026');
      expect(mail.text).toContain('Standorte: Bürgerbüro im Rathaus, Bürgerbüro Nord (Stadtteilzentrum)');

      // The offer, and the confirmation after accepting it, leave the same way.
      const slot = (await agentSlots(t)).find((s) => s.locationId === ids.rathaus)!;
      const optIn = smtp.nextMail('quick@example.org', /Terminwunsch/);
      const wish = await queueWishForSlot(t, ids, slot, 'quick@example.org');
      await optIn;
      // No drain left running that could pick up the next mail by chance: only its own kick can send it.
      await t.app.get(OutboxService).idle();
      const offerArrived = smtp.nextMail('quick@example.org', /^Terminvorschlag/);
      await match(t);
      await t.asTenant(SLUG, () => t.app.get(OfferService).mailPending());
      expect((await offerArrived).subject).toMatch(/^Terminvorschlag/);
      const offer = (await offerOf(t, wish.id))!;
      await t.app.get(OutboxService).idle();
      const confirmationArrived = smtp.nextMail('quick@example.org', /ist bestätigt/);
      await t.http
        .post(`${API}/terminagent/offers/${offer.offer.id}/accept`)
        .send({ token: tokenOf(await linkFromOutbox(t, `terminagent:offer:${offer.offer.id}`, '/terminvorschlag/')), proposalId: offer.proposals[0].id })
        .expect(200);
      expect((await confirmationArrived).subject).toMatch(/ist bestätigt/);
    } finally {
      await t.close();
      await smtp.stop();
    }
  });
});
