import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { AdminPanelModule } from '../admin-config/admin-panel.module.js';
import { releasedDemoApp, SLUG } from './booking-helpers.js';
import { createAccount, TEST_PASSWORD, TEST_SESSION_SECRET } from './harness/admin-session.js';
import { expectTitle, listen, openBrowser, pageAuditor, type TestBrowser } from './harness/browser.js';
import type { TestApp } from './harness/test-app.js';

const WIDTHS = [375, 1280];

/** The page is no wider than the viewport (WCAG 1.4.10): wide tables scroll in their own box. */
async function expectNoHorizontalScroll(page: Page): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect({ width, scrollWidth }).toEqual({ width, scrollWidth: width });
    // With SHOTS_DIR set, the pages are kept as screenshots to look at (not part of the assertions).
    if (process.env.SHOTS_DIR) {
      const name = new URL(page.url()).pathname.split('/').filter(Boolean).slice(1).join('-');
      await page.screenshot({ path: `${process.env.SHOTS_DIR}/${name}-${width}.png`, fullPage: true });
    }
  }
}

/**
 * The staff area as a clerk uses it in Chromium: the login on the way to a page, the frame with its
 * navigation, the Terminagent figures inside it at phone and desktop width, and the print layout.
 * Every page is checked by axe-core against WCAG 2.1 AA; nothing may be loaded from another host.
 */
describe('staff pages in a real browser', () => {
  let t: TestApp;
  let b: TestBrowser;
  let baseUrl: string;
  const { audit, expectAllClean } = pageAuditor(() => b.page);

  beforeAll(async () => {
    ({ t } = await releasedDemoApp({ imports: [AdminPanelModule], env: { SESSION_SECRET: TEST_SESSION_SECRET } }));
    await createAccount(t, 'staff', 'clerk@musterstadt.test', SLUG);
    baseUrl = await listen(t.app);
    b = await openBrowser(baseUrl);
  });
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  it('logs in on the way to the figures, which fit the screen, in an accessible frame that prints without navigation', async () => {
    const { page } = b;
    await page.goto(`${baseUrl}/${SLUG}/mitarbeiter/terminagent`);
    await expectTitle(page, 'Anmelden – Stadt Musterstadt');
    await audit();
    await expectNoHorizontalScroll(page);

    await page.getByLabel('E-Mail-Adresse').fill('clerk@musterstadt.test');
    await page.getByLabel('Passwort').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL(`${baseUrl}/${SLUG}/mitarbeiter/terminagent`);
    await expectTitle(page, 'Terminagent: Kennzahlen – Stadt Musterstadt');
    await audit();
    await expectNoHorizontalScroll(page);
    const nav = page.getByRole('navigation', { name: 'Mitarbeiterbereich' });
    expect(await nav.getByRole('link', { name: 'Kennzahlen des Terminagenten' }).getAttribute('aria-current')).toBe('page');
    // Without a display name the account shows as its town (CurrentAdmin.title).
    await page.getByText('Angemeldet: Stadt Musterstadt').waitFor();

    await page.emulateMedia({ media: 'print' });
    expect(await nav.isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Abmelden' }).isVisible()).toBe(false);
    expect(await page.locator('main table').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });

    await page.goto(`${baseUrl}/${SLUG}/mitarbeiter`);
    await expectTitle(page, 'Mitarbeiterbereich – Stadt Musterstadt');
    await audit();
    await expectNoHorizontalScroll(page);

    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.waitForURL(`${baseUrl}/${SLUG}/mitarbeiter/anmelden?abgemeldet=1`);
    await page.getByText('Sie sind abgemeldet.').waitFor();
    await page.goto(`${baseUrl}/${SLUG}/mitarbeiter`);
    await page.waitForURL(/\/mitarbeiter\/anmelden\?weiter=/);

    expectAllClean(3);
    expect(b.foreignRequests).toEqual([]);
  });
});
