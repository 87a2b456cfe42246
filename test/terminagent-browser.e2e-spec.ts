import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OfferService } from '../plugins/terminagent/offer.service.js';
import { type DemoIds, releasedDemoApp, SLUG } from './booking-helpers.js';
import { AdminPanelModule } from '../admin-config/admin-panel.module.js';
import { createAccount, TEST_PASSWORD, TEST_SESSION_SECRET } from './harness/admin-session.js';
import { expectTitle, listen, openBrowser, pageAuditor, type TestBrowser } from './harness/browser.js';
import type { TestApp } from './harness/test-app.js';
import { agentSlots, fillWishForm, linkFromOutbox, match, offerOf, wishRow } from './terminagent-helpers.js';

/**
 * The Terminagent's citizen pages as a person uses them: the wish form (with its errors), the
 * confirmation behind the mail link, the offer with accept, and the staff figures page. Every page
 * is checked by axe-core against WCAG 2.1 AA, and nothing may be loaded from another host.
 */
describe('terminagent pages in a real browser', () => {
  let t: TestApp;
  let ids: DemoIds;
  let b: TestBrowser;
  let baseUrl: string;
  const { audit, expectAllClean } = pageAuditor(() => b.page);

  beforeAll(async () => {
    // With the admin panel, whose login the staff figures page shares.
    ({ t, ids } = await releasedDemoApp({ imports: [AdminPanelModule], env: { SESSION_SECRET: TEST_SESSION_SECRET } }));
    await createAccount(t, 'tenant-admin', 'admin@musterstadt.test', SLUG);
    baseUrl = await listen(t.app);
    b = await openBrowser(baseUrl);
  });
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  it('registers a wish, confirms it, accepts the proposal and shows the figures, all accessible', async () => {
    const { page } = b;
    const slot = (await agentSlots(t)).find((s) => s.locationId === ids.rathaus && s.free === 1)!;

    await page.goto(`${baseUrl}/${SLUG}/warteliste`);
    await expectTitle(page, 'Auf die Warteliste – Stadt Musterstadt');
    await audit();

    // Empty: every problem is named, tied to its field, and focus starts at the summary.
    await page.getByRole('button', { name: 'Auf die Warteliste setzen' }).click();
    await expectTitle(page, 'Fehler – Auf die Warteliste – Stadt Musterstadt');
    expect(await page.locator('#email').getAttribute('aria-invalid')).toBe('true');
    await page.waitForFunction("document.activeElement?.className === 'error-summary'", undefined, { timeout: 15_000 });
    await audit();

    await fillWishForm(page, ids, slot, { name: 'Paula Browser', email: 'paula.browser@example.org' });
    await page.getByRole('button', { name: 'Auf die Warteliste setzen' }).click();
    await page.locator('main').getByText('paula.browser@example.org').first().waitFor();
    await audit();
    const wishId = (await t.dataSource.query('SELECT id FROM terminagent_wish WHERE citizenEmail = ?', ['paula.browser@example.org']))[0].id as string;
    expect((await wishRow(t, wishId)).status).toBe('unconfirmed');

    // The confirmation link from the mail opens a page whose button does the change.
    await page.goto(`${baseUrl}${await linkFromOutbox(t, `terminagent:wish:${wishId}:confirm`, '/bestaetigen')}`);
    await audit();
    expect((await wishRow(t, wishId)).status).toBe('unconfirmed');
    await page.locator('main form button[type=submit]').click();
    await page.locator('main').getByText('Ihr Wunsch ist jetzt auf der Warteliste').first().waitFor();
    await audit();
    expect((await wishRow(t, wishId)).status).toBe('waiting');

    await match(t);
    await t.asTenant(SLUG, () => t.app.get(OfferService).mailPending());
    const offer = (await offerOf(t, wishId))!;
    await page.goto(`${baseUrl}${await linkFromOutbox(t, `terminagent:offer:${offer.offer.id}`, '/terminvorschlag/')}`);
    await expectTitle(page, 'Ihr Terminvorschlag – Stadt Musterstadt');
    await audit();
    await page.getByRole('button', { name: 'Diesen Termin annehmen' }).click();
    await page.waitForLoadState('load');
    const reference = (await offerOf(t, wishId))!.offer.bookingReference!;
    expect(reference).toBeTruthy();
    await page.locator('main').getByText(reference).first().waitFor();
    await audit();
    expect((await wishRow(t, wishId)).status).toBe('booked');

    // The staff page, after logging in through the panel's form.
    await page.goto(`${baseUrl}/admin/login`);
    await page.fill('input[name=email]', 'admin@musterstadt.test');
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.click('form button');
    await page.waitForURL(`${baseUrl}/admin`);
    await page.goto(`${baseUrl}/${SLUG}/mitarbeiter/terminagent`);
    await expectTitle(page, 'Terminagent: Kennzahlen – Stadt Musterstadt');
    await audit();

    expectAllClean(8);
    expect(b.foreignRequests).toEqual([]);
  });
});
