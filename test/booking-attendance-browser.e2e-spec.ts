import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AdminUser } from '../apps/server/src/auth/admin-user.entity.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { BookingAttendanceService } from '../plugins/booking/booking.api.js';
import { BookingService } from '../plugins/booking/booking.service.js';
import { type DemoIds, releasedDemoApp, SLUG } from './booking-helpers.js';
import { createAccount, TEST_PASSWORD } from './harness/admin-session.js';
import { expectTitle, listen, openBrowser, pageAuditor, type TestBrowser } from './harness/browser.js';
import type { TestApp } from './harness/test-app.js';

const WIDTHS = [375, 1280];

/**
 * The clerk's day view in Chromium with a checked-in and a no-show appointment: the state is a
 * word on each entry (not only a colour), in the grid on a desktop and in the list on a phone,
 * accessible (axe, WCAG 2.1 AA) and fitting the screen. With SHOTS_DIR set the pages are kept as
 * screenshots to look at.
 */
describe('attendance in the staff day view (browser)', () => {
  let t: TestApp;
  let ids: DemoIds;
  let b: TestBrowser;
  let baseUrl: string;
  const refs: Record<'checkedIn' | 'noShow' | 'waiting', string> = { checkedIn: '', noShow: '', waiting: '' };
  const { audit, expectAllClean } = pageAuditor(() => b.page);

  beforeAll(async () => {
    ({ t, ids } = await releasedDemoApp());
    const clerk = await createAccount(t, 'staff', 'clerk@musterstadt.test', SLUG);
    await t.dataSource.getRepository(AdminUser).update({ id: clerk.id }, { locationIds: [ids.rathaus] });
    // Today (the test clock: Monday 2026-11-23, 08:00 in Berlin).
    const book = (time: string, name: string) =>
      t.asTenant(SLUG, () =>
        t.app.get(BookingService).createByStaff({
          services: [{ serviceId: ids.ausweis, quantity: 2 }],
          locationId: ids.rathaus,
          start: `2026-11-23T${time}:00+01:00`,
          citizen: { name, email: 'buerger@example.org' },
          consent: true,
          locale: 'de',
        }),
      );
    refs.checkedIn = (await book('09:00', 'Anna Eingecheckt')).reference;
    refs.noShow = (await book('09:00', 'Bernd Fehlt')).reference;
    refs.waiting = (await book('09:30', 'Clara Kommt')).reference;
    await t.asTenant(SLUG, async () => {
      const attendance = t.app.get(BookingAttendanceService);
      const id = async (reference: string) => (await attendance.findByReference(reference))!.bookingId;
      await t.app.get(TenantDataService).writeTx(async (tx) => {
        await attendance.markCheckedIn(tx, await id(refs.checkedIn), new Date('2026-11-23T07:50:00Z'));
        await attendance.markNoShow(tx, await id(refs.noShow));
      });
    });
    baseUrl = await listen(t.app);
    b = await openBrowser(baseUrl);
  });
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  it('names the state of each appointment in words at phone and desktop width', async () => {
    const { page } = b;
    const calendar = `${baseUrl}/${SLUG}/mitarbeiter/kalender`;
    await page.goto(calendar);
    await page.getByLabel('E-Mail-Adresse').fill('clerk@musterstadt.test');
    await page.getByLabel('Passwort').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL(calendar);
    await expectTitle(page, 'Kalender – Stadt Musterstadt');
    const expected = { checkedIn: 'eingecheckt', noShow: 'nicht erschienen', waiting: 'bestätigt' } as const;
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      // The grid on a desktop, the list per counter on a phone: whichever is shown names the state.
      const visible = width >= 900 ? '.cal-grid-entry' : '.cal-entry';
      for (const [key, word] of Object.entries(expected)) {
        const entry = page.locator(visible, { hasText: refs[key as keyof typeof refs] }).first();
        expect(await entry.isVisible()).toBe(true);
        expect(await entry.locator('.cal-status').innerText()).toBe(word);
      }
      await audit();
      if (process.env.SHOTS_DIR) await page.screenshot({ path: `${process.env.SHOTS_DIR}/E-day-attendance-${width}.png`, fullPage: true });
      const scrollWidth = (await page.evaluate('document.documentElement.scrollWidth')) as number;
      expect({ width, scrollWidth }).toEqual({ width, scrollWidth: width });
    }
    expectAllClean(WIDTHS.length);
  });
});
