import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestBrowser } from './harness/browser.js';
import type { TestApp } from './harness/test-app.js';

// AdminJS decides between its development and production bundles when it is first loaded, so
// the environment is set before the application modules are imported (this file has its own
// module registry). The bundle folder has no leading dot, as in production (Express 5 refuses
// to serve files from dot-folders).
const bundleDir = mkdtempSync(join(tmpdir(), 'amtszeit-adminjs-'));
const previous = { NODE_ENV: process.env.NODE_ENV, ADMIN_JS_TMP_DIR: process.env.ADMIN_JS_TMP_DIR };
process.env.NODE_ENV = 'production';
process.env.ADMIN_JS_TMP_DIR = bundleDir;

describe('admin panel in production mode', () => {
  let t: TestApp;
  let b: TestBrowser;
  let base: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const { createAccount, createAdminTestApp } = await import('./harness/admin-session.js');
    const { listen, openBrowser } = await import('./harness/browser.js');
    t = await createAdminTestApp();
    await createAccount(t, 'tenant-admin', 'admin@beispielheim.test', 'beispielheim');
    base = await listen(t.app);
    b = await openBrowser(base);
    b.page.on('pageerror', (e) => pageErrors.push(String(e)));
  });
  afterAll(async () => {
    await b?.close();
    await t?.close();
    Object.assign(process.env, previous);
    rmSync(bundleDir, { recursive: true, force: true });
  });

  it('serves the production bundles from a folder without a leading dot and the panel works', async () => {
    const { TEST_PASSWORD } = await import('./harness/admin-session.js');
    const bundle = await t.http.get('/admin/frontend/assets/components.bundle.js').expect(200);
    expect(bundle.text).toContain('AdminJS.UserComponents');
    const app = await t.http.get('/admin/frontend/assets/app.bundle.js').expect(200);
    expect(app.text.length).toBeGreaterThan(100_000);

    const { page } = b;
    await page.goto(`${base}/admin/login`);
    await page.fill('input[name=email]', 'admin@beispielheim.test');
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.click('form button');
    await page.waitForURL(`${base}/admin`);
    await page.goto(`${base}/admin/resources/Location`);
    await page.getByText('Rathaus Beispielheim, Einwohnermeldeamt').first().waitFor();
    expect(b.foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
