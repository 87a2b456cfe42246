import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { DeviceService } from '../apps/server/src/devices/device.service.js';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { displayManifest } from '../plugins/display/display.manifest.js';
import { demoIds, SLUG, type DemoIds } from './booking-helpers.js';
import { createDevice, pairingCode } from './devices-helpers.js';
import { clerkAt, displayState } from './display-helpers.js';
import { freePort } from './harness/built-server.js';
import { openBrowser, runAxe, type TestBrowser } from './harness/browser.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { createTestDatabase, type TestDatabase } from './harness/test-database.js';

/** With SHOTS_DIR set the screens are kept as screenshots to look at (not part of the assertions). */
const SHOTS = process.env.SHOTS_DIR;

/** Waits until the blinking of new calls is over (axe then sees the steady colours). */
const SETTLED = 'Promise.all(document.getAnimations().map((a) => a.finished)).then(() => true)';

/** The numbers the page lists, newest first. */
const shownNumbers = (page: Page) => page.locator('#calls .call-number').allTextContents();

describe('call display in Chromium', () => {
  let database: TestDatabase;
  let t: TestApp;
  let ids: DemoIds;
  let port: number;
  let base: string;
  let browser: TestBrowser;

  const start = async () => {
    t = await createTestApp({ database, clock: t?.clock });
    await t.app.listen(port, '127.0.0.1');
  };

  /** Pairs a new display of the location through the pairing page (code in the fragment, as from the QR code, which pairs at once). */
  async function pairOnPage(page: Page, config: Record<string, unknown> = {}): Promise<string> {
    const device = await createDevice(t, SLUG, { kind: 'display', locationId: ids.rathaus, config });
    const code = await pairingCode(t, SLUG, device.id);
    // From elsewhere: on the pairing page already, a new fragment alone would not load it again.
    await page.goto('about:blank');
    await page.goto(`${base}/${SLUG}/geraet/koppeln#code=${code}`);
    await page.waitForURL(`${base}/${SLUG}/anzeige`);
    return device.id;
  }

  beforeAll(async () => {
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
    database = await createTestDatabase();
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    await start();
    ids = await demoIds(t);
    // Quicker polls keep the test short; the page's rules are the same at any interval.
    await t.app.get(PluginHostService).updateSettings((await t.tenant(SLUG)).id, displayManifest, { pollSeconds: 1 });
    browser = await openBrowser(base);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await database?.drop();
  });

  it('sends a browser without a token to the pairing page', async () => {
    await browser.page.goto(`${base}/${SLUG}/anzeige`);
    await browser.page.waitForURL(`${base}/${SLUG}/geraet/koppeln`);
    expect(browser.foreignRequests).toEqual([]);
  });

  it('shows a call made at a counter, blinking, accessible, with nothing from another host', async () => {
    const page = browser.page;
    await page.setViewportSize({ width: 1920, height: 1080 });
    await pairOnPage(page, { notice: 'Bitte halten Sie Ihren Personalausweis bereit.' });
    await page.locator('#empty').waitFor({ state: 'visible' });
    await expect(page.locator('#location').textContent()).resolves.toBe('Bürgerbüro im Rathaus');

    const clerk = await clerkAt(t, SLUG, 'browser@musterstadt.example', ids.rathaus, ids.ausweis);
    const first = await clerk.call();
    await page.locator('#calls .call-number', { hasText: first.number }).waitFor();
    const second = await clerk.call();
    await page.locator('#calls .call-number', { hasText: second.number }).waitFor();
    expect(await shownNumbers(page)).toEqual([second.number, first.number]);

    // The newest call blinks three times, then stays.
    const newest = page.locator('#calls .call').first();
    await expect(newest.getAttribute('class')).resolves.toContain('is-new');
    const blink = await newest.evaluate((el) => {
      const style = (globalThis as unknown as { getComputedStyle(e: unknown): { animationName: string; animationIterationCount: string } }).getComputedStyle(
        el,
      );
      return { name: style.animationName, count: style.animationIterationCount };
    });
    expect(blink).toEqual({ name: 'call-blink', count: '3' });
    // The older call does not blink again.
    await expect(page.locator('#calls .call').nth(1).getAttribute('class')).resolves.toBe('call');
    await page.evaluate(SETTLED);
    await expect(page.locator('#announce').textContent()).resolves.toContain(second.number);
    await expect(page.locator('#notice').textContent()).resolves.toBe('Bitte halten Sie Ihren Personalausweis bereit.');

    const axe = await runAxe(page);
    expect(axe.violations).toEqual([]);
    expect(axe.passed).toBeGreaterThanOrEqual(10);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/D-display-landscape-1920.png` });
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: width === 375 ? 812 : 800 });
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/D-display-${width}.png` });
    }
    expect(browser.foreignRequests).toEqual([]);
  });

  it('shows the portrait layout a device is configured for', async () => {
    const context = await browser.browser.newContext({ locale: 'de-DE', timezoneId: 'Europe/Berlin', viewport: { width: 1080, height: 1920 } });
    try {
      const page = await context.newPage();
      await pairOnPage(page, { layout: 'portrait', rows: 8, languages: ['en', 'de'] });
      await page.locator('#display.layout-portrait').waitFor();
      await page.locator('#calls .call').first().waitFor();
      // English first, as configured.
      await expect(page.locator('#calls-title').textContent()).resolves.toBe('Calls');
      await page.evaluate(SETTLED);
      expect((await runAxe(page)).violations).toEqual([]);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/D-display-portrait-1080.png` });
    } finally {
      await context.close();
    }
  });

  it('recovers from a server restart while open, without a person', async () => {
    const page = browser.page;
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto(`${base}/${SLUG}/anzeige`);
    await page.locator('#calls .call').first().waitFor();
    const shownBefore = await shownNumbers(page);

    await t.app.close();
    await page.locator('#offline').waitFor({ state: 'visible' });
    await expect(page.locator('#offline').textContent()).resolves.toBe('Verbindung unterbrochen – Anzeige wird wiederhergestellt');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/D-display-offline-1920.png` });
    // The calls stay on screen while the server is away.
    expect(await shownNumbers(page)).toEqual(shownBefore);

    await start();
    const clerk = await clerkAt(t, SLUG, 'neustart@musterstadt.example', ids.rathaus, ids.anmeldung, 1);
    const next = await clerk.call();
    await page.locator('#calls .call-number', { hasText: next.number }).waitFor({ timeout: 60_000 });
    await page.locator('#offline').waitFor({ state: 'hidden' });
    expect((await shownNumbers(page))[0]).toBe(next.number);
  });

  it('marks itself offline and keeps polling when a request never answers (a wedged server or connection)', async () => {
    const page = browser.page;
    await page.goto(`${base}/${SLUG}/anzeige`);
    await page.locator('#empty, #calls .call').first().waitFor();
    const state = `${base}${displayState(SLUG)}`;
    // Held, never answered nor failed: only the page's own timeout ends such a request.
    await page.route(state, () => undefined);
    try {
      await page.locator('#offline').waitFor({ state: 'visible', timeout: 30_000 });
    } finally {
      await page.unroute(state);
    }
    // Polling goes on: the next answer clears the mark.
    await page.locator('#offline').waitFor({ state: 'hidden', timeout: 60_000 });
  });

  it('goes back to the pairing page when the device is revoked', async () => {
    const context = await browser.browser.newContext({ locale: 'de-DE', timezoneId: 'Europe/Berlin' });
    try {
      const page = await context.newPage();
      const deviceId = await pairOnPage(page);
      await page.locator('#empty, #calls .call').first().waitFor();
      await t.asTenant(SLUG, () => t.app.get(DeviceService).revoke(deviceId));
      await page.waitForURL(`${base}/${SLUG}/geraet/koppeln?getrennt=1`);
      expect(await page.evaluate(`localStorage.getItem('amtszeit.device.${SLUG}')`)).toBeNull();
    } finally {
      await context.close();
    }
  });
});
