import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { OfferService } from '../plugins/terminagent/offer.service.js';
import { type DemoIds, releasedDemoApp, SLUG } from './booking-helpers.js';
import { decodeHtml, mailLinks } from './harness/mail-links.js';
import type { TestApp } from './harness/test-app.js';
import { agentSlots, match, offerOf, windowOf, wishRow } from './terminagent-helpers.js';
import { terminagentManifest } from '../plugins/terminagent/terminagent.manifest.js';

/** What a click could change: wish and offer states and held units. */
async function snapshot(t: TestApp) {
  return {
    wishes: await t.dataSource.query('SELECT id, status, queuedMs FROM terminagent_wish ORDER BY id'),
    offers: await t.dataSource.query('SELECT id, status, mailedAt FROM terminagent_offer ORDER BY id'),
    held: await t.dataSource.query('SELECT COUNT(*) AS n FROM booking_capacity_allocation'),
    bookings: await t.dataSource.query('SELECT COUNT(*) AS n FROM booking'),
  };
}

describe('terminagent citizen pages (no JavaScript)', () => {
  let t: TestApp;
  let ids: DemoIds;

  beforeAll(async () => {
    ({ t, ids } = await releasedDemoApp());
  });
  afterAll(async () => t.close());

  async function register(email: string, slotIndex: number) {
    const slot = (await agentSlots(t)).filter((s) => s.locationId === ids.rathaus && s.free === 1)[slotIndex];
    const { date, window } = windowOf(slot);
    const form = new URLSearchParams({
      [`n_${ids.ausweis}`]: '1',
      loc: ids.rathaus,
      [`day_${window.weekday}`]: 'on',
      [`from_${window.weekday}`]: window.from,
      [`to_${window.weekday}`]: window.to,
      earliest: date,
      latest: date,
      name: 'Paula Portal',
      email,
      consent: 'yes',
    });
    const res = await t.http.post(`/${SLUG}/warteliste`).type('form').send(form.toString()).expect(200);
    expect(res.text).toContain(email);
    const wish = (await t.dataSource.query('SELECT id FROM terminagent_wish WHERE citizenEmail = ?', [email]))[0] as { id: string };
    return { slot, wishId: wish.id };
  }

  it('shows the wish form in German with the services chosen in the booking flow', async () => {
    const res = await t.http.get(`/${SLUG}/warteliste?services=${ids.ausweis}:2`).expect(200);
    expect(res.text).toContain('<html lang="de">');
    expect(res.text).toContain('Auf die Warteliste');
    expect(res.text).toMatch(new RegExp(`name="n_${ids.ausweis}" value="2"`));
    expect(res.headers['cache-control']).toBe('no-store');
    const en = await t.http.get(`/${SLUG}/warteliste?lang=en`).expect(200);
    expect(en.text).toContain('Join the waiting list');
  });

  it('names every missing field and writes nothing', async () => {
    const before = await snapshot(t);
    const res = await t.http.post(`/${SLUG}/warteliste`).type('form').send('name=X').expect(400);
    for (const text of [
      'mindestens ein Anliegen',
      'mindestens einen Standort',
      'Wochentag',
      'gültigen Zeitraum',
      'E-Mail-Adresse an',
      'Verarbeitung Ihrer Angaben',
    ])
      expect(res.text).toContain(text);
    expect(await snapshot(t)).toEqual(before);
  });

  it("refuses an invalid phone number with the text of the core's code, writing nothing", async () => {
    const before = await snapshot(t);
    const form = `n_${ids.ausweis}=1&loc=${ids.rathaus}&day_1=on&from_1=08:00&to_1=12:00&earliest=2026-11-30&latest=2026-12-10&name=Paula+Portal&email=paula.phone@example.org&consent=yes&phone=0151+23`;
    const res = await t.http.post(`/${SLUG}/warteliste`).type('form').send(form).expect(400);
    expect(res.text).toContain('Geben Sie eine gültige Telefonnummer ein');
    const en = await t.http.post(`/${SLUG}/warteliste?lang=en`).type('form').send(form).expect(400);
    expect(en.text).toContain('Enter a valid phone number');
    expect(await snapshot(t)).toEqual(before);
  });

  it('confirm, status, offer, accept: every GET only shows, every change is a POST', async () => {
    const { wishId } = await register('paula@example.org', 0);
    // A second registration with the same address and services is refused with a clear message.
    const again = await t.http
      .post(`/${SLUG}/warteliste`)
      .type('form')
      .send(
        `n_${ids.ausweis}=1&loc=${ids.rathaus}&day_1=on&from_1=08:00&to_1=12:00&earliest=2026-11-30&latest=2026-12-10&name=Paula+Portal&email=paula@example.org&consent=yes`,
      )
      .expect(409);
    expect(again.text).toContain('bereits angemeldet');

    // Scanners follow every link in a mail: nothing may change.
    let before = await snapshot(t);
    for (const link of await mailLinks(t, SLUG)) await t.http.get(link);
    expect(await snapshot(t)).toEqual(before);
    expect((await wishRow(t, wishId)).status).toBe('unconfirmed');

    const confirmLink = (await mailLinks(t, SLUG)).find((l) => l.includes(`/warteliste/${wishId}/bestaetigen`))!;
    const page = await t.http.get(confirmLink).expect(200);
    const token = decodeHtml(/name="token" value="([^"]+)"/.exec(page.text)![1]);
    const posted = await t.http.post(`/${SLUG}/warteliste/${wishId}/bestaetigen`).type('form').send({ token }).expect(303);
    const status = await t.http.get(posted.headers.location).expect(200);
    expect(status.text).toContain('Ihr Wunsch ist jetzt auf der Warteliste');
    expect((await wishRow(t, wishId)).status).toBe('waiting');

    await match(t);
    await t.asTenant(SLUG, () => t.app.get(OfferService).mailPending());
    before = await snapshot(t);
    for (const link of await mailLinks(t, SLUG)) await t.http.get(link);
    expect(await snapshot(t)).toEqual(before);

    const offer = (await offerOf(t, wishId))!;
    const offerLink = (await mailLinks(t, SLUG)).find((l) => l.includes(`/terminvorschlag/${offer.offer.id}`))!;
    const offerPage = await t.http.get(offerLink).expect(200);
    expect(offerPage.text).toContain('Diesen Termin annehmen');
    const offerToken = decodeHtml(/name="token" value="([^"]+)"/.exec(offerPage.text)![1]);
    const accepted = await t.http
      .post(`/${SLUG}/terminvorschlag/${offer.offer.id}/annehmen`)
      .type('form')
      .send({ token: offerToken, proposal: offer.proposals[0].id })
      .expect(303);
    const done = await t.http.get(accepted.headers.location).expect(200);
    const reference = (await offerOf(t, wishId))!.offer.bookingReference!;
    expect(done.text).toContain(reference);
    expect((await wishRow(t, wishId)).status).toBe('booked');
    // Declining after accepting is refused on the page, not with an error page.
    const late = await t.http.post(`/${SLUG}/terminvorschlag/${offer.offer.id}/ablehnen`).type('form').send({ token: offerToken }).expect(409);
    expect(late.text).toContain('nicht mehr möglich');
  });

  it('withdraws through the page behind the mail link', async () => {
    const { wishId } = await register('wanda@example.org', 1);
    const withdrawLink = (await mailLinks(t, SLUG)).find((l) => l.includes(`/warteliste/${wishId}/zuruecknehmen`))!;
    const page = await t.http.get(withdrawLink).expect(200);
    expect((await wishRow(t, wishId)).status).toBe('unconfirmed');
    const token = decodeHtml(/name="token" value="([^"]+)"/.exec(page.text)![1]);
    const res = await t.http.post(`/${SLUG}/warteliste/${wishId}/zuruecknehmen`).type('form').send({ token }).expect(303);
    expect((await t.http.get(res.headers.location).expect(200)).text).toContain('zurückgenommen');
    expect((await wishRow(t, wishId)).status).toBe('withdrawn');
    // A wrong secret is a plain 404 page.
    await t.http.get(`/${SLUG}/warteliste/${wishId}?token=wrong`).expect(404);
  });

  it("never shows or changes a wish or offer through another municipality's pages", async () => {
    const other = await t.tenant('beispielheim');
    const host = t.app.get(PluginHostService);
    // With the agent on there too, only the tenant scope stands between the two towns.
    await host.setEnabled(other.id, terminagentManifest, true);
    try {
      const { wishId } = await register('olga@example.org', 2);
      const links = await mailLinks(t, SLUG);
      expect(links.some((l) => l.includes('/terminvorschlag/'))).toBe(true);
      const own = await t.http.get(links.find((l) => l.includes(`/warteliste/${wishId}/bestaetigen`))!).expect(200);
      const token = decodeHtml(/name="token" value="([^"]+)"/.exec(own.text)![1]);
      const before = await snapshot(t);
      for (const link of links) {
        const foreign = link.replace(`/${SLUG}/`, '/beispielheim/');
        const res = await t.http.get(foreign).expect(404);
        expect(res.text).not.toMatch(/@example\.org/);
      }
      for (const action of ['bestaetigen', 'zuruecknehmen']) {
        await t.http.post(`/beispielheim/warteliste/${wishId}/${action}`).type('form').send({ token }).expect(404);
      }
      expect(await snapshot(t)).toEqual(before);
      expect((await wishRow(t, wishId)).status).toBe('unconfirmed');
    } finally {
      await host.setEnabled(other.id, terminagentManifest, false);
    }
  });
});
