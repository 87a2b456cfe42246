import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import supertest from 'supertest';
import { AdminUser } from '../apps/server/src/auth/admin-user.entity.js';
import { Counter } from '../apps/server/src/catalog/entities/counter.entity.js';
import { type DemoIds, releasedDemoApp, SLUG } from './booking-helpers.js';
import { createAccount, TEST_PASSWORD, TEST_SESSION_SECRET } from './harness/admin-session.js';
import type { TestApp } from './harness/test-app.js';
import { insertBooking } from './staff-calendar-helpers.js';
import { QueueTicket } from '../plugins/queue/entities/ticket.entity.js';

type Agent = ReturnType<typeof supertest.agent>;

const COUNTER = `/${SLUG}/schalter`;
const PRESENCE = `/${SLUG}/anwesenheit`;

function formToken(html: string): string {
  const token = /name="formToken" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no form token on the page');
  return token;
}

/** The waiting list's numbers in call order, as the page shows them. */
function waitingNumbers(html: string): string[] {
  return [...html.matchAll(/<tr data-ticket="[^"]+" data-number="([^"]+)"/g)].map((m) => m[1]);
}

/**
 * The counter workplace and the presence overview over plain HTTP, as a browser without JavaScript
 * uses them: every action a form POST with the form token, 303 back to the page; refusals of the
 * engine shown on the page; roles and locations enforced on every route.
 */
describe('counter workplace pages without JavaScript', () => {
  let t: TestApp;
  let ids: DemoIds;
  let counters: Record<string, string>;
  let clerk: Agent;
  let lead: Agent;

  beforeAll(async () => {
    ({ t, ids } = await releasedDemoApp({ env: { SESSION_SECRET: TEST_SESSION_SECRET } }));
    const users = t.dataSource.getRepository(AdminUser);
    for (const [email, role, locations, name] of [
      ['clerk@musterstadt.test', 'staff', [ids.rathaus], 'Clara Schalter'],
      ['nord@musterstadt.test', 'staff', [ids.nord], 'Nora Nord'],
      ['lead@musterstadt.test', 'supervisor', [], 'Lea Leitung'],
    ] as const) {
      const user = await createAccount(t, role, email, SLUG);
      await users.update({ id: user.id }, { locationIds: [...locations], displayName: name });
    }
    const rows = await t.dataSource.getRepository(Counter).find();
    counters = Object.fromEntries(
      rows.map((c) => [`${c.locationId === ids.rathaus ? 'rathaus' : c.locationId === ids.nord ? 'nord' : c.tenantId}:${c.name}`, c.id]),
    );
    clerk = await pageLogin('clerk@musterstadt.test');
    lead = await pageLogin('lead@musterstadt.test');
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The staff login page's form, on the way back to the counter page. */
  async function pageLogin(email: string): Promise<Agent> {
    const agent = supertest.agent(t.app.getHttpServer());
    const first = await agent.get(COUNTER).expect(303);
    expect(first.headers.location).toBe(`/${SLUG}/mitarbeiter/anmelden?weiter=${encodeURIComponent(COUNTER)}`);
    const login = await agent.get(first.headers.location).expect(200);
    const res = await agent
      .post(`/${SLUG}/mitarbeiter/anmelden`)
      .type('form')
      .send({ formToken: formToken(login.text), email, password: TEST_PASSWORD, weiter: COUNTER })
      .expect(303);
    expect(res.headers.location).toBe(COUNTER);
    return agent;
  }

  async function post(agent: Agent, path: string, fields: Record<string, string | string[]>) {
    const page = await agent.get(COUNTER).expect(200);
    return agent
      .post(`${COUNTER}/${path}`)
      .type('form')
      .send({ formToken: formToken(page.text), ...fields });
  }

  async function open(agent: Agent, location: 'rathaus' | 'nord', counter: string, services: string[]) {
    const res = await post(agent, 'oeffnen', { standort: ids[location], schalter: counters[`${location}:${counter}`], dienste: services });
    expect([res.status, res.headers.location]).toEqual([303, `${COUNTER}?erledigt=geoeffnet`]);
  }

  it('asks a clerk first for counter and services at the own location, refuses an incomplete choice, and remembers the last one', async () => {
    const choose = await clerk.get(COUNTER).expect(200);
    expect(choose.headers['cache-control']).toBe('no-store');
    expect(choose.text).toContain('<title>Schalter wählen – Stadt Musterstadt</title>');
    // One location: no location choice, its counters, its services (all preselected).
    expect(choose.text).not.toContain('Bürgerbüro Nord');
    expect(choose.text).toContain('Platz 4 (1. Obergeschoss, Raum 1.03)');
    expect(choose.text).toContain('Reisepass beantragen');
    // The staff navigation names the counter page.
    expect(choose.text).toMatch(/<a href="\/musterstadt\/schalter" aria-current="page">Schalter<\/a>/);
    // A clerk sees no link to the presence overview.
    expect(choose.text).not.toContain('Anwesenheit');

    const noToken = await clerk
      .post(`${COUNTER}/oeffnen`)
      .type('form')
      .send({ standort: ids.rathaus, schalter: counters['rathaus:Platz 1'], dienste: ids.ausweis });
    expect(noToken.status).toBe(400);
    const empty = await post(clerk, 'oeffnen', { standort: ids.rathaus, schalter: counters['rathaus:Platz 1'] });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Wählen Sie mindestens eine Dienstleistung.');
    // Another location's counter: refused by the location check (403 page).
    const foreign = await post(clerk, 'oeffnen', { standort: ids.nord, schalter: counters['nord:Platz 1'], dienste: ids.ausweis });
    expect(foreign.status).toBe(403);

    await open(clerk, 'rathaus', 'Platz 1', [ids.ausweis, ids.anmeldung]);
    const page = await clerk.get(`${COUNTER}?erledigt=geoeffnet`).expect(200);
    expect(page.text).toContain('Der Arbeitsplatz ist geöffnet.');
    expect(page.text).toContain('Platz 1 · Bürgerbüro im Rathaus');
    expect(page.text).toContain('Personalausweis beantragen, Anmeldung des Wohnsitzes');
    expect(page.text).toContain('Niemand am Schalter.');
    // Changing the counter shows the current choice preselected.
    const change = await clerk.get(`${COUNTER}?wechseln=1`).expect(200);
    expect(change.text).toMatch(new RegExp(`<option value="${counters['rathaus:Platz 1']}" selected>`));
    expect(change.text).toMatch(new RegExp(`value="${ids.ausweis}" checked`));
    expect(change.text).not.toMatch(new RegExp(`value="${ids.pass}" checked`));
  });

  it('issues a walk-in, calls, begins and finishes it, each a form POST answered 303, and answers the poll with 304 while nothing changed', async () => {
    const issued = await post(clerk, 'wartemarke', { dienste: ids.ausweis });
    expect([issued.status, issued.headers.location]).toEqual([303, `${COUNTER}?erledigt=wartemarke&nr=W001`]);
    expect((await clerk.get(issued.headers.location).expect(200)).text).toContain('Wartemarke W001 ist ausgegeben.');
    const missing = await post(clerk, 'wartemarke', {});
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('Wählen Sie mindestens eine Dienstleistung für die Wartemarke.');

    const page = await clerk.get(COUNTER).expect(200);
    expect(waitingNumbers(page.text)).toEqual(['W001']);
    const etag = page.headers.etag;
    expect(etag).toMatch(/^W\/".+-\d+-de"$/);
    await clerk.get(COUNTER).set('If-None-Match', etag).expect(304);

    const called = await post(clerk, 'naechster', {});
    expect([called.status, called.headers.location]).toEqual([303, `${COUNTER}?erledigt=aufgerufen&nr=W001`]);
    const current = await clerk.get(COUNTER).set('If-None-Match', etag).expect(200);
    expect(current.text).toContain('<p class="wp-number" id="wp-number">W001</p>');
    expect(current.text).toContain('aufgerufen');
    expect(waitingNumbers(current.text)).toEqual([]);
    const id = /name="ticket" value="([^"]+)"/.exec(current.text)![1];

    // A recall right away is refused with the engine's text; the page stays as it was.
    const early = await post(clerk, 'erneut', { ticket: id });
    expect(early.status).toBe(409);
    expect(early.text).toContain('Das war nicht möglich');
    t.clock.advance(60_000);
    const recalled = await post(clerk, 'erneut', { ticket: id });
    expect(recalled.headers.location).toBe(`${COUNTER}?erledigt=erneut&nr=W001`);

    expect((await post(clerk, 'beginnen', { ticket: id })).headers.location).toBe(`${COUNTER}?erledigt=begonnen&nr=W001`);
    const serving = await clerk.get(COUNTER).expect(200);
    expect(serving.text).toContain('Erbrachte Dienstleistungen');
    expect((await post(clerk, 'abschliessen', { ticket: id, erbracht: ids.ausweis })).headers.location).toBe(`${COUNTER}?erledigt=abgeschlossen&nr=W001`);
    expect((await clerk.get(COUNTER).expect(200)).text).toContain('Niemand am Schalter.');
    // Nobody waits: calling next says so.
    expect((await post(clerk, 'naechster', {})).headers.location).toBe(`${COUNTER}?erledigt=niemand`);
  });

  it('checks an appointment in from the day list, names it to staff, and parks and brings back a ticket', async () => {
    const { reference } = await insertBooking(t, ids, { startAt: new Date('2026-11-23T07:30:00Z') });
    t.clock.set(new Date('2026-11-23T07:20:00Z'));
    const page = await clerk.get(COUNTER).expect(200);
    expect(page.text).toContain(reference);
    expect(page.text).toContain('noch nicht da');
    const bookingId = /name="termin" value="([^"]+)"/.exec(page.text)![1];
    const checkedIn = await post(clerk, 'einchecken', { termin: bookingId });
    expect(checkedIn.headers.location).toBe(`${COUNTER}?erledigt=eingecheckt&nr=T001`);
    const after = await clerk.get(COUNTER).expect(200);
    expect(after.text).toContain('angekommen');
    expect(waitingNumbers(after.text)).toEqual(['T001']);

    await post(clerk, 'naechster', {});
    const current = await clerk.get(COUNTER).expect(200);
    // At the counter, staff see whom they called (never on the display).
    expect(current.text).toContain('Erika Mustermann');
    const id = /name="ticket" value="([^"]+)"/.exec(current.text)![1];
    expect((await post(clerk, 'parken', { ticket: id })).headers.location).toBe(`${COUNTER}?erledigt=geparkt&nr=T001`);
    const parked = await clerk.get(COUNTER).expect(200);
    expect(parked.text).toContain('T001</span> · geparkt');
    expect((await post(clerk, 'zurueckholen', { ticket: id })).headers.location).toBe(`${COUNTER}?erledigt=zurueckgeholt&nr=T001`);
    expect(waitingNumbers((await clerk.get(COUNTER).expect(200)).text)).toEqual(['T001']);
  });

  it('shows a clear refusal when another counter called the ticket first, and keeps clerks to their location', async () => {
    await open(lead, 'rathaus', 'Platz 2', [ids.ausweis, ids.pass, ids.anmeldung]);
    const before = await lead.get(COUNTER).expect(200);
    // The parked T001 came back to the clerk who parked it (Platz 1): not in Platz 2's list.
    expect(before.text).not.toContain('T001 gezielt aufrufen');
    const id = (await t.dataSource.getRepository(QueueTicket).findOneByOrFail({ number: 'T001', status: 'waiting' })).id;
    await post(clerk, 'naechster', {});
    const late = await post(lead, 'aufrufen', { ticket: id });
    expect(late.status).toBe(409);
    expect(late.text).toContain('Das war nicht möglich');
    expect(late.text).not.toContain('<p class="wp-number" id="wp-number">T001</p>');

    // A clerk of Nord cannot act on the Rathaus ticket, nor check in its appointments.
    const nord = await pageLogin('nord@musterstadt.test');
    await open(nord, 'nord', 'Platz 1', [ids.ausweis]);
    for (const path of ['beginnen', 'parken', 'zurueckholen', 'nicht-erschienen', 'abschliessen']) {
      const res = await post(nord, path, { ticket: id });
      expect({ path, refused: [403, 404].includes(res.status) }).toEqual({ path, refused: true });
    }
    const nordPage = await nord.get(COUNTER).expect(200);
    expect(nordPage.text).not.toContain('T001');
    expect(nordPage.text).not.toContain('Erika Mustermann');
  });

  it('lets supervisors see who waits and who is at which counter, and gives clerks the 403 page', async () => {
    // Another town's pages refuse this town's people, whatever their role.
    await clerk.get('/beispielheim/schalter').expect(403);
    await lead.get('/beispielheim/anwesenheit').expect(403);
    const refused = await clerk.get(PRESENCE).expect(403);
    expect(refused.text).toContain('<html lang="de">');
    const page = await lead.get(PRESENCE).expect(200);
    expect(page.text).toContain('<title>Anwesenheit – Stadt Musterstadt</title>');
    expect(page.text).toContain('Clara Schalter');
    expect(page.text).toMatch(/ruft T001 auf, seit \d\d:\d\d Uhr|im Gespräch mit T001/);
    expect(page.text).toMatch(/Lea Leitung<\/td>\s*<td><span class="wp-col-state wp-tag wp-tag-free">frei seit/);
    // Numbers, never names.
    expect(page.text).not.toContain('Erika Mustermann');
    await lead.get(PRESENCE).set('If-None-Match', page.headers.etag).expect(304);
    const nord = await lead.get(`${PRESENCE}?standort=${ids.nord}`).expect(200);
    expect(nord.text).toContain('Nora Nord');
    expect(nord.text).not.toContain('Clara Schalter');
    const english = await lead.get(`${PRESENCE}?lang=en`).expect(200);
    expect(english.text).toContain('<title>Presence – Stadt Musterstadt</title>');
    expect((await clerk.get(`${COUNTER}?lang=en`).expect(200)).text).toContain('<title>Counter – Stadt Musterstadt</title>');
  });
  it('transfers the current visitor to another counter keeping its place, and pauses and resumes the workplace', async () => {
    // Back to German after the English pages above (the language sticks in a cookie).
    await lead.get(`${COUNTER}?lang=de`).expect(200);
    const page = await clerk.get(`${COUNTER}?lang=de`).expect(200);
    const id = /name="ticket" value="([^"]+)"/.exec(page.text)![1];
    expect(page.text).toContain('<option value="' + counters['rathaus:Platz 2'] + '">Platz 2</option>');
    const moved = await post(clerk, 'weiterleiten', { ticket: id, zielSchalter: counters['rathaus:Platz 2'], platz: 'keep' });
    expect(moved.headers.location).toBe(`${COUNTER}?erledigt=weitergeleitet&nr=T001`);
    const after = await clerk.get(COUNTER).expect(200);
    expect(after.text).toContain('Niemand am Schalter.');
    // Only the target counter may call it now.
    expect(waitingNumbers(after.text)).toEqual([]);
    expect(waitingNumbers((await lead.get(COUNTER).expect(200)).text)).toEqual(['T001']);
    // A transfer without a target is refused with a message.
    await post(lead, 'naechster', {});
    const leadPage = await lead.get(COUNTER).expect(200);
    const again = /name="ticket" value="([^"]+)"/.exec(leadPage.text)![1];
    const nowhere = await post(lead, 'weiterleiten', { ticket: again, platz: 'end' });
    expect(nowhere.status).toBe(400);
    expect(nowhere.text).toContain('Das war nicht möglich');

    expect((await post(clerk, 'pause', {})).headers.location).toBe(`${COUNTER}?erledigt=pause`);
    const paused = await clerk.get(COUNTER).expect(200);
    expect(paused.text).toMatch(/Pause seit \d\d:\d\d Uhr/);
    expect(paused.text).not.toContain('Nächste/n aufrufen');
    const refused = await post(clerk, 'naechster', {});
    expect(refused.status).toBe(409);
    expect((await post(clerk, 'weiter', {})).headers.location).toBe(`${COUNTER}?erledigt=weiter`);
    expect((await clerk.get(COUNTER).expect(200)).text).toContain('Nächste/n aufrufen');
  });
});
