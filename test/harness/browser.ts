import { readFileSync } from 'node:fs';
import { expect } from '@jest/globals';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { fromRoot } from '../../apps/server/src/common/project-root.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface TestBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Every request whose host is not the server under test (must stay empty). */
  foreignRequests: string[];
  close(): Promise<void>;
}

/**
 * Debian's headless Chromium driven by playwright-core. Requests to any host other than
 * `allowedHost` are recorded and aborted, so a test can assert that a page loads nothing from a
 * third party.
 */
export async function openBrowser(baseUrl: string): Promise<TestBrowser> {
  // launch() always starts from a fresh temporary profile (it refuses --user-data-dir).
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ locale: 'de-DE', timezoneId: 'Europe/Berlin' });
  // Generous like jest's timeout: the panel's first load imports AdminJS, which on a loaded 2-core
  // machine took over playwright's default 30 s. A hang still fails; speed is the benchmarks' business.
  context.setDefaultNavigationTimeout(120_000);
  context.setDefaultTimeout(60_000);
  const allowed = new URL(baseUrl).host;
  const foreignRequests: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || url.host === allowed) return route.continue();
    foreignRequests.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  return {
    browser,
    context,
    page,
    foreignRequests,
    close: () => browser.close(),
  };
}

/** Listens on an ephemeral loopback port and returns the base URL (for browser tests). */
export async function listen(app: { listen(port: number, host: string): Promise<unknown>; getHttpServer(): { address(): unknown } }): Promise<string> {
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}

const AXE = readFileSync(fromRoot('node_modules/axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  help: string;
  nodes: string[];
}

/** axe-core's WCAG 2.1 A/AA rules inside the page (evaluated over CDP, so the page's CSP does not block it). */
export async function runAxe(page: Page): Promise<{ violations: AxeViolation[]; passed: number }> {
  await page.evaluate(AXE);
  return page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then((r) => ({
      violations: r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) })),
      passed: r.passes.length,
    }))`) as Promise<{ violations: AxeViolation[]; passed: number }>;
}

/** A click that navigates returns once the new document is committed, before its head may be parsed. */
export async function expectTitle(page: Page, title: string): Promise<void> {
  await page.waitForLoadState('load');
  expect(await page.title()).toBe(title);
}

/**
 * Runs axe on each page a test visits and asserts all results at the end, so one report lists
 * every page with a violation.
 */
export function pageAuditor(page: () => Page) {
  const audited: Array<{ title: string; url: string; violations: AxeViolation[]; passed: number }> = [];
  return {
    async audit(): Promise<void> {
      await page().waitForLoadState('load');
      audited.push({ title: await page().title(), url: page().url(), ...(await runAxe(page())) });
    },
    expectAllClean(pages: number): void {
      expect(audited.filter((a) => a.violations.length > 0)).toEqual([]);
      // axe really checked each page (colour contrast, labels, landmarks, …), not an empty document.
      expect(Math.min(...audited.map((a) => a.passed))).toBeGreaterThanOrEqual(10);
      expect(audited).toHaveLength(pages);
    },
  };
}
