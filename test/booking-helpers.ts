import { expect } from '@jest/globals';
import { DataSource } from 'typeorm';
import { Location } from '../apps/server/src/catalog/entities/location.entity.js';
import { Service } from '../apps/server/src/catalog/entities/service.entity.js';
import { OutboxService } from '../apps/server/src/notifications/outbox.service.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { ReleaseService } from '../plugins/booking/release.service.js';
import type { AmtszeitPlugin } from '../apps/server/src/plugin-host/plugin.types.js';
import { KIOSK_CHECK_IN } from '../plugins/booking/booking.api.js';
import { ALL_PLUGINS } from '../plugins/index.js';
import { TestSmtpServer } from './harness/smtp-server.js';
import { createTestApp, type TestApp, type TestAppOptions } from './harness/test-app.js';
import { solveForTest } from './harness/proof-solver.js';

export const SLUG = 'musterstadt';

/**
 * The plugins with a kiosk that checks appointments in (KIOSK_CHECK_IN), as once the kiosk exists:
 * messages and pages then name the terminal, the check-in code and carry the QR code.
 */
export const PLUGINS_WITH_CHECK_IN: AmtszeitPlugin[] = ALL_PLUGINS.map((p) => (p.name === 'kiosk' ? { ...p, capabilities: [KIOSK_CHECK_IN] } : p));

/** Ids of the demo catalog by name. */
export async function demoIds(t: TestApp, slug = SLUG) {
  return t.asTenant(slug, async () => {
    const data = t.app.get(TenantDataService);
    const services = await data.repo(Service).find();
    const locations = await data.repo(Location).find();
    const service = (name: string) => services.find((s) => s.name === name)!.id;
    const location = (prefix: string) => locations.find((l) => l.name.startsWith(prefix))!.id;
    return {
      ausweis: service('Personalausweis beantragen'),
      pass: service('Reisepass beantragen'),
      anmeldung: service('Anmeldung des Wohnsitzes'),
      rathaus: location('Bürgerbüro im Rathaus'),
      nord: location('Bürgerbüro Nord'),
    };
  });
}

export type DemoIds = Awaited<ReturnType<typeof demoIds>>;

/** The usual start of a booking test: a fresh app whose demo capacity is released. */
export async function releasedDemoApp(options?: TestAppOptions): Promise<{ t: TestApp; ids: DemoIds }> {
  const t = await createTestApp(options);
  const ids = await demoIds(t);
  await release(t);
  return { t, ids };
}

/** releasedDemoApp sending its mail to a fresh in-process SMTP server (stop it after closing the app). */
export async function releasedMailApp(options: TestAppOptions = {}): Promise<{ t: TestApp; ids: DemoIds; smtp: TestSmtpServer }> {
  const smtp = new TestSmtpServer();
  await smtp.start();
  try {
    return { ...(await releasedDemoApp({ ...options, env: { ...options.env, SMTP_URL: smtp.url } })), smtp };
  } catch (err) {
    await smtp.stop();
    throw err;
  }
}

export function release(t: TestApp, slug = SLUG) {
  return t.asTenant(slug, () => t.app.get(ReleaseService).releaseDue());
}

export function deliverMail(t: TestApp, slug = SLUG) {
  return t.asTenant(slug, () => t.app.get(OutboxService).deliverDue());
}

/** held + booked never exceeds capacity, and `used` is exactly the number of allocations. */
export async function expectCapacityInvariant(dataSource: DataSource): Promise<void> {
  const rows = await dataSource.query(
    `SELECT u.id, u.used, u.capacity, (SELECT COUNT(*) FROM booking_capacity_allocation a WHERE a.unitId = u.id) AS allocated
       FROM booking_capacity_unit u
      WHERE u.used > u.capacity OR u.used < 0 OR u.used <> (SELECT COUNT(*) FROM booking_capacity_allocation a WHERE a.unitId = u.id)`,
  );
  expect(rows).toEqual([]);
  // Live bookings hold exactly their units; ended ones hold none that is not on its way back.
  const holding = await dataSource.query(
    `SELECT b.reference, b.status, (SELECT COUNT(*) FROM booking_capacity_allocation a WHERE a.ownerId = b.id AND a.releaseAt IS NULL) AS held
       FROM booking b`,
  );
  for (const b of holding as Array<{ reference: string; status: string; held: number | string }>) {
    if (b.status === 'cancelled' || b.status === 'expired') expect({ ref: b.reference, held: Number(b.held) }).toEqual({ ref: b.reference, held: 0 });
    else expect(Number(b.held)).toBeGreaterThan(0);
  }
}

export function citizen(n: number | string) {
  return { name: `Erika Mustermann ${n}`, email: `erika${n}@example.org` };
}

/** Fetches a captcha challenge from the app and solves it as the portal's widget would. */
export async function solveCaptcha(t: TestApp, slug = SLUG): Promise<string> {
  return solveForTest((await t.http.get(`/api/v1/tenants/${slug}/bookings/challenge`).expect(200)).body);
}

/**
 * One fresh Rathaus start per call (Tuesdays and Thursdays, both opening ranges, 15-minute
 * steps), so tests that book a lot never compete for a unit.
 */
export function rathausStarts(days = ['2026-11-24', '2026-11-26', '2026-12-01', '2026-12-03', '2026-12-08', '2026-12-10']): () => string {
  const minutes = [8 * 60, 14 * 60].flatMap((from, i) => Array.from({ length: i === 0 ? 18 : 16 }, (_, k) => from + 15 * k));
  let i = 0;
  return () => {
    const day = days[Math.floor(i / minutes.length)];
    const m = minutes[i++ % minutes.length];
    if (!day) throw new Error('rathausStarts: out of starts');
    return `${day}T${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00+01:00`;
  };
}
