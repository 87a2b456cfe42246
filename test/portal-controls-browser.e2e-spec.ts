import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { OfferService } from '../plugins/terminagent/offer.service.js';
import { type DemoIds, releasedDemoApp, SLUG } from './booking-helpers.js';
import { expectTitle, listen, openBrowser, type TestBrowser } from './harness/browser.js';
import { mailLink } from './harness/mail-links.js';
import type { TestApp } from './harness/test-app.js';
import { agentSlots, fillWishForm, linkFromOutbox, match, offerOf, queueWishForSlot } from './terminagent-helpers.js';

/** Touch-sized fields and buttons (44 px high, as WCAG 2.5.5 asks); checkboxes and radios at least 24 px (2.5.8). */
const FIELD_MIN = { width: 44, height: 44 };
const TICK_MIN = { width: 24, height: 24 };

/**
 * In the page: every visible form control's rendered size, and whether its value fits. axe-core
 * checks names and contrast but not this: the wish form's time fields once rendered as 21 × 21 px
 * boxes that hid their value. A value fits when the text, in the field's own font, is no wider than
 * the field's content box (time and date fields draw their value in a shadow tree, so scrollWidth
 * alone does not tell).
 */
const MEASURE = `(() => {
  const canvas = document.createElement('canvas').getContext('2d');
  const out = [];
  for (const el of document.querySelectorAll('input, select, textarea, button')) {
    if (el.type === 'hidden') continue;
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
    const tick = el.type === 'checkbox' || el.type === 'radio';
    const name = el.id || el.name || el.textContent.trim().slice(0, 30);
    let text = null;
    if (el.tagName === 'SELECT') text = el.selectedOptions[0]?.textContent ?? '';
    else if (el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && !tick && el.type !== 'submit')) text = el.value;
    let fits = true;
    if (text) {
      canvas.font = style.font;
      const inner = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      fits = canvas.measureText(text).width <= inner + 0.5 && el.scrollWidth <= el.clientWidth;
    }
    out.push({ name, type: el.type || el.tagName.toLowerCase(), tick, width: Math.round(r.width), height: Math.round(r.height), text, fits });
  }
  return out;
})()`;

interface Control {
  name: string;
  type: string;
  tick: boolean;
  width: number;
  height: number;
  text: string | null;
  fits: boolean;
}

describe('form controls of every portal page: touch-sized, values visible (375 and 1280 px)', () => {
  let t: TestApp;
  let ids: DemoIds;
  let b: TestBrowser;
  let baseUrl: string;

  beforeAll(async () => {
    ({ t, ids } = await releasedDemoApp());
    baseUrl = await listen(t.app);
    b = await openBrowser(baseUrl);
  });
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  for (const width of [375, 1280]) {
    it(`at ${width} px`, async () => {
      const context = await b.browser.newContext({ viewport: { width, height: 900 }, locale: 'de-DE', timezoneId: 'Europe/Berlin' });
      const problems: string[] = [];
      const seen: string[] = [];
      let controls = 0;
      const check = async (page: Page) => {
        await page.waitForLoadState('load');
        const title = await page.title();
        seen.push(title);
        for (const c of (await page.evaluate(MEASURE)) as Control[]) {
          controls += 1;
          const min = c.tick ? TICK_MIN : FIELD_MIN;
          if (c.width < min.width || c.height < min.height) problems.push(`${title}: ${c.type} ${c.name} is ${c.width} × ${c.height} px`);
          if (!c.fits) problems.push(`${title}: ${c.type} ${c.name} does not show its value "${c.text}"`);
        }
      };
      try {
        const page = await context.newPage();
        page.setDefaultTimeout(10_000);
        const email = `controls${width}@example.org`;
        // The booking flow, each step with its fields filled.
        await page.goto(`${baseUrl}/${SLUG}/`);
        await page.getByLabel('Personalausweis beantragen').fill('1');
        await check(page);
        await page.getByRole('button', { name: 'Weiter' }).click();
        await page.getByLabel('Bürgerbüro im Rathaus').check();
        await check(page);
        await page.getByRole('button', { name: 'Freie Tage anzeigen' }).click();
        await check(page);
        await page.getByRole('button', { name: 'Uhrzeiten anzeigen' }).click();
        await check(page);
        await page.getByRole('button', { name: 'Weiter zu Ihren Angaben' }).click();
        await page.getByLabel('Vor- und Nachname').fill('Maximiliane Mustermann-Schulze');
        await page.getByLabel('E-Mail-Adresse').fill(email);
        await page.fill('#phone', '0151 23456789');
        await page.getByLabel('Ich bin mit der Verarbeitung').check();
        await check(page);
        await page.getByRole('button', { name: 'Weiter zur Übersicht' }).click();
        await expectTitle(page, 'Angaben prüfen – Stadt Musterstadt');
        await check(page);
        await page.getByRole('button', { name: 'Termin reservieren' }).click();
        await expectTitle(page, 'Bitte bestätigen Sie Ihren Termin – Stadt Musterstadt');
        await check(page);
        // The appointment pages behind the mail links.
        await page.goto(`${baseUrl}${await mailLink(t, SLUG, '/bestaetigen?', (m) => m.content.to === email)}`);
        await check(page);
        await page.getByRole('button', { name: 'Termin verbindlich bestätigen' }).click();
        await expectTitle(page, 'Ihr Termin – Stadt Musterstadt');
        await check(page);
        await page.getByRole('link', { name: 'Termin verschieben' }).click();
        await check(page);
        await page.goBack();
        await page.getByRole('link', { name: 'Termin absagen' }).click();
        await check(page);

        // The wish form with a time window filled, and its pages.
        const slot = (await agentSlots(t)).find((s) => s.locationId === ids.rathaus)!;
        await page.goto(`${baseUrl}/${SLUG}/warteliste`);
        await fillWishForm(page, ids, slot, { name: 'Paula Wunsch', email: `wish${width}@example.org` });
        await check(page);
        await page.getByRole('button', { name: 'Auf die Warteliste setzen' }).click();
        await page.locator('main').getByText(`wish${width}@example.org`).first().waitFor();
        await check(page);
        const wish = await queueWishForSlot(t, ids, slot, `offer${width}@example.org`);
        await page.goto(`${baseUrl}${await linkFromOutbox(t, `terminagent:wish:${wish.id}:confirm`, '/bestaetigen')}`);
        await check(page);
        await match(t);
        await t.asTenant(SLUG, () => t.app.get(OfferService).mailPending());
        const offer = (await offerOf(t, wish.id))!;
        await page.goto(`${baseUrl}${await linkFromOutbox(t, `terminagent:offer:${offer.offer.id}`, '/terminvorschlag/')}`);
        await check(page);
      } finally {
        await context.close();
      }
      expect(problems).toEqual([]);
      // Every page was measured and held controls (not an error page without a form).
      expect(seen).toHaveLength(15);
      expect(controls).toBeGreaterThan(60);
      expect(b.foreignRequests).toEqual([]);
    });
  }
});
