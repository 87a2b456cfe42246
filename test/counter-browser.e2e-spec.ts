import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { AdminUser } from '../apps/server/src/auth/admin-user.entity.js';
import { type DemoIds, releasedDemoApp, SLUG } from './booking-helpers.js';
import { createAccount, TEST_PASSWORD, TEST_SESSION_SECRET } from './harness/admin-session.js';
import { expectTitle, listen, openBrowser, pageAuditor, type TestBrowser } from './harness/browser.js';
import type { TestApp } from './harness/test-app.js';

const WIDTHS = [375, 1280];

/**
 * The page fits a phone and a desktop without scrolling sideways (WCAG 1.4.10); with SHOTS_DIR set
 * it is kept as screenshots to look at (not part of the assertions).
 */
async function expectFits(page: Page, name: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    if (process.env.SHOTS_DIR) await page.screenshot({ path: `${process.env.SHOTS_DIR}/C-${name}-${width}.png`, fullPage: true });
    const scrollWidth = (await page.evaluate('document.documentElement.scrollWidth')) as number;
    expect({ name, width, scrollWidth }).toEqual({ name, width, scrollWidth: width });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** A waiting-list row by its number. */
const row = (page: Page, number: string) => page.locator(`[data-live="waiting"] tr[data-number="${number}"]`);

/**
 * The counter workplace and the presence overview in Chromium: two clerks at two counters of one
 * location, the one's calls reaching the other's page without a reload, the arrival signal, the
 * keyboard shortcuts, a supervisor's overview; axe-core on every page, nothing from another host.
 */
describe('counter workplace in a real browser', () => {
  let t: TestApp;
  let ids: DemoIds;
  let one: TestBrowser;
  let two: TestBrowser;
  let baseUrl: string;
  const auditors = [pageAuditor(() => one.page), pageAuditor(() => two.page)];

  beforeAll(async () => {
    ({ t, ids } = await releasedDemoApp({ env: { SESSION_SECRET: TEST_SESSION_SECRET } }));
    const users = t.dataSource.getRepository(AdminUser);
    for (const [email, role, name] of [
      ['clara@musterstadt.test', 'staff', 'Clara Schalter'],
      ['ben@musterstadt.test', 'staff', 'Ben Beispiel'],
      ['lea@musterstadt.test', 'supervisor', 'Lea Leitung'],
    ] as const) {
      const user = await createAccount(t, role, email, SLUG);
      await users.update({ id: user.id }, { locationIds: role === 'staff' ? [ids.rathaus] : [], displayName: name });
    }
    baseUrl = await listen(t.app);
    one = await openBrowser(baseUrl);
    two = await openBrowser(baseUrl);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await t?.close();
  });

  /** The page's login on the way to `path`, and back there. */
  async function login(page: Page, path: string, email: string): Promise<void> {
    await page.goto(`${baseUrl}/${SLUG}/${path}`);
    await expectTitle(page, 'Anmelden – Stadt Musterstadt');
    await page.getByLabel('E-Mail-Adresse').fill(email);
    await page.getByLabel('Passwort').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL(`${baseUrl}/${SLUG}/${path}`);
  }

  async function openCounter(page: Page, counter: string): Promise<void> {
    await page.getByLabel('Schalter', { exact: true }).selectOption({ label: counter });
    await page.getByRole('button', { name: 'Arbeitsplatz öffnen' }).click();
    await page.getByText('Der Arbeitsplatz ist geöffnet.').waitFor();
    await expectTitle(page, 'Schalter – Stadt Musterstadt');
  }

  async function issue(page: Page, service: string): Promise<void> {
    const form = page.locator('.wp-issue');
    await form.getByLabel(service).check();
    await form.getByRole('button', { name: 'Wartemarke ausgeben' }).click();
    await page.getByText(/Wartemarke W\d+ ist ausgegeben\./).waitFor();
  }

  it('lets a clerk choose a counter, issue a walk-in, call, begin and finish by keys, while a second clerk sees it without a reload', async () => {
    const page = one.page;
    await login(page, 'schalter', 'clara@musterstadt.test');
    await expectTitle(page, 'Schalter wählen – Stadt Musterstadt');
    await auditors[0].audit();
    await expectFits(page, 'choose');
    await openCounter(page, 'Platz 1 (Erdgeschoss, Raum 0.12)');
    const next = page.getByRole('button', { name: /Nächste\/n aufrufen/ });
    // The script announces the shortcut and shows it on the button.
    await page.locator('button[data-key="n"][aria-keyshortcuts="N"]').waitFor();
    expect(await next.innerText()).toMatch(/^Nächste\/n aufrufen\s*, Taste\s*N$/);
    await auditors[0].audit();
    await expectFits(page, 'idle');

    await issue(page, 'Personalausweis beantragen');
    await row(page, 'W001').waitFor();
    await auditors[0].audit();
    await expectFits(page, 'waiting');

    // The second clerk at Platz 2 sees the same walk-in.
    const other = two.page;
    await login(other, 'schalter', 'ben@musterstadt.test');
    await openCounter(other, 'Platz 2 (Erdgeschoss, Raum 0.12)');
    await row(other, 'W001').waitFor();
    await other.evaluate('window.sameDocument = true');

    // A key typed into a field never acts; on the page it presses the button it names.
    const ignored = await page.evaluate(`(() => {
      const e = new KeyboardEvent('keydown', { key: 'n', bubbles: true, cancelable: true });
      document.querySelector('#wartemarke-dienste input').dispatchEvent(e);
      return e.defaultPrevented;
    })()`);
    expect(ignored).toBe(false);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('n');
    await page.getByText('W001 ist aufgerufen.').waitFor();
    await expect(page.locator('#wp-number').innerText()).resolves.toBe('W001');
    await auditors[0].audit();
    await expectFits(page, 'current');

    // The other clerk's list loses W001 by its poll, without a reload.
    await row(other, 'W001').waitFor({ state: 'detached' });
    expect(await other.evaluate('window.sameDocument')).toBe(true);

    await page.keyboard.press('b');
    await page.getByText('Das Gespräch mit W001 hat begonnen.').waitFor();
    await expect(page.getByLabel('Personalausweis beantragen', { exact: true }).first().isChecked()).resolves.toBe(true);
    await auditors[0].audit();
    await expectFits(page, 'serving');
    await page.keyboard.press('a');
    await page.getByText('W001 ist abgeschlossen.').waitFor();
    await page.getByText('Niemand am Schalter.').waitFor();
  });

  it('signals a new arrival for the counter’s services issued elsewhere: announced, marked, without a reload', async () => {
    const page = one.page;
    await page.evaluate('window.sameDocument = true');
    // Issued at the other counter's page (the front desk).
    await issue(two.page, 'Anmeldung des Wohnsitzes');
    const arrival = page.locator('#wp-arrival');
    await page.getByText('Neu in der Warteschlange: W002').waitFor();
    expect(await arrival.getAttribute('aria-live')).toBe('polite');
    await row(page, 'W002').and(page.locator('.wp-new')).waitFor();
    expect(await row(page, 'W002').innerText()).toMatch(/neu/i);
    expect(await page.evaluate('window.sameDocument')).toBe(true);
    await auditors[0].audit();
    await expectFits(page, 'arrival');
  });

  it('shows a supervisor who waits and who is at which counter, updating without a reload', async () => {
    const other = two.page;
    await other.getByRole('button', { name: 'Abmelden' }).click();
    await login(other, 'anwesenheit', 'lea@musterstadt.test');
    await expectTitle(other, 'Anwesenheit – Stadt Musterstadt');
    await other.getByLabel('Standort', { exact: true }).selectOption({ label: 'Bürgerbüro im Rathaus' });
    await other.getByRole('button', { name: 'Anzeigen' }).click();
    await other.getByRole('heading', { name: 'Bürgerbüro im Rathaus' }).waitFor();
    const clara = other.locator('tr', { hasText: 'Clara Schalter' });
    await expect(clara.innerText()).resolves.toMatch(/Platz 1\s+Clara Schalter\s+frei seit \d\d:\d\d Uhr/);
    await row(other, 'W002').waitFor();
    await auditors[1].audit();
    await expectFits(other, 'presence');
    await other.evaluate('window.sameDocument = true');

    await one.page.keyboard.press('n');
    await one.page.getByText('W002 ist aufgerufen.').waitFor();
    await other.locator('tr', { hasText: 'Clara Schalter' }).filter({ hasText: 'ruft W002 auf' }).waitFor();
    await row(other, 'W002').waitFor({ state: 'detached' });
    expect(await other.evaluate('window.sameDocument')).toBe(true);
    await auditors[1].audit();
    await expectFits(other, 'presence-busy');

    auditors[0].expectAllClean(6);
    auditors[1].expectAllClean(2);
    expect(one.foreignRequests).toEqual([]);
    expect(two.foreignRequests).toEqual([]);
  });
});
