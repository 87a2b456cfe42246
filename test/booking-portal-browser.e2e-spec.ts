import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TaskRunnerService } from '../apps/server/src/tasks/task-runner.service.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { Booking } from '../plugins/booking/entities/booking.entity.js';
import { expectTitle, listen, openBrowser, pageAuditor, runAxe, type TestBrowser } from './harness/browser.js';
import { mailLink } from './harness/mail-links.js';
import { createTestApp, type TestApp } from './harness/test-app.js';

/** The app with released capacity, listening on loopback, and a browser pointed at it. */
async function servedInBrowser(env?: Record<string, string>): Promise<{ t: TestApp; baseUrl: string; b: TestBrowser }> {
  const t = await createTestApp({ env });
  await t.app.get(TaskRunnerService).runDue(t.clock.now(), (id) => id === 'booking.release');
  const baseUrl = await listen(t.app);
  return { t, baseUrl, b: await openBrowser(baseUrl) };
}

describe('citizen portal in a real browser', () => {
  let t: TestApp;
  let b: TestBrowser;
  let baseUrl: string;
  const { audit, expectAllClean } = pageAuditor(() => b.page);

  beforeAll(async () => {
    ({ t, baseUrl, b } = await servedInBrowser());
  });
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  it('walks services → location → day → time → details → review → check mail → confirm → manage → cancel', async () => {
    const { page } = b;
    await page.goto(`${baseUrl}/musterstadt/`);
    await expectTitle(page, 'Anliegen wählen – Stadt Musterstadt');
    await audit();

    // Keyboard first: the skip link is the first stop and leads to the main content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Zum Inhalt springen');

    // The English switch exists on every page and works both ways.
    await page.getByRole('link', { name: 'English' }).click();
    await expectTitle(page, 'What do you need? – Stadt Musterstadt');
    await audit();
    await page.getByRole('link', { name: 'Deutsch' }).click();

    // Step 1 with an error first: nothing chosen.
    await page.getByRole('button', { name: 'Weiter' }).click();
    await expectTitle(page, 'Fehler – Anliegen wählen – Stadt Musterstadt');
    await audit();

    await page.getByLabel('Personalausweis beantragen').fill('1');
    await page.getByLabel('Meldebescheinigung').fill('2');
    await page.getByRole('button', { name: 'Weiter' }).click();
    await expectTitle(page, 'Standort wählen – Stadt Musterstadt');
    await audit();

    await page.getByLabel('Bürgerbüro im Rathaus').check();
    await page.getByRole('button', { name: 'Freie Tage anzeigen' }).click();
    await expectTitle(page, 'Tag wählen – Stadt Musterstadt');
    await audit();

    await page.getByRole('button', { name: 'Uhrzeiten anzeigen' }).click();
    await expectTitle(page, 'Uhrzeit wählen – Stadt Musterstadt');
    await audit();
    const chosenTime = await page.locator('input[name=start]:checked').getAttribute('value');

    await page.getByRole('button', { name: 'Weiter zu Ihren Angaben' }).click();
    await expectTitle(page, 'Ihre Angaben – Stadt Musterstadt');
    await audit();

    // Submitting empty shows the summary and errors tied to the fields.
    await page.getByRole('button', { name: 'Weiter zur Übersicht' }).click();
    await expectTitle(page, 'Fehler – Ihre Angaben – Stadt Musterstadt');
    expect(await page.getByLabel('E-Mail-Adresse').getAttribute('aria-invalid')).toBe('true');
    // Focus lands on the error summary, so keyboard and screen reader users start there.
    // Chromium applies autofocus on its next rendering update, so wait for it rather than race it.
    await page.waitForFunction("document.activeElement?.className === 'error-summary'", undefined, { timeout: 15_000 });
    await audit();

    await page.getByLabel('Vor- und Nachname').fill('Erika Mustermann');
    await page.getByLabel('E-Mail-Adresse').fill('erika@example.org');
    await page.getByLabel('Ich bin mit der Verarbeitung').check();
    await page.getByRole('button', { name: 'Weiter zur Übersicht' }).click();
    await expectTitle(page, 'Angaben prüfen – Stadt Musterstadt');
    await audit();

    await page.getByRole('button', { name: 'Termin reservieren' }).click();
    await expectTitle(page, 'Bitte bestätigen Sie Ihren Termin – Stadt Musterstadt');
    await audit();
    const reference = new URL(page.url()).searchParams.get('ref')!;

    // The confirm link from the receipt mail in the outbox, opened on this server.
    await page.goto(`${baseUrl}${await mailLink(t, 'musterstadt', '/bestaetigen?', (m) => m.content.text.includes(reference))}`);
    await expectTitle(page, 'Termin bestätigen – Stadt Musterstadt');
    await audit();

    await page.getByRole('button', { name: 'Termin verbindlich bestätigen' }).click();
    await expectTitle(page, 'Ihr Termin – Stadt Musterstadt');
    expect(await page.getByRole('status').textContent()).toContain('Ihr Termin ist bestätigt');
    await audit();
    const booking = await t.asTenant('musterstadt', () => t.app.get(TenantDataService).repo(Booking).findOneBy({ reference }));
    expect(booking?.status).toBe('confirmed');
    expect(booking?.startAt.toISOString()).toBe(new Date(chosenTime!).toISOString());

    // The manage page in English, then the rebook page.
    await page.getByRole('link', { name: 'English' }).click();
    await expectTitle(page, 'Your appointment – Stadt Musterstadt');
    await audit();
    await page.getByRole('link', { name: 'Deutsch' }).click();
    await page.getByRole('link', { name: 'Termin verschieben' }).click();
    await expectTitle(page, 'Termin verschieben – Stadt Musterstadt');
    await audit();
    await page.goBack();

    await page.getByRole('link', { name: 'Termin absagen' }).click();
    await expectTitle(page, 'Termin absagen – Stadt Musterstadt');
    await audit();
    await page.getByRole('button', { name: 'Termin absagen' }).click();
    await expectTitle(page, 'Ihr Termin – Stadt Musterstadt');
    expect(await page.getByRole('status').textContent()).toContain('Ihr Termin ist abgesagt.');
    await audit();

    // The error page (a wrong token) is accessible too.
    await page.goto(`${baseUrl}/musterstadt/buchung/${reference}?token=wrong`);
    await expectTitle(page, 'Seite nicht gefunden – Stadt Musterstadt');
    await audit();

    expectAllClean(17);
    expect(b.foreignRequests).toEqual([]);
  });

  it('reflows to a 320-pixel phone screen: no page of the booking flow or the wish form scrolls sideways (WCAG 1.4.10)', async () => {
    const phone = await b.browser.newContext({ viewport: { width: 320, height: 640 }, locale: 'de-DE', timezoneId: 'Europe/Berlin' });
    try {
      const page = await phone.newPage();
      const overflow: Array<{ title: string; scrollWidth: number }> = [];
      const measure = async () => {
        await page.waitForLoadState('load');
        const scrollWidth = (await page.evaluate('document.documentElement.scrollWidth')) as number;
        if (scrollWidth > 320) overflow.push({ title: await page.title(), scrollWidth });
      };
      await page.goto(`${baseUrl}/musterstadt/`);
      await measure();
      await page.getByLabel('Personalausweis beantragen').fill('1');
      await page.getByRole('button', { name: 'Weiter' }).click();
      await measure();
      await page.getByLabel('Bürgerbüro im Rathaus').check();
      await page.getByRole('button', { name: 'Freie Tage anzeigen' }).click();
      await measure();
      await page.getByRole('button', { name: 'Uhrzeiten anzeigen' }).click();
      await measure();
      await page.getByRole('button', { name: 'Weiter zu Ihren Angaben' }).click();
      await measure();
      await page.getByRole('button', { name: 'Weiter zur Übersicht' }).click();
      await expectTitle(page, 'Fehler – Ihre Angaben – Stadt Musterstadt');
      await measure();
      await page.getByLabel('Vor- und Nachname').fill('Erika Mustermann');
      await page.getByLabel('E-Mail-Adresse').fill('erika.phone@example.org');
      await page.getByLabel('Ich bin mit der Verarbeitung').check();
      await page.getByRole('button', { name: 'Weiter zur Übersicht' }).click();
      await expectTitle(page, 'Angaben prüfen – Stadt Musterstadt');
      await measure();
      await page.getByRole('button', { name: 'Termin reservieren' }).click();
      await expectTitle(page, 'Bitte bestätigen Sie Ihren Termin – Stadt Musterstadt');
      await measure();
      // The Terminagent's wish form, with its weekday and time-window grid, and its error state.
      await page.goto(`${baseUrl}/musterstadt/warteliste`);
      await measure();
      await page.getByRole('button', { name: 'Auf die Warteliste setzen' }).click();
      await expectTitle(page, 'Fehler – Auf die Warteliste – Stadt Musterstadt');
      await measure();
      expect(overflow).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});

describe('citizen portal in a real browser with the spam protection on', () => {
  let t: TestApp;
  let b: TestBrowser;
  let baseUrl: string;

  beforeAll(async () => {
    ({ t, baseUrl, b } = await servedInBrowser({ BOT_PROTECTION: 'on' }));
  });
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  it('solves the self-hosted proof of work in the page and books', async () => {
    const { page } = b;
    await page.goto(`${baseUrl}/beispielheim/`);
    await page.locator('input.qty').first().fill('1');
    await page.getByRole('button', { name: 'Weiter' }).click();
    await page.getByRole('button', { name: 'Freie Tage anzeigen' }).click();
    await page.getByRole('button', { name: 'Uhrzeiten anzeigen' }).click();
    await page.getByRole('button', { name: 'Weiter zu Ihren Angaben' }).click();
    await page.getByLabel('Vor- und Nachname').fill('Hans Huber');
    await page.getByLabel('E-Mail-Adresse').fill('hans@example.org');
    await page.getByLabel('Ich bin mit der Verarbeitung').check();
    await page.getByRole('button', { name: 'Weiter zur Übersicht' }).click();
    await expectTitle(page, 'Angaben prüfen – Gemeinde Beispielheim');
    const { violations } = await runAxe(page);
    expect(violations).toEqual([]);

    // Clicking at once is fine: the script holds the submit until the answer is computed.
    await page.getByRole('button', { name: 'Termin reservieren' }).click();
    await page.waitForURL(/\/termin\/gesendet\?/);
    await expectTitle(page, 'Bitte bestätigen Sie Ihren Termin – Gemeinde Beispielheim');
    const count = await t.asTenant('beispielheim', () => t.app.get(TenantDataService).repo(Booking).count());
    expect(count).toBe(1);
    expect(b.foreignRequests).toEqual([]);
  });
});
