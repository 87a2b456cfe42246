import { createAccount, createAdminTestApp } from './admin-session.js';
import { listen, openBrowser, type TestBrowser } from './browser.js';
import type { TestApp } from './test-app.js';

export interface AdminBrowser {
  t: TestApp;
  b: TestBrowser;
  base: string;
  /** Uncaught errors and console errors of the page (a test expects none). */
  pageErrors: string[];
}

/** The app with the admin panel and one tenant-admin account, listening on loopback, with Chromium on it. */
export async function openAdminBrowser(email: string, tenant: string): Promise<AdminBrowser> {
  const t = await createAdminTestApp();
  await createAccount(t, 'tenant-admin', email, tenant);
  const base = await listen(t.app);
  const b = await openBrowser(base);
  const pageErrors: string[] = [];
  b.page.on('pageerror', (e) => pageErrors.push(String(e)));
  b.page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  return { t, b, base, pageErrors };
}
