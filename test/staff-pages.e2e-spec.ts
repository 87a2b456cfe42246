import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import supertest from 'supertest';
import { AdminUser } from '../apps/server/src/auth/admin-user.entity.js';
import { type DemoIds, deliverMail, demoIds, release, SLUG } from './booking-helpers.js';
import { createAccount, createAdminTestApp, loginAgent, TEST_PASSWORD } from './harness/admin-session.js';
import { TestSmtpServer } from './harness/smtp-server.js';
import type { TestApp } from './harness/test-app.js';
import { insertBooking } from './staff-calendar-helpers.js';

type Agent = ReturnType<typeof supertest.agent>;

const HOME = `/${SLUG}/mitarbeiter`;
const LOGIN = `${HOME}/anmelden`;
const FIGURES = `${HOME}/terminagent`;

/** The form token of the page's forms (the agent keeps the cookie it belongs to). */
function formToken(html: string): string {
  const token = /name="formToken" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no form token on the page');
  return token;
}

/**
 * The staff area's frame over plain HTTP: who gets in (the tenant's people only, by the page's
 * login or the panel's session), where a missing login leads, and that its forms need their
 * token and a same-site origin.
 */
describe('staff pages: login, frame and access', () => {
  let t: TestApp;
  let ids: DemoIds;
  let beispielLocation: string;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = new TestSmtpServer();
    await smtp.start();
    t = await createAdminTestApp({ env: { SMTP_URL: smtp.url } });
    ids = await demoIds(t);
    await release(t);
    const beispiel = await t.tenant('beispielheim');
    beispielLocation = (await t.dataSource.query('SELECT id FROM location WHERE tenantId = ?', [beispiel.id]))[0].id as string;
    const clerk = await createAccount(t, 'staff', 'clerk@musterstadt.test', SLUG);
    await t.dataSource.getRepository(AdminUser).update({ id: clerk.id }, { locationIds: [ids.rathaus] });
    const both = await createAccount(t, 'staff', 'both@musterstadt.test', SLUG);
    await t.dataSource.getRepository(AdminUser).update({ id: both.id }, { locationIds: [ids.rathaus, ids.nord] });
    await createAccount(t, 'staff', 'new@musterstadt.test', SLUG);
    await createAccount(t, 'supervisor', 'lead@musterstadt.test', SLUG);
    await createAccount(t, 'tenant-admin', 'admin@musterstadt.test', SLUG);
    await createAccount(t, 'staff', 'clerk@beispielheim.test', 'beispielheim');
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  async function pageLogin(email: string, next?: string, slug = SLUG): Promise<{ agent: Agent; res: supertest.Response }> {
    const login = `/${slug}/mitarbeiter/anmelden`;
    const agent = supertest.agent(t.app.getHttpServer());
    const page = await agent.get(next ? `${login}?weiter=${encodeURIComponent(next)}` : login).expect(200);
    const res = await agent
      .post(login)
      .type('form')
      .send({ formToken: formToken(page.text), email, password: TEST_PASSWORD, weiter: next ?? '' });
    return { agent, res };
  }

  it('sends a visitor without a login to the login page, which is German, noindex and never cached', async () => {
    const res = await t.http.get(`${FIGURES}?von=2026-11-01`).expect(303);
    expect(res.headers.location).toBe(`${LOGIN}?weiter=${encodeURIComponent(`${FIGURES}?von=2026-11-01`)}`);
    expect((await t.http.get(HOME).expect(303)).headers.location).toBe(`${LOGIN}?weiter=${encodeURIComponent(HOME)}`);
    const page = await t.http.get(res.headers.location).expect(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('<meta name="robots" content="noindex">');
    expect(page.text).toContain('<html lang="de">');
    expect(page.text).toContain('Mitarbeiterbereich');
    expect(page.text).not.toContain('Abmelden');
    const english = await t.http.get(`${LOGIN}?lang=en`).expect(200);
    expect(english.text).toContain('<html lang="en">');
    expect(english.text).toContain('Staff area');
  });

  it('logs a clerk in and goes back to the page asked for; the frame names the user and links the pages', async () => {
    const { agent, res } = await pageLogin('clerk@musterstadt.test', `${FIGURES}?von=2026-11-01`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${FIGURES}?von=2026-11-01`);
    const home = await agent.get(HOME).expect(200);
    expect(home.headers['cache-control']).toBe('no-store');
    expect(home.text).toContain('<meta name="robots" content="noindex">');
    expect(home.text).toContain(`href="${FIGURES}"`);
    expect(home.text).toContain('Abmelden');
    // A clerk has no panel: no link to it.
    expect(home.text).not.toContain('href="/admin"');
    await agent.get(FIGURES).expect(200);
  });

  it('takes the panel session too, and gives a tenant-admin the way back to the panel', async () => {
    const admin = await loginAgent(t, 'admin@musterstadt.test');
    const home = await admin.get(HOME).expect(200);
    expect(home.text).toContain('href="/admin"');
  });

  it('never leads elsewhere after the login than to a staff page of this town', async () => {
    for (const next of [
      'https://evil.example/',
      '//evil.example/x',
      '/beispielheim/mitarbeiter',
      `/${SLUG}/termin`,
      `${HOME}//evil.example`,
      // Dot segments, plain or encoded: the browser would resolve them to another town's path.
      `${HOME}/../../beispielheim/mitarbeiter`,
      `${HOME}/%2e%2e/%2E%2E/beispielheim/mitarbeiter`,
      `${HOME}/terminagent/./../../../beispielheim/mitarbeiter?x=1`,
      `/${SLUG}/schalter/../../beispielheim/mitarbeiter`,
    ]) {
      const { res } = await pageLogin('clerk@musterstadt.test', next);
      expect([res.status, res.headers.location]).toEqual([303, HOME]);
    }
  });

  it("refuses another town's people, on the login and with a session", async () => {
    const { res } = await pageLogin('clerk@beispielheim.test');
    expect(res.status).toBe(403);
    expect(res.text).toContain('keinen Zugang zum Mitarbeiterbereich dieser Kommune');
    expect(String(res.headers['set-cookie'] ?? '')).not.toContain('amtszeit.sid');
    const { agent: beispiel, res: own } = await pageLogin('clerk@beispielheim.test', undefined, 'beispielheim');
    expect(own.status).toBe(303);
    await beispiel.get('/beispielheim/mitarbeiter').expect(200);
    for (const path of [HOME, FIGURES]) {
      const refused = await beispiel.get(path).expect(403);
      expect(refused.text).toContain('Kein Zugriff');
      // No staff frame of the other town (no navigation, no form token), nothing of the own.
      expect(refused.text).not.toContain('formToken');
      expect(refused.text).not.toContain('Beispielheim');
    }
    // Beispielheim has the Terminagent off: neither the link nor the page.
    expect((await beispiel.get('/beispielheim/mitarbeiter').expect(200)).text).not.toContain('terminagent');
    await beispiel.get('/beispielheim/mitarbeiter/terminagent').expect(404);
  });

  it('refuses a wrong password with the message, and a login or logout without the form token or from another site', async () => {
    const agent = supertest.agent(t.app.getHttpServer());
    const page = await agent.get(LOGIN).expect(200);
    const token = formToken(page.text);
    const wrong = await agent.post(LOGIN).type('form').send({ formToken: token, email: 'clerk@musterstadt.test', password: 'falsch' }).expect(401);
    expect(wrong.text).toContain('E-Mail oder Passwort ist falsch.');
    const noToken = await agent.post(LOGIN).type('form').send({ email: 'clerk@musterstadt.test', password: TEST_PASSWORD }).expect(400);
    expect(noToken.text).toContain('Die Seite ist abgelaufen');
    await agent
      .post(LOGIN)
      .set('Origin', 'https://evil.example')
      .type('form')
      .send({ formToken: token, email: 'clerk@musterstadt.test', password: TEST_PASSWORD })
      .expect(403);
    await agent.get(HOME).expect(303);

    const { agent: clerk } = await pageLogin('clerk@musterstadt.test');
    const home = await clerk.get(HOME).expect(200);
    await clerk.post(`${HOME}/abmelden`).type('form').send({}).expect(400);
    await clerk
      .post(`${HOME}/abmelden`)
      .set('Sec-Fetch-Site', 'cross-site')
      .type('form')
      .send({ formToken: formToken(home.text) })
      .expect(403);
    await clerk.get(HOME).expect(200);
    const out = await clerk
      .post(`${HOME}/abmelden`)
      .type('form')
      .send({ formToken: formToken(home.text) })
      .expect(303);
    expect(out.headers.location).toBe(`${LOGIN}?abgemeldet=1`);
    await clerk.get(HOME).expect(303);
  });

  it("shows a clerk's calendar for the own locations only; a supervisor's for every location; bad input a 400 page", async () => {
    const CAL = `${HOME}/kalender`;
    const { agent: clerk } = await pageLogin('clerk@musterstadt.test');
    const own = await clerk.get(CAL).expect(200);
    expect(own.headers['cache-control']).toBe('no-store');
    expect(own.text).toContain(`<option value="${ids.rathaus}" selected>`);
    expect(own.text).not.toContain(ids.nord);
    await clerk.get(`${CAL}?standort=${ids.nord}`).expect(403);
    // Another town's location: not the clerk's (403), and nothing of it shown.
    const foreign = await clerk.get(`${CAL}?standort=${beispielLocation}`).expect(403);
    expect(foreign.text).not.toContain('Beispielheim');
    const bad = await clerk.get(`${CAL}?datum=23.11.2026`).expect(400);
    expect(bad.text).toContain('Geben Sie den Tag als Datum an');
    expect(bad.text).toContain('aria-invalid="true"');

    const { agent: none } = await pageLogin('new@musterstadt.test');
    expect((await none.get(CAL).expect(200)).text).toContain('Ihrem Konto ist kein Standort zugeordnet');

    const { agent: lead } = await pageLogin('lead@musterstadt.test');
    const all = await lead.get(`${CAL}?standort=${ids.nord}&ansicht=woche`).expect(200);
    expect(all.text).toContain(`<option value="${ids.nord}" selected>`);
    expect(all.text).toContain(`<option value="${ids.rathaus}">`);
    // A supervisor has no panel.
    expect(all.text).not.toContain('href="/admin"');
    await lead.get(`${CAL}?standort=${beispielLocation}`).expect(404);
  });

  it('refuses changes on the appointment, block and feed pages without the form token, from another site, for the wrong role or town, and writes nothing', async () => {
    const { id } = await insertBooking(t, ids, { startAt: new Date('2026-11-24T09:00:00Z') });
    const row = async () => (await t.dataSource.query('SELECT status, staffNote, revision FROM booking WHERE id = ?', [id]))[0];
    const count = async (table: string) => Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
    const before = await row();
    const { agent: clerk } = await pageLogin('clerk@musterstadt.test');
    const page = await clerk.get(`${HOME}/termin/${id}`).expect(200);
    expect(page.text).toContain('Erika Mustermann');
    const token = formToken(page.text);
    await clerk.post(`${HOME}/termin/${id}/notiz`).type('form').send({ notiz: 'ohne Token' }).expect(400);
    await clerk.post(`${HOME}/termin/${id}/stornieren`).type('form').send({ formToken: 'falsch' }).expect(400);
    await clerk.post(`${HOME}/termin/${id}/stornieren`).set('Origin', 'https://evil.example').type('form').send({ formToken: token }).expect(403);
    const block = { standort: ids.rathaus, datum: '2026-11-24', von: '08:00', bis: '09:00', grund: 'Test' };
    await clerk.post(`${HOME}/sperren`).type('form').send(block).expect(400);
    await clerk
      .post(`${HOME}/sperren`)
      .type('form')
      .send({ ...block, formToken: token, grund: '' })
      .expect(400);
    // Feeds are the supervisors' and administrators': no link, no page, no POST for a clerk.
    expect(page.text).not.toContain('kalender-abo');
    await clerk.get(`${HOME}/kalender-abo`).expect(403);
    await clerk.post(`${HOME}/kalender-abo`).type('form').send({ formToken: token, standort: ids.rathaus }).expect(403);
    expect(await row()).toEqual(before);
    expect([await count('booking_capacity_block'), await count('booking_calendar_feed')]).toEqual([0, 0]);

    // Another town's supervisor under its own path: the id is not found there, and nothing is opened.
    const beispiel = supertest.agent(t.app.getHttpServer());
    await createAccount(t, 'supervisor', 'lead@beispielheim.test', 'beispielheim');
    const login = await beispiel.get('/beispielheim/mitarbeiter/anmelden').expect(200);
    await beispiel
      .post('/beispielheim/mitarbeiter/anmelden')
      .type('form')
      .send({ formToken: formToken(login.text), email: 'lead@beispielheim.test', password: TEST_PASSWORD })
      .expect(303);
    const viewed = async () => count(`audit_log WHERE action = 'personal-data.viewed' AND recordId = '${id}'`);
    const opened = await viewed();
    const foreign = await beispiel.get(`/beispielheim/mitarbeiter/termin/${id}`).expect(404);
    expect(foreign.text).not.toContain('Erika');
    await beispiel
      .post(`/beispielheim/mitarbeiter/termin/${id}/stornieren`)
      .type('form')
      .send({ formToken: formToken(login.text) })
      .expect(404);
    expect(await viewed()).toBe(opened);
    expect(await row()).toEqual(before);

    // With the token, from this site: the note is saved.
    const saved = await clerk.post(`${HOME}/termin/${id}/notiz`).type('form').send({ formToken: token, notiz: 'Rollstuhl' }).expect(303);
    expect(saved.headers.location).toBe(`${HOME}/termin/${id}?erledigt=notiz`);
    expect((await row()).staffNote).toBe('Rollstuhl');
  });

  it('books for a caller on the form and moves the appointment to one of the free times its page offers', async () => {
    const starts = (html: string) => [...html.matchAll(/name="start" value="([^"]+)"/g)].map((m) => m[1]);
    const { agent: clerk } = await pageLogin('clerk@musterstadt.test');
    const choice = { [`n_${ids.ausweis}`]: '1', standort: ids.rathaus, datum: '2026-11-24' };
    const form = await clerk.get(`${HOME}/buchen?${new URLSearchParams(choice)}`).expect(200);
    const key = /name="key" value="([^"]+)"/.exec(form.text)![1];
    const person = { name: 'Mona Move', email: '', phone: '' };
    const missing = await clerk
      .post(`${HOME}/buchen`)
      .type('form')
      .send({ ...choice, formToken: formToken(form.text), key, ...person, name: '' })
      .expect(400);
    expect(missing.text).toContain('Geben Sie den Namen der Person ein');
    const booked = await clerk
      .post(`${HOME}/buchen`)
      .type('form')
      .send({ ...choice, formToken: formToken(form.text), key, ...person, start: starts(form.text)[0] })
      .expect(303);
    const reference = /gebucht=([A-Z0-9-]+)/.exec(booked.headers.location)![1];
    const [{ id, revision, channel }] = await t.dataSource.query('SELECT id, revision, channel FROM booking WHERE reference = ?', [reference]);
    expect(channel).toBe('phone');

    const page = await clerk.get(`${HOME}/termin/${id}?tag=2026-11-26`).expect(200);
    const free = starts(page.text);
    expect(free.length).toBeGreaterThan(0);
    const move = { formToken: formToken(page.text), revision: String(revision), standort: ids.rathaus, tag: '2026-11-26' };
    const none = await clerk.post(`${HOME}/termin/${id}/verschieben`).type('form').send(move).expect(400);
    expect(none.text).toContain('Wählen Sie eine der freien Zeiten.');
    await clerk
      .post(`${HOME}/termin/${id}/verschieben`)
      .type('form')
      .send({ ...move, start: free[0] })
      .expect(303);
    const after = await clerk.get(`${HOME}/termin/${id}`).expect(200);
    expect(after.text).toContain(`Donnerstag, 26. November 2026, ${free[0].slice(11, 16)}`);
  });

  it('books several services with quantities for a caller: the times fit them together, the booking and the mail have them all', async () => {
    const starts = (html: string) => [...html.matchAll(/name="start" value="([^"]+)"/g)].map((m) => m[1]);
    const { agent: clerk } = await pageLogin('clerk@musterstadt.test');
    // Passport twice (2 × 15 min) and registration once (15 min): 45 minutes.
    const choice = { [`n_${ids.pass}`]: '2', [`n_${ids.anmeldung}`]: '1', [`n_${ids.ausweis}`]: '0', standort: ids.rathaus, datum: '2026-11-24' };
    const form = await clerk.get(`${HOME}/buchen?${new URLSearchParams(choice)}`).expect(200);
    expect(form.text).toContain('Reisepass beantragen ×2, Anmeldung des Wohnsitzes · 45 Minuten');
    const services = /name="services" value="([^"]+)"/.exec(form.text)![1];
    expect(services.split(',').sort()).toEqual([`${ids.pass}:2`, `${ids.anmeldung}:1`].sort());
    const free = starts(form.text);
    // The morning closes at 12:30: the last 45-minute appointment starts at 11:45.
    expect(free.map((s) => s.slice(11, 16))).toContain('11:45');
    expect(free.map((s) => s.slice(11, 16))).not.toContain('12:00');
    const key = /name="key" value="([^"]+)"/.exec(form.text)![1];
    const booked = await clerk
      .post(`${HOME}/buchen`)
      .type('form')
      .send({
        formToken: formToken(form.text),
        key,
        services,
        standort: ids.rathaus,
        datum: '2026-11-24',
        start: free[0],
        name: 'Paula Paar',
        email: 'paula@example.org',
        phone: '',
      })
      .expect(303);
    const reference = /gebucht=([A-Z0-9-]+)/.exec(booked.headers.location)![1];
    const [row] = await t.dataSource.query('SELECT startAt, endAt, services, channel FROM booking WHERE reference = ?', [reference]);
    const list = (typeof row.services === 'string' ? JSON.parse(row.services) : row.services) as Array<{ serviceId: string; quantity: number }>;
    expect(list.map((x) => [x.serviceId, x.quantity]).sort()).toEqual(
      [
        [ids.pass, 2],
        [ids.anmeldung, 1],
      ].sort(),
    );
    expect(new Date(row.endAt).getTime() - new Date(row.startAt).getTime()).toBe(45 * 60_000);
    const day = await clerk.get(booked.headers.location).expect(200);
    expect(day.text).toContain('Reisepass beantragen ×2, Anmeldung des Wohnsitzes');
    await deliverMail(t);
    const [mail] = smtp.to('paula@example.org');
    expect(mail.text).toContain('Reisepass beantragen');
    expect(mail.text).toContain('Anmeldung des Wohnsitzes');
  });

  it('answers a bad choice of services with field messages and writes nothing', async () => {
    const bookings = async () => Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM booking'))[0].n);
    const before = await bookings();
    const { agent: clerk } = await pageLogin('both@musterstadt.test');
    const ask = (q: Record<string, string>) => clerk.get(`${HOME}/buchen?${new URLSearchParams({ datum: '2026-11-25', standort: ids.rathaus, ...q })}`);
    expect((await ask({}).expect(400)).text).toContain('Geben Sie bei mindestens einem Anliegen eine Anzahl an.');
    const tooMany = await ask({ [`n_${ids.ausweis}`]: '5' }).expect(400);
    expect(tooMany.text).toContain('Die Anzahl liegt außerhalb des erlaubten Bereichs.');
    expect(tooMany.text).toContain(`id="n_${ids.ausweis}" name="n_${ids.ausweis}" value="5"`);
    // The passport is not offered at Nord.
    const nord = await ask({ [`n_${ids.pass}`]: '1', standort: ids.nord }).expect(400);
    expect(nord.text).toContain('Dieser Standort bietet nicht alle gewählten Anliegen an.');
    expect(nord.text).not.toContain('name="start"');
    // A POST with a forged combination is refused the same way.
    const page = await ask({ [`n_${ids.ausweis}`]: '1' }).expect(200);
    const start = /name="start" value="([^"]+)"/.exec(page.text)![1];
    const forged = await clerk
      .post(`${HOME}/buchen`)
      .type('form')
      .send({ formToken: formToken(page.text), services: `${ids.pass}:1`, standort: ids.nord, datum: '2026-11-25', start, name: 'Fritz Falsch' })
      .expect(400);
    expect(forged.text).toContain('Dieser Standort bietet nicht alle gewählten Anliegen an.');
    expect(await bookings()).toBe(before);
  });

  it('moves an appointment for a caller to another of the own locations that offers its services; the mail names the old and the new place', async () => {
    const starts = (html: string) => [...html.matchAll(/name="start" value="([^"]+)"/g)].map((m) => m[1]);
    const { id, reference } = await insertBooking(t, ids, {
      startAt: new Date('2026-11-24T10:00:00Z'),
      citizen: { name: 'Olga Ort', email: 'olga@example.org', phone: null, locale: 'de', smsConsent: false },
    });
    const row = async () => (await t.dataSource.query('SELECT locationId, startAt, revision FROM booking WHERE id = ?', [id]))[0];
    const before = await row();

    // A clerk of the town hall only: no choice of location, and a forged one is refused.
    const { agent: clerk } = await pageLogin('clerk@musterstadt.test');
    const own = await clerk.get(`${HOME}/termin/${id}?tag=2026-11-25&ort=${ids.nord}`).expect(200);
    expect(own.text).not.toContain('id="ort"');
    expect(own.text).toContain('Freie Zeit: Bürgerbüro im Rathaus');
    const refused = await clerk
      .post(`${HOME}/termin/${id}/verschieben`)
      .type('form')
      .send({ formToken: formToken(own.text), revision: String(before.revision), standort: ids.nord, tag: '2026-11-25', start: '2026-11-25T14:00:00+01:00' })
      .expect(403);
    expect(refused.text).toContain('keinen Zugriff auf diese Seite');
    expect(await row()).toEqual(before);

    // A clerk of both locations picks Nord (it offers the ID card) and one of its free times there.
    const { agent: both } = await pageLogin('both@musterstadt.test');
    const page = await both.get(`${HOME}/termin/${id}?tag=2026-11-25&ort=${ids.nord}`).expect(200);
    expect(page.text).toContain(`<option value="${ids.nord}" selected>`);
    expect(page.text).toContain('Freie Zeit: Bürgerbüro Nord (Stadtteilzentrum)');
    const free = starts(page.text);
    // Nord opens on Wednesdays from 13:00.
    expect(free[0].slice(11, 16)).toBe('13:00');
    await deliverMail(t);
    await both
      .post(`${HOME}/termin/${id}/verschieben`)
      .type('form')
      .send({ formToken: formToken(page.text), revision: String(before.revision), standort: ids.nord, tag: '2026-11-25', start: free[0] })
      .expect(303);
    const after = await row();
    expect(after.locationId).toBe(ids.nord);
    expect(new Date(after.startAt).toISOString()).toBe('2026-11-25T12:00:00.000Z');
    await deliverMail(t);
    const [mail] = smtp.to('olga@example.org');
    expect(mail.subject).toContain(reference);
    expect(mail.text).toContain('Bürgerbüro im Rathaus');
    expect(mail.text).toContain('Bürgerbüro Nord');
  });
});
