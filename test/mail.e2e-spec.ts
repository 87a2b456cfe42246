import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jsQRModule from 'jsqr';
import ical, { type VEvent } from 'node-ical';
import { PNG } from 'pngjs';
import { fromRoot } from '../apps/server/src/common/project-root.js';
import { decodeHtml } from './harness/mail-links.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { TestSmtpServer, type ReceivedMail } from './harness/smtp-server.js';
import { citizen, deliverMail, demoIds, PLUGINS_WITH_CHECK_IN, release, releasedMailApp, SLUG } from './booking-helpers.js';

const API = `/api/v1/tenants/${SLUG}`;
// jsqr is a CommonJS bundle: depending on the loader its default import is the function or holds it.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as unknown as (
  data: Uint8ClampedArray,
  width: number,
  height: number,
) => { data: string } | null;

describe('booking mails over real SMTP', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let tenantsDir: string;
  let slot = 0;

  beforeAll(async () => {
    smtp = new TestSmtpServer();
    await smtp.start();
    // A copy of the demo tenants, with one template overridden by Beispielheim.
    tenantsDir = mkdtempSync(join(tmpdir(), 'amtszeit-tenants-'));
    cpSync(fromRoot('tenants'), tenantsDir, { recursive: true });
    mkdirSync(join(tenantsDir, 'beispielheim', 'templates', 'booking'), { recursive: true });
    writeFileSync(join(tenantsDir, 'beispielheim', 'templates', 'booking', 'receipt.de.subject.hbs'), 'Beispielheim: bitte bestätigen ({{booking.reference}})');
    // With a check-in terminal: the confirmation then carries the QR code it scans.
    t = await createTestApp({ tenantsDir, env: { SMTP_URL: smtp.url }, plugins: PLUGINS_WITH_CHECK_IN });
    ids = await demoIds(t);
    await release(t);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
    rmSync(tenantsDir, { recursive: true, force: true });
  });

  async function book(email: string, extra: Record<string, unknown> = {}) {
    const start = new Date(Date.parse('2026-11-24T07:00:00Z') + 15 * 60_000 * slot++);
    const local = start.toISOString().replace(/\.000Z$/, '+00:00');
    const res = await t.http
      .post(`${API}/bookings`)
      .send({
        services: [
          { serviceId: ids.ausweis, quantity: 1 },
          { serviceId: ids.anmeldung, quantity: 1 },
        ],
        locationId: ids.rathaus,
        start: local,
        citizen: { ...citizen(email), email },
        consent: true,
        ...extra,
      })
      .expect(201);
    return res.body as { reference: string; token: string };
  }

  function only(list: ReceivedMail[]): ReceivedMail {
    expect(list).toHaveLength(1);
    return list[0];
  }

  it('sends the receipt with the confirm link, then the confirmation with QR code, ICS, checklist and cancel link', async () => {
    const { reference, token } = await book('anna@example.org');
    expect(await deliverMail(t)).toEqual({ sent: 1, failed: 0 });
    const receipt = only(smtp.to('anna@example.org'));
    expect(receipt.subject).toBe(`Bitte bestätigen Sie Ihren Termin am Dienstag, 24. November 2026 (${reference})`);
    const confirmLink = `http://amtszeit.test/${SLUG}/buchung/${reference}/bestaetigen?token=${token}`;
    expect(receipt.text).toContain(confirmLink);
    expect(decodeHtml(receipt.html)).toContain(`href="${confirmLink}"`);

    await t.http.post(`${API}/bookings/${reference}/confirm`).send({ token }).expect(200);
    await deliverMail(t);
    const mails = smtp.to('anna@example.org');
    expect(mails).toHaveLength(2);
    const confirmation = mails.find((m) => m !== receipt)!;
    expect(confirmation.subject).toBe(`Ihr Termin am Dienstag, 24. November 2026 ist bestätigt (${reference})`);
    // Date, time, address, directions, reference, the checklist of every booked service, cancel link.
    expect(confirmation.text).toContain('Dienstag, 24. November 2026, 08:00 – 08:30 Uhr');
    expect(confirmation.text).toContain('Marktplatz 1, 59999 Musterstadt');
    expect(confirmation.text).toContain('Anfahrt: Buslinien 5 und 12');
    expect(confirmation.text).toContain(`Vorgangs- und Wartenummer: ${reference}`);
    expect(confirmation.text).toContain('Bisheriger Personalausweis oder Reisepass');
    expect(confirmation.text).toContain('Wohnungsgeberbestätigung des Vermieters');
    expect(confirmation.text).toContain(`http://amtszeit.test/${SLUG}/buchung/${reference}/stornieren?token=${token}`);
    expect(confirmation.html).toContain('src="cid:qr@amtszeit"');

    // The QR code decodes back to what the kiosk scans.
    const qr = confirmation.attachments.find((a) => a.cid === 'qr@amtszeit')!;
    expect(qr.contentType).toBe('image/png');
    const png = PNG.sync.read(qr.content);
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(`AMTSZEIT:${SLUG}:${reference}`);

    // The ICS attachment, read by an independent parser.
    const icsFile = confirmation.attachments.find((a) => a.filename === 'termin.ics')!;
    const events = Object.values(ical.sync.parseICS(icsFile.content.toString('utf8'))).filter((c) => c?.type === 'VEVENT') as VEvent[];
    expect(events).toHaveLength(1);
    expect(new Date(events[0].start).toISOString()).toBe('2026-11-24T07:00:00.000Z');
    expect(new Date(events[0].end!).toISOString()).toBe('2026-11-24T07:30:00.000Z');
    expect(String(events[0].location)).toContain('Marktplatz 1');
    expect(String(events[0].summary)).toContain('Personalausweis beantragen');
  });

  it('writes English mails for locale en, with &lang=en on the links', async () => {
    const { reference, token } = await book('bob@example.org', { locale: 'en' });
    await t.http.post(`${API}/bookings/${reference}/confirm`).send({ token }).expect(200);
    await deliverMail(t);
    const mails = smtp.to('bob@example.org');
    const receipt = mails.find((m) => m.subject.startsWith('Please confirm'))!;
    const confirmation = mails.find((m) => m.subject.startsWith('Your appointment'))!;
    expect(receipt.subject).toBe(`Please confirm your appointment on Tuesday, 24 November 2026 (${reference})`);
    expect(receipt.text).toContain(`/bestaetigen?token=${token}&lang=en`);
    expect(confirmation.text).toContain('Current identity card or passport');
    expect(confirmation.text).toContain('Please bring');
  });

  it("uses a tenant's template override", async () => {
    const [location] = await t.dataSource.query(`SELECT l.id FROM location l JOIN tenant t ON t.id = l.tenantId WHERE t.slug = 'beispielheim'`);
    const [service] = await t.dataSource.query(
      `SELECT s.id FROM service s JOIN tenant t ON t.id = s.tenantId WHERE t.slug = 'beispielheim' AND s.name = 'Personalausweis beantragen'`,
    );
    await release(t, 'beispielheim');
    const res = await t.http
      .post('/api/v1/tenants/beispielheim/bookings')
      .send({
        services: [{ serviceId: service.id, quantity: 1 }],
        locationId: location.id,
        start: '2026-11-24T09:00:00+01:00',
        citizen: citizen('bh'),
        consent: true,
      })
      .expect(201);
    await deliverMail(t, 'beispielheim');
    expect(only(smtp.to('erikabh@example.org')).subject).toBe(`Beispielheim: bitte bestätigen (${res.body.reference})`);
  });

  it('SMTP down, then up: every mail arrives exactly once', async () => {
    smtp.down = true;
    const booked = await Promise.all(['c1', 'c2', 'c3'].map((n) => book(`${n}@example.org`)));
    expect(await deliverMail(t)).toEqual({ sent: 0, failed: 3 });
    // Still within the backoff: nothing is tried.
    expect(await deliverMail(t)).toEqual({ sent: 0, failed: 0 });
    smtp.down = false;
    t.clock.advance(61_000);
    expect(await deliverMail(t)).toEqual({ sent: 3, failed: 0 });
    expect(await deliverMail(t)).toEqual({ sent: 0, failed: 0 });
    for (const [i, n] of ['c1', 'c2', 'c3'].entries()) {
      expect(only(smtp.to(`${n}@example.org`)).subject).toContain(booked[i].reference);
    }
  });

  it('a sender that died mid-delivery is taken over after its lease, and the mail goes once', async () => {
    const { reference } = await book('crash@example.org');
    // Simulate a process that claimed the row and died before sending.
    await t.dataSource.query(
      `UPDATE outbox_message SET status = 'sending', claimedBy = 'dead-instance', attempts = 1, leaseUntil = ? WHERE status = 'pending'`,
      [t.dataSource.options.type === 'better-sqlite3' ? '2026-11-23 07:03:00.000' : new Date('2026-11-23T07:03:00Z')],
    );
    expect(await deliverMail(t)).toEqual({ sent: 0, failed: 0 });
    t.clock.advance(5 * 60_000);
    expect(await deliverMail(t)).toEqual({ sent: 1, failed: 0 });
    expect(await deliverMail(t)).toEqual({ sent: 0, failed: 0 });
    expect(only(smtp.to('crash@example.org')).subject).toContain(reference);
  });
});

describe('immediate delivery after a commit (task runner on)', () => {
  it('sends the receipt without waiting for the next task tick', async () => {
    // A poll interval of an hour: only the kick after the commit can deliver within this test.
    const { t, ids, smtp } = await releasedMailApp({ env: { TASK_POLL_SECONDS: '3600' } });
    try {
      const arrived = smtp.nextMail('erikakick@example.org');
      const { body } = await t.http
        .post(`${API}/bookings`)
        .send({
          services: [{ serviceId: ids.ausweis, quantity: 1 }],
          locationId: ids.rathaus,
          start: '2026-11-24T10:00:00+01:00',
          citizen: citizen('kick'),
          consent: true,
        })
        .expect(201);
      expect((await arrived).subject).toContain(body.reference);
    } finally {
      await t.close();
      await smtp.stop();
    }
  });
});
