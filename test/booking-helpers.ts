import { expect } from '@jest/globals';
import { DataSource } from 'typeorm';
import { Location } from '../apps/server/src/catalog/entities/location.entity.js';
import { Service } from '../apps/server/src/catalog/entities/service.entity.js';
import { OutboxService } from '../apps/server/src/notifications/outbox.service.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { ReleaseService } from '../plugins/booking/release.service.js';
import { createTestApp, type TestApp, type TestAppOptions } from './harness/test-app.js';

export const SLUG = 'musterstadt';

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
