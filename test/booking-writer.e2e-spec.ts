import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DomainError } from '../apps/server/src/common/domain-error.js';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { bookingManifest } from '../plugins/booking/booking.manifest.js';
import { BookingWriterService } from '../plugins/booking/booking-writer.service.js';
import { CitizenCapsService } from '../plugins/booking/citizen-caps.service.js';
import { CapacityService } from '../plugins/booking/capacity.service.js';
import { countQueries } from './harness/query-counter.js';
import type { TestApp } from './harness/test-app.js';
import { citizen, type DemoIds, expectCapacityInvariant, rathausStarts, releasedDemoApp, SLUG } from './booking-helpers.js';

const API = `/api/v1/tenants/${SLUG}`;

describe('bookings written together (group commit)', () => {
  let t: TestApp;
  let ids: DemoIds;
  const nextStart = rathausStarts();

  beforeAll(async () => {
    ({ t, ids } = await releasedDemoApp());
  });
  afterAll(async () => t.close());

  const book = (start: string, who: ReturnType<typeof citizen>) =>
    t.http.post(`${API}/bookings`).send({ services: [{ serviceId: ids.ausweis, quantity: 1 }], locationId: ids.rathaus, start, citizen: who, consent: true });

  /** A write of one unit at `start` for `owner`, without rows of its own (unless `rows` says otherwise). */
  async function unitWrite(start: string, owner: string, rows: () => Promise<boolean> = async () => false) {
    const spec = { locationId: ids.rathaus, start: new Date(start), minutes: 15, channels: ['online' as const] };
    return { hold: { ...spec, ownerId: owner }, slots: await t.app.get(CapacityService).precheck(spec), caps: null, rows };
  }

  /** Gives back the units taken by unitWrite owners (they have no bookings), so the invariant holds again. */
  async function giveBack(prefix: string) {
    await t.dataSource.query(
      `UPDATE booking_capacity_unit SET used = used - 1 WHERE id IN (SELECT unitId FROM booking_capacity_allocation WHERE ownerId LIKE ?)`,
      [`${prefix}%`],
    );
    await t.dataSource.query(`DELETE FROM booking_capacity_allocation WHERE ownerId LIKE ?`, [`${prefix}%`]);
    await expectCapacityInvariant(t.dataSource);
  }

  it('writes that wait while two transactions run go in together, each with its own units', async () => {
    const writer = t.app.get(BookingWriterService);
    const commits = countQueries(t.dataSource, /^\s*COMMIT/i);
    const outcome = await t.asTenant(SLUG, async () => {
      const jobs = await Promise.all(Array.from({ length: 5 }, (_, i) => unitWrite(nextStart(), `together-${i}`)));
      return Promise.allSettled(jobs.map((job) => writer.write(job)));
    });
    commits.stop();
    expect(outcome.map((o) => o.status)).toEqual(Array(5).fill('fulfilled'));
    // The first two start at once; the other three wait for them and share the third transaction.
    expect(commits.count).toBe(3);
    const held = await t.dataSource.query(`SELECT ownerId, COUNT(*) AS n FROM booking_capacity_allocation WHERE ownerId LIKE 'together-%' GROUP BY ownerId`);
    expect(held.map((r: { n: number | string }) => Number(r.n))).toEqual(Array(5).fill(1));
    await giveBack('together-');
  });

  it("counts a group's earlier bookings against one citizen's cap", async () => {
    // Five at once from one mailbox; two unconfirmed holds are the default cap.
    const responses = await Promise.all(Array.from({ length: 5 }, () => book(nextStart(), citizen('same-mailbox'))));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 429, 429, 429]);
    expect(responses.find((r) => r.status === 429)!.body.code).toBe('HOLDS_UNCONFIRMED');
    await expectCapacityInvariant(t.dataSource);
  });

  it('decides the caps of a group in arrival order, counting the bookings before it in the group', async () => {
    const writer = t.app.get(BookingWriterService);
    const outcome = await t.asTenant(SLUG, async () => {
      const settings = await t.app.get(PluginHostService).settings(bookingManifest);
      const caps = { keys: t.app.get(CitizenCapsService).keysFor('one-mailbox@example.org', undefined), serviceIds: [ids.ausweis], settings };
      const jobs = await Promise.all(Array.from({ length: 5 }, (_, i) => unitWrite(nextStart(), `capped-${i}`)));
      // The first two go alone and write no booking rows; the last three share a group, in which two holds are the cap.
      return Promise.allSettled(jobs.map((job) => writer.write({ ...job, caps })));
    });
    expect(outcome.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect(((outcome[4] as PromiseRejectedResult).reason as DomainError).code).toBe('HOLDS_UNCONFIRMED');
    await giveBack('capped-');
  });

  it('a booking whose rows fail takes only itself down: the others of its group are written alone', async () => {
    const writer = t.app.get(BookingWriterService);
    const outcome = await t.asTenant(SLUG, async () => {
      const jobs = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          unitWrite(nextStart(), `alone-${i}`, async () => {
            if (i === 3) throw new Error('rows of the fourth booking fail');
            return false;
          }),
        ),
      );
      return Promise.allSettled(jobs.map((job) => writer.write(job)));
    });
    // The fourth shares a group with the third and fifth; that group fails and is written again one by one.
    expect(outcome.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(((outcome[3] as PromiseRejectedResult).reason as Error).message).toBe('rows of the fourth booking fail');
    const held = await t.dataSource.query(`SELECT ownerId FROM booking_capacity_allocation WHERE ownerId LIKE 'alone-%' ORDER BY ownerId`);
    expect(held.map((r: { ownerId: string }) => r.ownerId)).toEqual(['alone-0', 'alone-1', 'alone-2', 'alone-4']);
    await giveBack('alone-');
  });

  it('refuses the units a group gave out to the group members after them, in arrival order', async () => {
    const start = nextStart();
    // One online unit left at that time.
    await t.dataSource.query(
      `UPDATE booking_capacity_unit SET capacity = used + (CASE WHEN channel = 'online' THEN 1 ELSE 0 END) WHERE locationId = ? AND localDate = ? AND localStart = ?`,
      [ids.rathaus, start.slice(0, 10), start.slice(11, 16)],
    );
    const responses = await Promise.all(Array.from({ length: 6 }, (_, i) => book(start, citizen(`last-unit-${i}`))));
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect(responses.find((r) => r.status === 409)!.body.code).toBe('CAPACITY_GONE');
    await expectCapacityInvariant(t.dataSource);
  });
});
