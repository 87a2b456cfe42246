import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Like } from 'typeorm';
import { AdminAuthService, LOGIN_LIMITS } from '../apps/server/src/auth/admin-auth.service.js';
import { LoginThrottle } from '../apps/server/src/auth/login-throttle.entity.js';
import { SharedCounter } from '../apps/server/src/limits/shared-counter.entity.js';
import { openAdminBrowser } from './harness/admin-browser.js';
import { createAccount, TEST_PASSWORD } from './harness/admin-session.js';
import { pageAuditor, type TestBrowser } from './harness/browser.js';
import type { TestApp } from './harness/test-app.js';

describe('admin panel in a browser', () => {
  let t: TestApp;
  let b: TestBrowser;
  let base: string;
  let pageErrors: string[];

  beforeAll(async () => {
    ({ t, b, base, pageErrors } = await openAdminBrowser('admin@musterstadt.test', 'musterstadt'));
  });
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  it('a tenant-admin logs in and creates a service with a three-item checklist, in German, loading nothing from elsewhere', async () => {
    const { page } = b;
    await page.goto(`${base}/admin/login`);
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    await page.fill('input[name=email]', 'admin@musterstadt.test');
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.click('form button');
    await page.waitForURL(`${base}/admin`);
    await page.getByText('Stammdaten').first().waitFor();
    await page.getByText('Aktive Dienstleistungen').first().waitFor();
    expect(await page.getByText(/^Willkommen, /).count()).toBe(1);
    // The staff pages of the plugins that are on in Musterstadt are one click away, in the same session.
    expect(await page.getByRole('link', { name: 'Kalender', exact: true }).getAttribute('href')).toBe('/musterstadt/mitarbeiter/kalender');
    const figures = page.getByRole('link', { name: 'Kennzahlen des Terminagenten' });
    expect(await figures.getAttribute('href')).toBe('/musterstadt/mitarbeiter/terminagent');
    await figures.click();
    await page.waitForURL(`${base}/musterstadt/mitarbeiter/terminagent`);
    expect(await page.title()).toContain('Stadt Musterstadt');

    await page.goto(`${base}/admin/resources/Service/actions/new`);
    await page.getByText('Mitzubringende Unterlagen').first().waitFor();
    await page.fill('#name', 'Hundesteuer anmelden');
    await page.fill('#durationMinutes', '10');
    await page.fill('#maxQuantity', '2');
    await page.fill('#checklist', 'Personalausweis\nNachweis der Haftpflichtversicherung\nChipnummer des Hundes');
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/admin/resources/Service`);
    await page.getByText('Hundesteuer anmelden').first().waitFor();

    const res = await t.http.get('/api/v1/tenants/musterstadt/services').expect(200);
    const service = res.body.find((s: { name: string }) => s.name === 'Hundesteuer anmelden');
    expect(service).toMatchObject({ durationMinutes: 10, maxQuantity: 2 });
    expect(service.checklist.map((c: { text: string }) => c.text)).toEqual([
      'Personalausweis',
      'Nachweis der Haftpflichtversicherung',
      'Chipnummer des Hundes',
    ]);
    const other = await t.http.get('/api/v1/tenants/beispielheim/services').expect(200);
    expect(other.body.map((s: { name: string }) => s.name)).not.toContain('Hundesteuer anmelden');

    // A refused input shows the German message next to the field.
    await page.goto(`${base}/admin/resources/ReleasePolicy/actions/new`);
    await page.fill('#dailyReleaseTime', '9 Uhr');
    await page.click('button[type=submit]');
    await page.getByText('Bitte eine Uhrzeit im Format HH:MM angeben (z. B. 09:00).').first().waitFor();

    expect(b.foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('with the account soft-locked, the login page solves the proof of work and the right password gets in, by keyboard', async () => {
    const { page } = b;
    const email = 'locked@musterstadt.test';
    await createAccount(t, 'tenant-admin', email, 'musterstadt');
    const auth = t.app.get(AdminAuthService);
    for (let i = 1; i <= LOGIN_LIMITS.accountFailures; i++) {
      await expect(auth.login(email, `falsch-${i}`, { panel: true, address: `198.51.100.${i}` })).rejects.toThrow('invalidCredentials');
    }
    await expect(auth.login(email, TEST_PASSWORD, { panel: true, address: '127.0.0.1' })).rejects.toThrow('proofOfWorkRequired');

    // The challenge is held back until the form is sent, so the page shows that it waits for the check.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/admin/login-challenge', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${base}/admin/logout`);
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(`${base}/admin/login`);
    await page.getByText('Zusätzliche Prüfung läuft …', { exact: true }).waitFor();
    await page.getByLabel('E-Mail').fill(email);
    await page.getByLabel('Passwort').fill(TEST_PASSWORD);
    await page.getByLabel('Passwort').press('Enter');
    await page.getByText('Zusätzliche Prüfung läuft … Die Anmeldung wird danach gesendet.').waitFor();
    expect(page.url()).toBe(`${base}/admin/login`);
    // For a person to look at; in the system's temp folder, as tests keep out of ./data.
    const shots = join(tmpdir(), 'amtszeit-screenshots');
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'admin-login-proof-375.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: join(shots, 'admin-login-proof-1280.png'), fullPage: true });
    const auditor = pageAuditor(() => page);
    await auditor.audit();
    auditor.expectAllClean(1);

    release();
    await page.waitForURL(`${base}/admin`);
    await page
      .getByText(/^Willkommen, /)
      .first()
      .waitFor();
    await page.unroute('**/admin/login-challenge');
    // The proof was spent, and the right password with it ended the soft lock.
    expect(await t.dataSource.getRepository(SharedCounter).countBy({ key: Like('spent|altcha|%') })).toBe(1);
    expect(await t.dataSource.getRepository(LoginThrottle).countBy({ key: `account:${email}` })).toBe(0);
    expect(b.foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
  it('with the account soft-locked, a proof solved before the user has typed is still sent with the form', async () => {
    const { page } = b;
    const email = 'slow-typist@musterstadt.test';
    await createAccount(t, 'tenant-admin', email, 'musterstadt');
    const auth = t.app.get(AdminAuthService);
    for (let i = 1; i <= LOGIN_LIMITS.accountFailures; i++) {
      await expect(auth.login(email, `falsch-${i}`, { panel: true, address: `203.0.113.${i}` })).rejects.toThrow('invalidCredentials');
    }
    await page.goto(`${base}/admin/logout`);
    await page.goto(`${base}/admin/login`);
    // The page re-renders when the check is done; the solution must survive that.
    await page.getByText('Zusätzliche Prüfung abgeschlossen.').waitFor();
    await page.getByLabel('E-Mail').fill(email);
    await page.getByLabel('Passwort').fill(TEST_PASSWORD);
    await page.getByLabel('Passwort').press('Enter');
    await page.waitForURL(`${base}/admin`);
    expect(await t.dataSource.getRepository(LoginThrottle).countBy({ key: `account:${email}` })).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
