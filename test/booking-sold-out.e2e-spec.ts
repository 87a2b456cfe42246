import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SOLD_OUT_MEMORY_MS } from '../plugins/booking/capacity.service.js';
import { countQueries } from './harness/query-counter.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { createTestDatabase, type TestDatabase } from './harness/test-database.js';
import { citizen, demoIds, type DemoIds, expectCapacityInvariant, rathausStarts, release, SLUG } from './booking-helpers.js';

const API = `/api/v1/tenants/${SLUG}`;

describe('sold-out times answered from memory', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let ids: DemoIds;
  const nextStart = rathausStarts();
  let n = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await createTestApp({ database });
    ids = await demoIds(a);
    await release(a);
    b = await createTestApp({ database });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await database?.drop();
  });

  const book = (t: TestApp, start: string) =>
    t.http
      .post(`${API}/bookings`)
      .send({ services: [{ serviceId: ids.ausweis, quantity: 1 }], locationId: ids.rathaus, start, citizen: citizen(`sold-out-${n++}`), consent: true });
  const cancel = (t: TestApp, booking: { reference: string; token: string }) =>
    t.http.post(`${API}/bookings/${booking.reference}/cancel`).send({ token: booking.token }).expect(200);

  /** Leaves `online` units at the time (and none on the other channels). */
  async function capacityAt(start: string, online: number): Promise<void> {
    await a.dataSource.query(
      `UPDATE booking_capacity_unit SET capacity = used + (CASE WHEN channel = 'online' THEN ${online} ELSE 0 END) WHERE locationId = ? AND localDate = ? AND localStart = ?`,
      [ids.rathaus, start.slice(0, 10), start.slice(11, 16)],
    );
  }

  /**
   * The status of an attempt on that instance, and the statements it sent about capacity (a read of
   * the units, or a transaction). Other statements are not counted: an instance reloads its config
   * cache once it sees the other instance's start-up raise the version, whenever its poll comes.
   */
  async function attempt(t: TestApp, start: string): Promise<{ status: number; statements: number }> {
    const counter = countQueries(t.dataSource, /booking_capacity_unit|^\s*(START TRANSACTION|BEGIN)/i);
    const res = await book(t, start);
    counter.stop();
    return { status: res.status, statements: counter.count };
  }

  it('asks the database once, then answers from memory; a unit given back on the same instance counts at once', async () => {
    const start = nextStart();
    await capacityAt(start, 1);
    const first = (await book(a, start).expect(201)).body;
    expect(await attempt(a, start)).toEqual({ status: 409, statements: 1 });
    expect(await attempt(a, start)).toEqual({ status: 409, statements: 0 });
    await cancel(a, first);
    expect((await attempt(a, start)).status).toBe(201);
    await expectCapacityInvariant(a.dataSource);
  });

  it('another instance sees a unit given back elsewhere within the memory time, not later', async () => {
    const start = nextStart();
    await capacityAt(start, 1);
    const first = (await book(a, start).expect(201)).body;
    expect((await attempt(b, start)).status).toBe(409);
    await cancel(a, first);
    // B still remembers the time as sold out, without asking...
    expect(await attempt(b, start)).toEqual({ status: 409, statements: 0 });
    // ...for at most the memory time.
    b.clock.advance(SOLD_OUT_MEMORY_MS);
    expect((await attempt(b, start)).status).toBe(201);
    await expectCapacityInvariant(a.dataSource);
  });

  it('never remembers a time not released yet, so a release counts at once everywhere', async () => {
    const start = nextStart();
    await capacityAt(start, 0);
    expect(await attempt(b, start)).toEqual({ status: 409, statements: 1 });
    await capacityAt(start, 1);
    expect((await attempt(b, start)).status).toBe(201);
    await expectCapacityInvariant(a.dataSource);
  });
});
