import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, Module } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fromRoot } from '../apps/server/src/common/project-root.js';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { contrastRatio } from '../apps/server/src/web/contrast.js';
import { TaskRunnerService } from '../apps/server/src/tasks/task-runner.service.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { Booking } from '../plugins/booking/entities/booking.entity.js';
import { CapacityUnit } from '../plugins/booking/entities/capacity-unit.entity.js';
import { decodeHtml, mailLink } from './harness/mail-links.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { bookingManifest } from '../plugins/booking/booking.manifest.js';
import { displayManifest } from '../plugins/display/display.manifest.js';
import { kioskManifest } from '../plugins/kiosk/kiosk.manifest.js';
import { queueManifest } from '../plugins/queue/queue.manifest.js';
import { terminagentManifest } from '../plugins/terminagent/terminagent.manifest.js';

/** The value of the first input/radio with this name (or every radio's value). */
function inputValues(html: string, name: string): string[] {
  return [...html.matchAll(new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`, 'g'))].map((m) => decodeHtml(m[1]));
}

function title(html: string): string {
  return decodeHtml(/<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '');
}

/** The first free day and its n-th time, read from the portal's own pages. */
async function freeSlot(t: TestApp, slug: string, services: string, nth = 0): Promise<{ locationId: string; start: string }> {
  const days = await t.http.get(`/${slug}/termin/tag?services=${services}`).expect(200);
  const [date, locationId] = inputValues(days.text, 'day')[0].split('_');
  const times = await t.http.get(`/${slug}/termin/uhrzeit?services=${services}&day=${date}_${locationId}`).expect(200);
  return { locationId, start: inputValues(times.text, 'start')[nth] };
}

/** A one-segment route registered after the plugins, like the admin panel's login. */
@Controller('login')
class LaterController {
  @Get()
  page() {
    return { later: true };
  }
}

@Module({ controllers: [LaterController] })
class LaterModule {}

describe('citizen portal without JavaScript (supertest)', () => {
  let t: TestApp;
  let passId: string;
  let anmeldungId: string;

  const release = () => t.app.get(TaskRunnerService).runDue(t.clock.now(), (id) => id === 'booking.release');
  const bookings = () => t.asTenant('musterstadt', () => t.app.get(TenantDataService).repo(Booking).find());
  const bookingByRef = async (reference: string) => {
    const booking = await t.asTenant('musterstadt', () => t.app.get(TenantDataService).repo(Booking).findOneBy({ reference }));
    if (!booking) throw new Error(`no booking ${reference}`);
    return booking;
  };
  /** The confirm link the receipt mail carries, as a path on this server. */
  const confirmLink = (reference: string) => mailLink(t, 'musterstadt', '/bestaetigen?', (m) => m.content.text.includes(reference));

  beforeAll(async () => {
    t = await createTestApp({ imports: [LaterModule] });
    const services = (await t.http.get('/api/v1/tenants/musterstadt/services').expect(200)).body as Array<{ id: string; name: string }>;
    passId = services.find((s) => s.name === 'Personalausweis beantragen')!.id;
    anmeldungId = services.find((s) => s.name === 'Anmeldung des Wohnsitzes')!.id;
  });
  afterAll(async () => t.close());

  it('shows the start page in German with the tenant branding, footer links and English switch', async () => {
    const res = await t.http.get('/musterstadt/').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('<html lang="de">');
    expect(title(res.text)).toBe('Anliegen wählen – Stadt Musterstadt');
    expect(res.text).toContain('Personalausweis beantragen');
    expect(res.text).not.toContain('Abholung Ausweisdokument'); // not bookable online
    expect(res.text).toContain('href="https://www.musterstadt.example/impressum"');
    expect(res.text).toContain('href="https://www.musterstadt.example/barrierefreiheit"');
    expect(res.text).toContain('--primary:#00587c');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.text).not.toContain('noindex'); // the start page may be found by search engines
    const en = await t.http.get('/musterstadt/?lang=en').expect(200);
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('Apply for an identity card');
    expect(en.headers['set-cookie']?.[0]).toMatch(/^lang=en;/);
    const remembered = await t.http.get('/musterstadt/').set('Cookie', 'lang=en').expect(200);
    expect(remembered.text).toContain('<html lang="en">');
  });

  it('serves the stylesheet with a content hash and a long cache lifetime', async () => {
    const page = await t.http.get('/musterstadt/').expect(200);
    const href = /href="(\/assets\/portal\/portal\.css\?v=[0-9a-f]+)"/.exec(decodeHtml(page.text))![1];
    const css = await t.http.get(href).expect(200);
    expect(css.headers['content-type']).toMatch(/text\/css/);
    expect(css.headers['cache-control']).toContain('immutable');
    await t.http.get('/assets/portal/..%2Fportal.module.ts').expect(404);
    await t.http.get('/assets/portal/nope.css').expect(404);
  });

  it("leaves the server's own one-segment paths to their routes", async () => {
    await t.http.get('/health').expect(200);
    expect((await t.http.get('/login').expect(200)).body).toEqual({ later: true });
    const res = await t.http.get('/favicon.ico').expect(404);
    expect(res.headers['content-type']).toMatch(/json/);
  });

  it('serves the tenant portal on its own domain without the slug in links', async () => {
    const res = await t.http.get('/').set('Host', 'beispielheim.localhost').expect(200);
    expect(title(res.text)).toBe('Anliegen wählen – Gemeinde Beispielheim');
    expect(res.text).toContain('action="/termin/standort"');
  });

  it('refuses an empty or too large choice with errors tied to the fields', async () => {
    const none = await t.http.get('/musterstadt/termin/standort').expect(400);
    expect(title(none.text)).toBe('Fehler – Anliegen wählen – Stadt Musterstadt');
    expect(none.text).toContain('Wählen Sie mindestens ein Anliegen.');
    expect(none.text).toContain('aria-describedby="services-error"');
    const tooMany = await t.http.get(`/musterstadt/termin/standort?n_${passId}=9`).expect(400);
    expect(tooMany.text).toContain(`id="n_${passId}-error"`);
    expect(tooMany.text).toMatch(new RegExp(`id="n_${passId}"[^>]*aria-invalid="true"`));
  });

  it('says plainly when nothing is free and offers the waitlist only where the agent is on', async () => {
    // Nothing has been released yet.
    const ms = await t.http.get(`/musterstadt/termin/tag?services=${passId}:1`).expect(200);
    expect(title(ms.text)).toBe('Kein freier Termin – Stadt Musterstadt');
    expect(decodeHtml(ms.text)).toContain(`href="/musterstadt/warteliste?services=${passId}:1"`);
    const bhServices = (await t.http.get('/api/v1/tenants/beispielheim/services').expect(200)).body as Array<{ id: string; onlineBookable: boolean }>;
    const bhId = bhServices.find((s) => s.onlineBookable)!.id;
    const bh = await t.http.get(`/beispielheim/termin/tag?services=${bhId}:1`).expect(200);
    expect(title(bh.text)).toBe('Kein freier Termin – Gemeinde Beispielheim');
    expect(bh.text).not.toContain('warteliste');
    // The start page offers the waitlist directly, too.
    expect((await t.http.get('/musterstadt/').expect(200)).text).toContain('href="/musterstadt/warteliste"');
    expect((await t.http.get('/beispielheim/').expect(200)).text).not.toContain('warteliste');
  });

  it("shows the agent's offers through the frame's slots only while the agent is on for the tenant", async () => {
    const muster = await t.tenant('musterstadt');
    const host = t.app.get(PluginHostService);
    const pages = async () => [
      (await t.http.get('/musterstadt/').expect(200)).text,
      decodeHtml((await t.http.get(`/musterstadt/termin/tag?services=${passId}:1`).expect(200)).text),
    ];
    await host.setEnabled(muster.id, terminagentManifest, false);
    try {
      for (const html of await pages()) {
        expect(html).not.toContain('warteliste');
        expect(html).not.toContain('Warteliste');
      }
    } finally {
      await host.setEnabled(muster.id, terminagentManifest, true);
    }
    const [start, day] = await pages();
    // The agent's own texts, in the booking page's language.
    expect(start).toContain('<aside class="waitlist" aria-labelledby="waitlist-title">');
    expect(start).toContain('Terminwunsch auf die Warteliste setzen');
    expect(day).toContain(`<a class="button" href="/musterstadt/warteliste?services=${passId}:1">`);
    const en = decodeHtml((await t.http.get(`/musterstadt/termin/tag?services=${passId}:1&lang=en`).expect(200)).text);
    expect(en).toContain('Join the waiting list');
  });

  it('books through plain forms: services → location → day → time → details → review → check your mail', async () => {
    await release();
    const loc = await t.http.get(`/musterstadt/termin/standort?n_${passId}=1&n_${anmeldungId}=2`).expect(200);
    const servicesParam = inputValues(loc.text, 'services')[0];
    expect(servicesParam).toBe(`${passId}:1,${anmeldungId}:2`);
    const locationIds = inputValues(loc.text, 'locations');
    expect(locationIds).toHaveLength(2);

    const day = await t.http.get(`/musterstadt/termin/tag?services=${servicesParam}&locations=${locationIds[0]}`).expect(200);
    expect(title(day.text)).toBe('Tag wählen – Stadt Musterstadt');
    const dayValue = inputValues(day.text, 'day')[0];
    expect(dayValue).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}_${locationIds[0]}$`));

    const time = await t.http.get(`/musterstadt/termin/uhrzeit?services=${servicesParam}&locations=${locationIds[0]}&day=${dayValue}`).expect(200);
    const start = inputValues(time.text, 'start')[0];
    expect(start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);

    const details = await t.http
      .get(`/musterstadt/termin/angaben?services=${servicesParam}&locations=${locationIds[0]}&location=${locationIds[0]}&start=${encodeURIComponent(start)}`)
      .expect(200);
    expect(details.text).toContain('method="post"');
    const form = { services: servicesParam, locations: locationIds[0], location: locationIds[0], start };

    const before = (await bookings()).length;
    const invalid = await t.http
      .post('/musterstadt/termin/angaben')
      .type('form')
      .send({ ...form, name: 'A', email: 'kein-mail', phone: '' })
      .expect(400);
    expect(title(invalid.text)).toMatch(/^Fehler – Ihre Angaben/);
    expect(invalid.text).toMatch(/id="email"[^>]*aria-describedby="email-hint email-error"[^>]*aria-invalid="true"/);
    expect(invalid.text).toContain('href="#consent"');
    expect(invalid.text).toContain('value="kein-mail"'); // what was typed stays
    expect((await bookings()).length).toBe(before);

    const citizen = { name: 'Erika Mustermann', email: 'erika@example.org', phone: '', consent: 'yes' };
    const review = await t.http
      .post('/musterstadt/termin/angaben')
      .type('form')
      .send({ ...form, ...citizen })
      .expect(200);
    expect(title(review.text)).toBe('Angaben prüfen – Stadt Musterstadt');
    expect(review.text).toContain('erika@example.org');
    expect(review.text).not.toContain('data-altcha'); // BOT_PROTECTION=off in tests
    const idempotencyKey = inputValues(review.text, 'idempotencyKey')[0];
    expect((await bookings()).length).toBe(before);

    const booked = await t.http
      .post('/musterstadt/termin/buchen')
      .type('form')
      .send({ ...form, ...citizen, idempotencyKey, action: 'book' })
      .expect(303);
    expect(booked.headers.location).toMatch(/^\/musterstadt\/termin\/gesendet\?ref=[A-Z0-9-]+&bis=/);
    // A double click sends the same form again: still one booking.
    const again = await t.http
      .post('/musterstadt/termin/buchen')
      .type('form')
      .send({ ...form, ...citizen, idempotencyKey, action: 'book' })
      .expect(303);
    expect(again.headers.location).toBe(booked.headers.location);
    expect((await bookings()).length).toBe(before + 1);

    const sent = await t.http.get(booked.headers.location).expect(200);
    expect(title(sent.text)).toBe('Bitte bestätigen Sie Ihren Termin – Stadt Musterstadt');
    const reference = new URL(booked.headers.location, 'http://x').searchParams.get('ref')!;
    expect(sent.text).toContain(reference);
    expect(sent.text).not.toContain('erika@example.org');
    expect(sent.text).toContain('<meta name="robots" content="noindex">');
    const forged = await t.http.get('/musterstadt/termin/gesendet?ref=Rufen+Sie+0900-123+an').expect(200);
    expect(/<main[\s\S]*<\/main>/.exec(forged.text)![0]).not.toContain('0900-123');
    expect((await bookingByRef(reference)).status).toBe('pending');
  });

  it('goes back from the review to the prefilled details form', async () => {
    const { locationId, start } = await freeSlot(t, 'musterstadt', `${passId}:1`);
    const res = await t.http
      .post('/musterstadt/termin/buchen')
      .type('form')
      .send({ services: `${passId}:1`, location: locationId, start, name: 'Max Muster', email: 'max@example.org', consent: 'yes', action: 'edit' })
      .expect(200);
    expect(title(res.text)).toBe('Ihre Angaben – Stadt Musterstadt');
    expect(res.text).toContain('value="Max Muster"');
  });

  it('changes nothing on GET of the confirm and cancel pages; the buttons POST', async () => {
    const { locationId, start } = await freeSlot(t, 'musterstadt', `${passId}:1`, 1);
    const booked = await t.http
      .post('/musterstadt/termin/buchen')
      .type('form')
      .send({ services: `${passId}:1`, location: locationId, start, name: 'Max Muster', email: 'max@example.org', consent: 'yes', action: 'book' })
      .expect(303);
    const reference = new URL(booked.headers.location, 'http://x').searchParams.get('ref')!;
    const confirmPath = await confirmLink(reference);
    const token = new URL(confirmPath, 'http://x').searchParams.get('token')!;
    const snapshot = async () => {
      const b = await bookingByRef(reference);
      return { status: b.status, revision: b.revision, updatedAt: b.updatedAt.getTime() };
    };
    const before = await snapshot();

    // Mail scanners follow every link, several times.
    for (let i = 0; i < 2; i += 1) {
      const confirmPage = await t.http.get(confirmPath).expect(200);
      expect(title(confirmPage.text)).toBe('Termin bestätigen – Stadt Musterstadt');
      expect(confirmPage.text).toMatch(/<form method="post" action="\/musterstadt\/buchung\/[^"]+\/bestaetigen">/);
      await t.http.get(`/musterstadt/buchung/${reference}/stornieren?token=${token}`).expect(200);
      await t.http.get(`/musterstadt/buchung/${reference}?token=${token}`).expect(200);
      await t.http.get(`/musterstadt/buchung/${reference}/verschieben?token=${token}`).expect(200);
    }
    expect(await snapshot()).toEqual(before);

    const confirmed = await t.http.post(`/musterstadt/buchung/${reference}/bestaetigen`).type('form').send({ token }).expect(303);
    expect(confirmed.headers.location).toBe(`/musterstadt/buchung/${reference}?token=${encodeURIComponent(token)}&erledigt=confirmed`);
    const manage = await t.http.get(confirmed.headers.location).expect(200);
    expect(manage.text).toContain('Ihr Termin ist bestätigt');
    expect(manage.text).toContain('Bisheriger Personalausweis oder Reisepass'); // the checklist
    expect((await bookingByRef(reference)).status).toBe('confirmed');

    const ics = await t.http.get(`/musterstadt/buchung/${reference}/termin.ics?token=${token}`).expect(200);
    expect(ics.headers['content-type']).toMatch(/text\/calendar/);
    expect(ics.text).toContain('BEGIN:VEVENT');

    const confirmedSnapshot = await snapshot();
    await t.http.get(`/musterstadt/buchung/${reference}/stornieren?token=${token}&lang=en`).expect(200);
    expect(await snapshot()).toEqual(confirmedSnapshot);

    const cancelled = await t.http.post(`/musterstadt/buchung/${reference}/stornieren`).type('form').send({ token }).expect(303);
    const after = await t.http.get(cancelled.headers.location).expect(200);
    expect(after.text).toContain('Ihr Termin ist abgesagt.');
    expect((await bookingByRef(reference)).status).toBe('cancelled');
  });

  it('moves a confirmed appointment through the rebook pages', async () => {
    const { locationId, start } = await freeSlot(t, 'musterstadt', `${passId}:1`, 2);
    const booked = await t.http
      .post('/musterstadt/termin/buchen')
      .type('form')
      .send({ services: `${passId}:1`, location: locationId, start, name: 'Rita Umzug', email: 'rita@example.org', consent: 'yes', action: 'book' })
      .expect(303);
    const reference = new URL(booked.headers.location, 'http://x').searchParams.get('ref')!;
    const token = new URL(await confirmLink(reference), 'http://x').searchParams.get('token')!;
    await t.http.post(`/musterstadt/buchung/${reference}/bestaetigen`).type('form').send({ token }).expect(303);

    const days = await t.http.get(`/musterstadt/buchung/${reference}/verschieben?token=${token}`).expect(200);
    expect(title(days.text)).toBe('Termin verschieben – Stadt Musterstadt');
    const day = inputValues(days.text, 'tag').at(-1)!;
    const times = await t.http.get(`/musterstadt/buchung/${reference}/verschieben?token=${token}&tag=${day}`).expect(200);
    const newStart = inputValues(times.text, 'start')[0];
    const [, newLocation] = day.split('_');
    expect(newStart).not.toBe(start);
    const moved = await t.http
      .post(`/musterstadt/buchung/${reference}/verschieben`)
      .type('form')
      .send({ token, location: newLocation, start: newStart })
      .expect(303);
    expect(moved.headers.location).toContain('erledigt=rebooked');
    const manage = await t.http.get(moved.headers.location).expect(200);
    expect(manage.text).toContain('Ihr Termin wurde verschoben.');
    const booking = await bookingByRef(reference);
    expect(booking.startAt.toISOString()).toBe(new Date(newStart).toISOString());
    expect(booking.locationId).toBe(newLocation);
  });

  it("never shows or changes a booking through another municipality's pages", async () => {
    const { locationId, start } = await freeSlot(t, 'musterstadt', `${passId}:1`, 3);
    const booked = await t.http
      .post('/musterstadt/termin/buchen')
      .type('form')
      .send({ services: `${passId}:1`, location: locationId, start, name: 'Nora Nachbar', email: 'nora@example.org', consent: 'yes', action: 'book' })
      .expect(303);
    const reference = new URL(booked.headers.location, 'http://x').searchParams.get('ref')!;
    const token = new URL(await confirmLink(reference), 'http://x').searchParams.get('token')!;
    const base = `/beispielheim/buchung/${reference}`;
    for (const path of [
      `${base}?token=${token}`,
      `${base}/bestaetigen?token=${token}`,
      `${base}/stornieren?token=${token}`,
      `${base}/verschieben?token=${token}`,
      `${base}/termin.ics?token=${token}`,
    ]) {
      const res = await t.http.get(path).expect(404);
      expect(res.text).not.toContain('Nora Nachbar');
    }
    for (const action of ['bestaetigen', 'stornieren']) await t.http.post(`${base}/${action}`).type('form').send({ token }).expect(404);
    expect((await bookingByRef(reference)).status).toBe('pending');
  });

  it('explains a domain error by its code in German and English: a time taken meanwhile, an action on a cancelled booking', async () => {
    const { locationId, start } = await freeSlot(t, 'musterstadt', `${passId}:1`, 2);
    // Every counter of that time is taken meanwhile.
    await t.asTenant('musterstadt', async () => {
      const units = t.app.get(TenantDataService).repo(CapacityUnit);
      for (const unit of await units.findBy({ locationId, slotStart: new Date(start) })) await units.update({ id: unit.id }, { used: unit.capacity });
    });
    const form = { services: `${passId}:1`, location: locationId, start, name: 'Max Muster', email: 'max.code@example.org', consent: 'yes', action: 'book' };
    const de = await t.http.post('/musterstadt/termin/buchen').type('form').send(form).expect(409);
    expect(title(de.text)).toMatch(/^Fehler – /);
    expect(de.text).toContain('Diese Uhrzeit ist inzwischen leider vergeben. Bitte wählen Sie eine andere.');
    const en = await t.http.post('/musterstadt/termin/buchen?lang=en').type('form').send(form).expect(409);
    expect(en.text).toContain('This time has been taken meanwhile. Please choose another one.');
    // Without a page to go back to, the frame's error page says what the code means.
    const { location } = (
      await t.http
        .post('/musterstadt/termin/buchen')
        .type('form')
        .send({ ...form, start: (await freeSlot(t, 'musterstadt', `${passId}:1`, 3)).start })
        .expect(303)
    ).headers;
    const reference = new URL(location, 'http://x').searchParams.get('ref')!;
    const token = new URL(await confirmLink(reference), 'http://x').searchParams.get('token')!;
    await t.http.post(`/musterstadt/buchung/${reference}/stornieren`).type('form').send({ token }).expect(303);
    const cancelledDe = await t.http.post(`/musterstadt/buchung/${reference}/bestaetigen`).type('form').send({ token }).expect(409);
    expect(title(cancelledDe.text)).toBe('Nicht mehr möglich – Stadt Musterstadt');
    expect(cancelledDe.text).toContain('<p>Dieser Termin wurde abgesagt.</p>');
    const cancelledEn = await t.http.post(`/musterstadt/buchung/${reference}/bestaetigen?lang=en`).type('form').send({ token }).expect(409);
    expect(cancelledEn.text).toContain('<p>This appointment was cancelled.</p>');
    // The JSON API says the same by code, its English message unchanged.
    const api = await t.http.post(`/api/v1/tenants/musterstadt/bookings/${reference}/confirm`).send({ token });
    expect(api.body).toEqual({ statusCode: 409, error: 'Conflict', message: 'This appointment was cancelled.', code: 'BOOKING_CANCELLED' });
  });

  it('answers a wrong token or unknown reference with the same HTML 404 page', async () => {
    const wrong = await t.http.get('/musterstadt/buchung/ABCD-EFGH/bestaetigen?token=nope').expect(404);
    expect(wrong.headers['content-type']).toMatch(/text\/html/);
    expect(title(wrong.text)).toBe('Seite nicht gefunden – Stadt Musterstadt');
    await t.http.post('/musterstadt/buchung/ABCD-EFGH/stornieren').type('form').send({ token: 'nope' }).expect(404);
  });

  it('answers 404 pages when the booking plugin is off for the tenant', async () => {
    const host = t.app.get(PluginHostService);
    const tenant = await t.tenant('beispielheim');
    // What depends on booking goes off first (the queue, and the devices that need the queue).
    const dependants = [displayManifest, kioskManifest, queueManifest];
    for (const plugin of dependants) await host.setEnabled(tenant.id, plugin, false);
    await host.setEnabled(tenant.id, bookingManifest, false);
    try {
      const res = await t.http.get('/beispielheim/').expect(404);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(title(res.text)).toBe('Seite nicht gefunden – Gemeinde Beispielheim');
      await t.http.get('/beispielheim/termin/standort').expect(404);
      await t.http.get('/musterstadt/').expect(200);
    } finally {
      await host.setEnabled(tenant.id, bookingManifest, true);
      for (const plugin of dependants.reverse()) await host.setEnabled(tenant.id, plugin, true);
    }
    await t.http.get('/beispielheim/').expect(200);
  });
});

describe('citizen portal with the spam protection on', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { BOT_PROTECTION: 'on' } });
    await t.app.get(TaskRunnerService).runDue(t.clock.now(), (id) => id === 'booking.release');
  });
  afterAll(async () => t.close());

  it('puts the self-hosted ALTCHA challenge on the review form and refuses a booking without its answer', async () => {
    const services = (await t.http.get('/api/v1/tenants/musterstadt/services').expect(200)).body as Array<{ id: string; name: string }>;
    const passId = services.find((s) => s.name === 'Personalausweis beantragen')!.id;
    const { locationId, start } = await freeSlot(t, 'musterstadt', `${passId}:1`);
    const form = { services: `${passId}:1`, location: locationId, start, name: 'Bernd Bot', email: 'bernd@example.org', consent: 'yes' };
    const review = await t.http.post('/musterstadt/termin/angaben').type('form').send(form).expect(200);
    const challenge = JSON.parse(decodeHtml(/data-altcha="([^"]+)"/.exec(review.text)![1]));
    expect(challenge).toEqual(
      expect.objectContaining({ algorithm: 'SHA-256', challenge: expect.any(String), salt: expect.any(String), signature: expect.any(String) }),
    );
    expect(review.text).toMatch(/<script src="\/assets\/portal\/altcha\.js\?v[^"]+" defer><\/script>/);
    expect(review.text).toContain('<noscript>');

    const refused = await t.http
      .post('/musterstadt/termin/buchen')
      .type('form')
      .send({ ...form, action: 'book', altcha: '' })
      .expect(400);
    expect(title(refused.text)).toBe('Fehler – Angaben prüfen – Stadt Musterstadt');
    expect(refused.text).toContain('Der Spam-Schutz braucht JavaScript');
    const count = await t.asTenant('musterstadt', () => t.app.get(TenantDataService).repo(Booking).count());
    expect(count).toBe(0);
  });
});

describe('citizen portal branding', () => {
  let t: TestApp;
  let tenantsDir: string;

  beforeAll(async () => {
    // A tenant whose colours fail WCAG contrast, with a logo next to its config.
    tenantsDir = mkdtempSync(join(tmpdir(), 'amtszeit-tenants-'));
    cpSync(fromRoot('tenants'), tenantsDir, { recursive: true });
    const file = join(tenantsDir, 'beispielheim', 'tenant.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace("primaryColor: '#2d5f2e'", "primaryColor: '#ffdd00'\n  logo: logo.svg")
        .replace("accentColor: '#c9a227'", "accentColor: '#ffee88'"),
    );
    writeFileSync(
      join(tenantsDir, 'beispielheim', 'logo.svg'),
      '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="18"/></svg>',
    );
    t = await createTestApp({ tenantsDir });
  });
  afterAll(async () => {
    await t.close();
    rmSync(tenantsDir, { recursive: true, force: true });
  });

  it('replaces colours that fail contrast and serves only the logo from the tenant folder', async () => {
    const page = decodeHtml((await t.http.get('/beispielheim/').expect(200)).text);
    const vars = Object.fromEntries([...page.matchAll(/--([a-z-]+):(#[0-9a-f]{6})/g)].map((m) => [m[1], m[2]]));
    expect(vars.primary).toBe('#ffdd00');
    expect(vars['on-primary']).toBe('#000000');
    expect(vars.link).not.toBe('#ffdd00');
    expect(contrastRatio(vars.link, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(vars['focus-on-primary'], vars.primary)).toBeGreaterThanOrEqual(3);

    const logo = /<img src="(\/assets\/tenant-beispielheim\/logo\.svg\?v=[0-9a-f]+)" alt=""/.exec(page)![1];
    const svg = await t.http.get(logo).expect(200);
    expect(svg.headers['content-type']).toMatch(/image\/svg\+xml/);
    await t.http.get('/assets/tenant-beispielheim/tenant.yaml').expect(404);
    await t.http.get('/assets/tenant-beispielheim/catalog.yaml').expect(404);
  });
});
