import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { AdminPanelModule } from '../admin-config/admin-panel.module.js';
import { AdminUser } from '../apps/server/src/auth/admin-user.entity.js';
import { type DemoIds, deliverMail, releasedMailApp, SLUG } from './booking-helpers.js';
import { createAccount, TEST_PASSWORD, TEST_SESSION_SECRET } from './harness/admin-session.js';
import { expectTitle, listen, openBrowser, pageAuditor, type TestBrowser } from './harness/browser.js';
import type { TestSmtpServer } from './harness/smtp-server.js';
import type { TestApp } from './harness/test-app.js';
import { insertBooking } from './staff-calendar-helpers.js';

const WIDTHS = [375, 1280];

/** The page is no wider than the viewport (WCAG 1.4.10): wide tables scroll in their own box. */
async function expectNoHorizontalScroll(page: Page): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    // With SHOTS_DIR set, the pages are kept as screenshots to look at (not part of the assertions).
    if (process.env.SHOTS_DIR) {
      const url = new URL(page.url());
      const name = [...url.pathname.split('/').slice(2), url.searchParams.get('ansicht')].filter(Boolean).join('-');
      await page.screenshot({ path: `${process.env.SHOTS_DIR}/${name}-${width}.png`, fullPage: true });
    }
    const scrollWidth = (await page.evaluate('document.documentElement.scrollWidth')) as number;
    expect({ width, scrollWidth }).toEqual({ width, scrollWidth: width });
  }
}

/**
 * The staff area as a clerk uses it in Chromium: the login on the way to a page, the frame with its
 * navigation, the Terminagent figures inside it at phone and desktop width, and the print layout.
 * Every page is checked by axe-core against WCAG 2.1 AA; nothing may be loaded from another host.
 */
describe('staff pages in a real browser', () => {
  let t: TestApp;
  let ids: DemoIds;
  let reference: string;
  let bookingId: string;
  let b: TestBrowser;
  let smtp: TestSmtpServer;
  let baseUrl: string;
  const { audit, expectAllClean } = pageAuditor(() => b.page);

  beforeAll(async () => {
    ({ t, ids, smtp } = await releasedMailApp({ imports: [AdminPanelModule], env: { SESSION_SECRET: TEST_SESSION_SECRET } }));
    const clerk = await createAccount(t, 'staff', 'clerk@musterstadt.test', SLUG);
    await createAccount(t, 'supervisor', 'lead@musterstadt.test', SLUG);
    await t.dataSource.getRepository(AdminUser).update({ id: clerk.id }, { locationIds: [ids.rathaus] });
    // Today (the test clock: Monday 2026-11-23, 08:00 in Berlin) at 10:00 local time.
    ({ reference, id: bookingId } = await insertBooking(t, ids, { startAt: new Date('2026-11-23T09:00:00Z'), staffNote: 'Dolmetscher kommt mit' }));
    baseUrl = await listen(t.app);
    b = await openBrowser(baseUrl);
  });
  afterAll(async () => {
    await b?.close();
    await t?.close();
    await smtp?.stop();
  });

  it('logs in on the way to the calendar, shows the day and the week of the own location, the figures, all accessible, fitting the screen and printable', async () => {
    const { page } = b;
    const calendar = `${baseUrl}/${SLUG}/mitarbeiter/kalender`;
    await page.goto(calendar);
    await expectTitle(page, 'Anmelden – Stadt Musterstadt');
    await audit();
    await expectNoHorizontalScroll(page);

    await page.getByLabel('E-Mail-Adresse').fill('clerk@musterstadt.test');
    await page.getByLabel('Passwort').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL(calendar);
    await expectTitle(page, 'Kalender – Stadt Musterstadt');
    const nav = page.getByRole('navigation', { name: 'Mitarbeiterbereich' });
    expect(await nav.getByRole('link', { name: 'Kalender' }).getAttribute('aria-current')).toBe('page');
    // Without a display name the account shows as its town (CurrentAdmin.title).
    await page.getByText('Angemeldet: Stadt Musterstadt').waitFor();
    // Today first, the clerk's own location only, the appointment with its note.
    await page.getByRole('heading', { name: 'Bürgerbüro im Rathaus: Montag, 23. November 2026' }).waitFor();
    expect(await page.locator('#standort option').allTextContents()).toEqual(['Bürgerbüro im Rathaus']);
    // On a desktop the day is a grid: the appointment in the first counter's lane, from the 10:00 row to the 10:15 row.
    await page.setViewportSize({ width: 1280, height: 900 });
    const cell = page.locator('.cal-grid-entry', { hasText: reference });
    expect(await cell.innerText()).toMatch(/10:00–10:15/);
    expect(await cell.innerText()).toContain('Notiz: Dolmetscher kommt mit');
    const box = async (locator: ReturnType<Page['locator']>) => (await locator.boundingBox())!;
    const [at, row, next, lane] = await Promise.all([
      box(cell),
      box(page.locator('.cal-grid-time', { hasText: '10:00' })),
      box(page.locator('.cal-grid-time', { hasText: '10:15' })),
      box(page.locator('.cal-grid-lane', { hasText: 'Platz 1' })),
    ]);
    expect(Math.abs(at.y - row.y)).toBeLessThanOrEqual(2);
    expect(Math.abs(at.y + at.height - next.y)).toBeLessThanOrEqual(2);
    expect([Math.round(at.x), Math.round(at.width)]).toEqual([Math.round(lane.x), Math.round(lane.width)]);
    // Read in order: the time, then what begins there (naming its counter), then the next time.
    const text = await page.locator('.cal-grid').innerText();
    expect(text.indexOf('10:00')).toBeLessThan(text.indexOf('Platz 1:'));
    expect(text.indexOf('Platz 1:')).toBeLessThan(text.indexOf(reference));
    expect(text.indexOf(reference)).toBeLessThan(text.indexOf('10:15\n'));
    await audit();
    // On a phone the same day is a list per counter.
    await page.setViewportSize({ width: 375, height: 900 });
    const entry = page.locator('.cal-entry', { hasText: reference });
    expect(await cell.isVisible()).toBe(false);
    expect(await entry.innerText()).toMatch(/10:00–10:15/);
    expect(await entry.innerText()).toContain('Notiz: Dolmetscher kommt mit');
    await audit();
    await expectNoHorizontalScroll(page);

    // Print: the day list without the frame's navigation and the page's controls.
    await page.emulateMedia({ media: 'print' });
    expect(await nav.isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Abmelden' }).isVisible()).toBe(false);
    expect(await page.locator('main form').isVisible()).toBe(false);
    expect(await entry.isVisible()).toBe(true);
    expect(await cell.isVisible()).toBe(false);
    if (process.env.SHOTS_DIR) await page.screenshot({ path: `${process.env.SHOTS_DIR}/kalender-print.png`, fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    expect(await page.getByRole('button', { name: 'Tagesliste drucken' }).isVisible()).toBe(true);

    await page.getByRole('link', { name: 'Wochenansicht' }).click();
    await expectTitle(page, 'Kalender: Woche – Stadt Musterstadt');
    await page.locator('.cal-entry', { hasText: reference }).waitFor();
    await audit();
    await expectNoHorizontalScroll(page);

    // The appointment opened: the citizen's data, and the opening is in the audit log.
    const audited = () => t.dataSource.query("SELECT recordId FROM audit_log WHERE action = 'personal-data.viewed'") as Promise<Array<{ recordId: string }>>;
    expect(await audited()).toEqual([]);
    await page.locator('.cal-entry').getByRole('link', { name: reference }).first().click();
    await expectTitle(page, 'Termin – Stadt Musterstadt');
    await page.getByText('Erika Mustermann').waitFor();
    expect(await audited()).toEqual([{ recordId: bookingId }]);
    await audit();
    await expectNoHorizontalScroll(page);
    await page.getByLabel('Notiz für die Mitarbeitenden').fill('Ruft vorher an');
    await page.getByRole('button', { name: 'Notiz speichern' }).click();
    await page.getByText('Die Notiz ist gespeichert.').waitFor();
    expect((await t.dataSource.query('SELECT staffNote FROM booking WHERE id = ?', [bookingId]))[0].staffNote).toBe('Ruft vorher an');
    // Cancelled for a caller: the citizen gets the mail.
    await deliverMail(t);
    const before = smtp.messages.length;
    await page.getByRole('button', { name: 'Termin stornieren' }).click();
    await page.getByText('Der Termin ist storniert.').waitFor();
    expect(await page.getByRole('button', { name: 'Termin stornieren' }).count()).toBe(0);
    await deliverMail(t);
    expect(smtp.messages.slice(before).map((m) => [m.to, m.subject])).toEqual([[['erika@example.org'], expect.stringContaining(reference)]]);

    // The search finds it by name (the query is posted, never in the URL).
    await page.getByRole('navigation', { name: 'Mitarbeiterbereich' }).getByRole('link', { name: 'Suche' }).click();
    await expectTitle(page, 'Suche – Stadt Musterstadt');
    await page.getByLabel('Vorgangsnummer, Name, E-Mail oder Telefon').fill('mustermann');
    await page.getByRole('button', { name: 'Suchen' }).click();
    await page.locator('.search-hits').getByRole('link', { name: reference }).waitFor();
    expect(page.url()).toBe(`${baseUrl}/${SLUG}/mitarbeiter/suche`);
    await audit();
    await expectNoHorizontalScroll(page);

    // Booked for a caller on the form: confirmed at once, shown in the calendar, the mail goes out.
    await page.getByRole('navigation', { name: 'Mitarbeiterbereich' }).getByRole('link', { name: 'Termin für Anrufer buchen' }).click();
    await expectTitle(page, 'Termin für Anrufer buchen – Stadt Musterstadt');
    await page.getByLabel(/^Personalausweis beantragen/).fill('1');
    await page.getByLabel(/^Meldebescheinigung/).fill('2');
    await page.getByLabel('Tag').fill('2026-11-24');
    await page.getByRole('button', { name: 'Freie Zeiten anzeigen' }).click();
    await page.getByText('Personalausweis beantragen, Meldebescheinigung ×2 · 25 Minuten').waitFor();
    await page.getByRole('group', { name: 'Freie Zeit' }).getByRole('radio').first().check();
    await audit();
    await expectNoHorizontalScroll(page);
    await page.getByLabel('Vor- und Nachname').fill('Anton Anrufer');
    await page.getByLabel('E-Mail-Adresse (optional)').fill('anton@example.org');
    await page.getByRole('button', { name: 'Termin buchen' }).click();
    await page.getByText(/Der Termin .* ist gebucht\./).waitFor();
    const booked = (await t.dataSource.query("SELECT reference, status, channel FROM booking WHERE citizenName = 'Anton Anrufer'"))[0];
    expect(booked).toMatchObject({ status: 'confirmed', channel: 'phone' });
    await page.locator('.cal-grid-entry', { hasText: booked.reference }).waitFor();
    await deliverMail(t);
    const [confirmation] = smtp.to('anton@example.org');
    expect(smtp.to('anton@example.org')).toHaveLength(1);
    expect(confirmation.text).toMatch(/Personalausweis beantragen[\s\S]*Meldebescheinigung/);

    // The morning of the 24th blocked for the whole location: Anton's appointment is listed, and one
    // click mails him the offer of a new time.
    expect(await nav.getByRole('link', { name: 'Kalender-Abo' }).count()).toBe(0);
    await nav.getByRole('link', { name: 'Kapazität sperren' }).click();
    await expectTitle(page, 'Kapazität sperren – Stadt Musterstadt');
    await audit();
    await expectNoHorizontalScroll(page);
    await page.getByLabel('Tag', { exact: true }).fill('2026-11-24');
    await page.getByLabel('Von').fill('08:00');
    await page.getByLabel('Bis').fill('10:00');
    await page.getByLabel('Grund (nur für Mitarbeitende)').fill('Personalversammlung');
    await page.getByRole('button', { name: 'Sperren', exact: true }).click();
    await expectTitle(page, 'Gesperrte Kapazität – Stadt Musterstadt');
    await page.locator('main').getByText('Anton Anrufer').waitFor();
    await audit();
    await expectNoHorizontalScroll(page);
    const beforeOffer = smtp.messages.length;
    await page.getByRole('button', { name: 'Neue Zeit per E-Mail anbieten' }).click();
    await page.getByText('E-Mails verschickt: 1.').waitFor();
    await deliverMail(t);
    expect(smtp.messages.slice(beforeOffer).map((m) => m.to)).toEqual([['anton@example.org']]);
    // The day's grid shows the block over every lane, hatched and labelled, with Anton's appointment still in it.
    await page.goto(`${calendar}?datum=2026-11-24`);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.locator('.cal-grid-block', { hasText: 'Personalversammlung' }).waitFor();
    await page.locator('.cal-grid-entry', { hasText: booked.reference }).waitFor();
    await audit();
    await expectNoHorizontalScroll(page);

    // Thursday: every counter busy 09:45–10:45, so two overlapping appointments go to the lane without
    // counter, side by side (their boxes do not intersect); the afternoon staffs three of four counters.
    for (let i = 0; i < 4; i++) await insertBooking(t, ids, { startAt: new Date('2026-11-26T08:45:00Z'), minutes: 60 });
    const overflow = [
      await insertBooking(t, ids, { startAt: new Date('2026-11-26T09:00:00Z'), minutes: 30 }),
      await insertBooking(t, ids, { startAt: new Date('2026-11-26T09:15:00Z'), minutes: 30 }),
    ];
    await page.goto(`${calendar}?datum=2026-11-26`);
    await page.setViewportSize({ width: 1280, height: 900 });
    const [first, second] = await Promise.all(
      overflow.map(async (o) => {
        const at = page.locator('.cal-grid-entry', { hasText: o.reference });
        expect(await at.getAttribute('data-lane')).toBe('Ohne Schalter');
        return box(at);
      }),
    );
    expect(first.x + first.width <= second.x || second.x + second.width <= first.x || first.y + first.height <= second.y).toBe(true);
    await page.locator('.cal-grid-closed', { hasText: 'Nicht besetzt 14:00–18:00 Uhr' }).waitFor();
    if (process.env.SHOTS_DIR) await page.screenshot({ path: `${process.env.SHOTS_DIR}/kalender-overflow-1280.png`, fullPage: true });
    await page.setViewportSize({ width: 375, height: 900 });
    for (const o of overflow) expect(await page.locator('.cal-entry', { hasText: o.reference }).isVisible()).toBe(true);
    if (process.env.SHOTS_DIR) await page.screenshot({ path: `${process.env.SHOTS_DIR}/kalender-overflow-375.png`, fullPage: true });
    await audit();
    await expectNoHorizontalScroll(page);

    // Another location is not the clerk's.
    await page.goto(`${calendar}?standort=${ids.nord}`);
    await expectTitle(page, 'Kein Zugriff – Stadt Musterstadt');
    expect(await nav.isVisible()).toBe(true);
    await audit();

    await nav.getByRole('link', { name: 'Kennzahlen des Terminagenten' }).click();
    await expectTitle(page, 'Terminagent: Kennzahlen – Stadt Musterstadt');
    await audit();
    await expectNoHorizontalScroll(page);

    await page.goto(`${baseUrl}/${SLUG}/mitarbeiter`);
    await expectTitle(page, 'Mitarbeiterbereich – Stadt Musterstadt');
    await audit();
    await expectNoHorizontalScroll(page);

    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.waitForURL(`${baseUrl}/${SLUG}/mitarbeiter/anmelden?abgemeldet=1`);
    await page.getByText('Sie sind abgemeldet.').waitFor();
    await page.goto(`${baseUrl}/${SLUG}/mitarbeiter`);
    await page.waitForURL(/\/mitarbeiter\/anmelden\?weiter=/);

    // A supervisor's calendar subscription: the URL shown once, the feed answers, revoked it does not.
    await page.getByLabel('E-Mail-Adresse').fill('lead@musterstadt.test');
    await page.getByLabel('Passwort').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL(`${baseUrl}/${SLUG}/mitarbeiter`);
    await nav.getByRole('link', { name: 'Kalender-Abo' }).click();
    await expectTitle(page, 'Kalender-Abo – Stadt Musterstadt');
    await page.getByRole('button', { name: 'Abonnement anlegen' }).click();
    const feedUrl = await page.getByLabel('Adresse des Abonnements').inputValue();
    await audit();
    await expectNoHorizontalScroll(page);
    const ics = await t.http.get(new URL(feedUrl).pathname).expect(200);
    expect(ics.text).toContain('BEGIN:VCALENDAR');
    await page.getByRole('button', { name: 'Widerrufen' }).click();
    await page.getByText('Das Abonnement ist widerrufen').waitFor();
    await t.http.get(new URL(feedUrl).pathname).expect(404);

    // Anton's appointment moved by the supervisor to Nord (it offers both services): the mail names both places.
    const anton = (await t.dataSource.query("SELECT id FROM booking WHERE citizenName = 'Anton Anrufer'"))[0].id as string;
    await page.goto(`${baseUrl}/${SLUG}/mitarbeiter/termin/${anton}`);
    await page.getByLabel('Standort').selectOption({ label: 'Bürgerbüro Nord (Stadtteilzentrum)' });
    await page.getByLabel('Tag').fill('2026-11-25');
    await page.getByRole('button', { name: 'Freie Zeiten anzeigen' }).click();
    const times = page.getByRole('group', { name: 'Freie Zeit: Bürgerbüro Nord (Stadtteilzentrum)' });
    await times.getByRole('radio', { name: '13:00' }).check();
    await audit();
    await expectNoHorizontalScroll(page);
    await deliverMail(t);
    const beforeMove = smtp.messages.length;
    await page.getByRole('button', { name: 'Termin verschieben' }).click();
    await page.getByText('Der Termin ist verschoben.').waitFor();
    await page.getByText('Mittwoch, 25. November 2026, 13:00').waitFor();
    await deliverMail(t);
    const moved = smtp.messages.slice(beforeMove);
    expect(moved.map((m) => m.to)).toEqual([['anton@example.org']]);
    expect(moved[0].text).toContain('Bürgerbüro im Rathaus');
    expect(moved[0].text).toContain('Bürgerbüro Nord');
    // Nord has 20-minute slots: its grid is labelled at each slot start, not every quarter hour.
    await page.goto(`${baseUrl}/${SLUG}/mitarbeiter/kalender?standort=${ids.nord}&datum=2026-11-25`);
    await page.setViewportSize({ width: 1280, height: 900 });
    const labels = await page.locator('.cal-grid-time').allInnerTexts();
    expect(labels.slice(0, 4)).toEqual(['13:00', '13:20', '13:40', '14:00']);
    expect(labels.at(-1)).toBe('17:40');
    if (process.env.SHOTS_DIR) await page.screenshot({ path: `${process.env.SHOTS_DIR}/kalender-nord-1280.png`, fullPage: true });
    await audit();
    await expectNoHorizontalScroll(page);

    expectAllClean(17);
    expect(b.foreignRequests).toEqual([]);
  });
});
