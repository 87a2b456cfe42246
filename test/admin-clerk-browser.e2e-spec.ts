import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import supertest from 'supertest';
import { MailTemplateOverride } from '../apps/server/src/notifications/mail-template-override.entity.js';
import { TenantPluginState } from '../apps/server/src/tenancy/tenant-plugin-state.entity.js';
import { Tenant } from '../apps/server/src/tenancy/tenant.entity.js';
import { openAdminBrowser } from './harness/admin-browser.js';
import { TEST_PASSWORD } from './harness/admin-session.js';
import { pageAuditor, type TestBrowser } from './harness/browser.js';
import type { TestApp } from './harness/test-app.js';

/** What a clerk sees in the panel: the login page, the navigation, generated settings forms, euros, Ja/Nein. */
describe('admin panel for a clerk, in a browser', () => {
  let t: TestApp;
  let b: TestBrowser;
  let base: string;
  let pageErrors: string[];
  // Kept for a person to look at, outside the checkout (npm test fails if ./data changes).
  const shots = join(tmpdir(), 'amtszeit-screenshots');

  /** The page at 375 and 1280 px CSS width; at 375 nothing may scroll sideways. */
  async function shoot(name: string): Promise<void> {
    const { page } = b;
    await page.setViewportSize({ width: 375, height: 800 });
    await page.screenshot({ path: `${shots}/admin-${name}-375.png`, fullPage: true });
    expect({ name, overflow: await page.evaluate('document.documentElement.scrollWidth > window.innerWidth') }).toEqual({ name, overflow: false });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: `${shots}/admin-${name}-1280.png`, fullPage: true });
  }

  /** The panel's language, chosen as a person does: the globe menu in the top bar ("Deutsch" → "Englisch"). */
  async function chooseLanguage(current: string, next: string): Promise<void> {
    const { page } = b;
    await page.getByRole('button', { name: current, exact: true }).click();
    await page.getByText(next, { exact: true }).click();
    await page.getByRole('button', { name: next === 'Englisch' ? 'English' : 'Deutsch', exact: true }).waitFor();
  }

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    ({ t, b, base, pageErrors } = await openAdminBrowser('clerk@musterstadt.test', 'musterstadt'));
  });
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  it('the login page names the product (and the municipality under its domain), without the stock illustration', async () => {
    const { page } = b;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${base}/admin/login`);
    await page.getByText('Amtszeit', { exact: true }).waitFor();
    expect(await page.locator('h1').textContent()).toBe('Anmeldung');
    expect(await page.locator('svg[class*="Illustration"], img').count()).toBe(0);
    await shoot('login');
    const auditor = pageAuditor(() => page);
    await auditor.audit();
    auditor.expectAllClean(1);

    const http = supertest(t.app.getHttpServer());
    expect((await http.get('/admin/login-challenge').set('Host', 'musterstadt.localhost').expect(200)).body.tenantName).toBe('Stadt Musterstadt');
    expect((await http.get('/admin/login-challenge').expect(200)).body.tenantName).toBeNull();
  });

  it('at 1280 px the navigation is open; the booking settings are a form with German labels, Ja/Nein and messages under the fields', async () => {
    const { page } = b;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByLabel('E-Mail').fill('clerk@musterstadt.test');
    await page.getByLabel('Passwort').fill(TEST_PASSWORD);
    await page.getByLabel('Passwort').press('Enter');
    await page.waitForURL(`${base}/admin`);
    const nav = page.locator('[data-css="sidebar"]');
    await nav.getByText('Stammdaten').first().waitFor();
    const box = await nav.boundingBox();
    expect(box && box.x >= 0 && box.width > 100).toBe(true);
    // The start page: the plugins' figures per location and links to the staff pages.
    await page.getByText('Termine diese Woche').waitFor();
    await page.getByText('Auf der Warteliste').waitFor();
    expect(await page.getByRole('link', { name: 'Kalender', exact: true }).getAttribute('href')).toBe('/musterstadt/mitarbeiter/kalender');
    await shoot('dashboard');
    const auditor = pageAuditor(() => page);
    await auditor.audit();
    auditor.expectAllClean(1);

    const tenant = await t.dataSource.getRepository(Tenant).findOneByOrFail({ slug: 'musterstadt' });
    const booking = await t.dataSource.getRepository(TenantPluginState).findOneByOrFail({ tenantId: tenant.id, plugin: 'booking' });
    await page.goto(`${base}/admin/resources/TenantPluginState/records/${booking.id}/edit`);
    await page.getByLabel('Reservierung ohne Bestätigung (Minuten)').waitFor();
    expect(await page.getByText('Einstellungen (JSON)').count()).toBe(0);
    // A tenant-admin sees the switch with the reason, not a checkbox.
    await page.getByText('Wird vom Betreiber freigeschaltet.').waitFor();
    expect(await page.locator('input[type=checkbox]#enabled').count()).toBe(0);
    expect(await page.getByLabel('Bot-Schutz (Rechenaufgabe im Browser)').inputValue()).toBe('true');
    await shoot('plugin-settings');

    await page.getByLabel('Reservierung ohne Bestätigung (Minuten)').fill('2');
    await page.click('button[type=submit]');
    await page.getByText('Bitte einen Wert von 5 bis 1440 angeben.').waitFor();
    await shoot('plugin-settings-error');
    await page.getByLabel('Reservierung ohne Bestätigung (Minuten)').fill('45');
    await page.getByLabel('Bot-Schutz (Rechenaufgabe im Browser)').selectOption({ label: 'Nein' });
    await page.getByLabel('Uhrzeit der Erinnerung').fill('18:30');
    // The design system's checkbox lies under its label: a person clicks the label.
    await page.locator('label[for="settings-paymentMethods-cash"]').click();
    await page.locator('label[for="settings-paymentMethods-creditCard"]').click();
    await page.click('button[type=submit]');
    await page.waitForURL(/\/show$|\/TenantPluginState$/);
    const saved = await t.dataSource.getRepository(TenantPluginState).findOneByOrFail({ id: booking.id });
    // Ticking toggles: what was ticked before (the town's file may name some) changes by these two clicks.
    const toggle = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
    const methods = toggle(toggle((booking.settings.paymentMethods as string[] | undefined) ?? [], 'cash'), 'creditCard');
    expect(saved.settings).toMatchObject({ holdMinutes: 45, captcha: false, reminderAt: '18:30', paymentMethods: methods });

    await page.goto(`${base}/admin/resources/TenantPluginState/records/${booking.id}/show`);
    await page.getByText('Reservierung ohne Bestätigung (Minuten)').waitFor();
    const labels: Record<string, string> = {
      cash: 'Bargeld',
      girocard: 'Girocard (EC-Karte)',
      creditCard: 'Kreditkarte',
      mobile: 'mobiles Bezahlen (Smartphone)',
    };
    expect(await page.locator('dd').allTextContents()).toEqual(expect.arrayContaining(['45', 'Nein', '18:30', methods.map((m) => labels[m]).join(', ')]));
    await shoot('plugin-settings-show');

    await page.goto(`${base}/admin/resources/TenantPluginState`);
    await page.getByText('In Vorbereitung').first().waitFor();
    await page.getByText('Ja', { exact: true }).first().waitFor();
    expect(await page.getByText('Yes', { exact: true }).count()).toBe(0);
    await shoot('plugins-list');

    expect(b.foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('in English the settings form words its messages in English, with the field’s bounds; the contingents say "all locations"', async () => {
    const { page } = b;
    await page.setViewportSize({ width: 1280, height: 900 });
    const tenant = await t.dataSource.getRepository(Tenant).findOneByOrFail({ slug: 'musterstadt' });
    const booking = await t.dataSource.getRepository(TenantPluginState).findOneByOrFail({ tenantId: tenant.id, plugin: 'booking' });
    await page.goto(`${base}/admin/resources/TenantPluginState/records/${booking.id}/edit`);
    await page.getByLabel('Reservierung ohne Bestätigung (Minuten)').waitFor();
    await chooseLanguage('Deutsch', 'Englisch');
    await page.getByLabel('Hold without confirmation (minutes)').fill('2');
    await page.getByLabel('Reminder time').fill('17 Uhr');
    await page.click('button[type=submit]');
    await page.getByText('Please enter a value from 5 to 1440.').waitFor();
    await page.getByText('Please enter a time as HH:MM (e.g. 09:00).').waitFor();
    await page.getByText('Please check the marked fields.').waitFor();
    expect(await page.getByText('Bitte einen Wert').count()).toBe(0);
    await page.getByLabel('Hold without confirmation (minutes)').scrollIntoViewIfNeeded();
    await shoot('plugin-settings-error-en');
    expect((await t.dataSource.getRepository(TenantPluginState).findOneByOrFail({ id: booking.id })).settings).toEqual(booking.settings);

    await page.goto(`${base}/admin/resources/ReleasePolicy`);
    await page.getByText('alle Standorte', { exact: true }).first().waitFor();
    await chooseLanguage('Deutsch', 'Englisch');
    await page.getByText('all locations', { exact: true }).first().waitFor();
    expect(await page.getByText('alle Standorte').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('the service form takes the fee in euros and the locations as checkboxes; the list shows "12,50 €" and Ja/Nein', async () => {
    const { page } = b;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${base}/admin/resources/Service/actions/new`);
    await page.getByLabel('Gebühr').waitFor();
    await page.fill('#name', 'Angelschein');
    await page.fill('#durationMinutes', '10');
    await page.fill('#maxQuantity', '1');
    await page.getByLabel('Gebühr').fill('zwölf');
    const locations = page.getByRole('group', { name: 'Angeboten an' }).getByRole('checkbox');
    expect(await locations.count()).toBeGreaterThan(0);
    await page.getByRole('group', { name: 'Angeboten an' }).locator('label').first().click();
    await page.click('button[type=submit]');
    await page.getByText('Bitte einen Betrag in Euro angeben, z. B. 12,50 €.').waitFor();
    await page.getByLabel('Gebühr').scrollIntoViewIfNeeded();
    await shoot('service-form');
    await page.getByLabel('Gebühr').fill('12,50');
    await page.click('button[type=submit]');
    await page.getByText('Dienstleistung angelegt').waitFor();
    await page.waitForURL(`${base}/admin/resources/Service`);
    const row = page.locator('tr', { hasText: 'Angelschein' });
    await row.getByText('12,50 €').waitFor();
    await row.getByText('Ja', { exact: true }).first().waitFor();
    expect(await row.getByText('an keinem Standort').count()).toBe(0);
    await shoot('service-list');
    expect(pageErrors).toEqual([]);
  });

  it('the mail template form starts from the shipped wording, lists the variables, refuses a broken one and previews a saved one', async () => {
    const { page } = b;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${base}/admin/resources/MailTemplateOverride/actions/new`);
    await page.getByText('Bitte zuerst eine Vorlage wählen.').waitFor();
    // AdminJS's select (react-select): type and pick.
    await page.locator('[data-css="MailTemplateOverride-edit-templateKey"] input').fill('booking/receipt');
    await page.keyboard.press('Enter');
    await page.locator('[data-css="MailTemplateOverride-edit-locale"] input').fill('Deutsch');
    await page.keyboard.press('Enter');
    await page.getByText('{{booking.reference}}', { exact: true }).waitFor();
    await page.waitForFunction("document.querySelector('#subject')?.value !== ''");
    expect(await page.locator('#subject').inputValue()).toBe('Bitte bestätigen Sie Ihren Termin am {{date}} ({{booking.reference}})');
    expect(await page.locator('#text').inputValue()).toContain('{{{links.confirm}}}');
    await shoot('mail-template-new');

    await page.locator('#text').fill('Moin {{booking.citizen.name}}, {{geheim}}');
    await page.click('button[type=submit]');
    await page.getByText('Unbekannte Variable: {{geheim}}').waitFor();
    // The same message in the English panel, the variable name as it is.
    await chooseLanguage('Deutsch', 'Englisch');
    await page.getByText('Unknown variable: {{geheim}}').waitFor();
    await chooseLanguage('English', 'German');
    await page.locator('#text').fill('Moin {{booking.citizen.name}},\n\nbitte bestätigen: {{{links.confirm}}}\n\n{{tenant.name}}');
    await page.click('button[type=submit]');
    await page.getByText('E-Mail-Vorlage angelegt').waitFor();
    const saved = await t.dataSource.getRepository(MailTemplateOverride).findOneByOrFail({ templateKey: 'booking/receipt', locale: 'de' });
    await page.goto(`${base}/admin/resources/MailTemplateOverride/records/${saved.id}/show`);
    await page.getByText('Vorschau mit Beispielwerten').waitFor();
    await page.getByText('Moin ‹booking.citizen.name›,', { exact: false }).waitFor();
    await shoot('mail-template-show');
    expect(b.foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
