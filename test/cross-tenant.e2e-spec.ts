import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { collectTenantRows, foreignSecrets, publicOperations, type TenantRows } from './harness/cross-tenant.js';

/**
 * Walks every public route of the OpenAPI document (so plugin routes are covered as they are
 * added) as tenant A, filling every path parameter with tenant B's ids.
 */
describe('cross-tenant isolation of the public API', () => {
  let t: TestApp;
  let a: TenantRows;
  let b: TenantRows;

  beforeAll(async () => {
    t = await createTestApp();
    a = await collectTenantRows(t, 'musterstadt');
    b = await collectTenantRows(t, 'beispielheim');
  });
  afterAll(async () => t.close());

  it('has ids of several kinds in both tenants to try', () => {
    expect(Object.keys(b.idsByTable).length).toBeGreaterThanOrEqual(8);
    expect(b.ids.length).toBeGreaterThan(20);
  });

  it("answers 404 and no foreign data for every route asked with the other tenant's ids", async () => {
    const operations = await publicOperations(t);
    const withIds = operations.filter((op) => op.params.length > 0);
    expect(withIds.length).toBeGreaterThan(0);
    let tried = 0;
    for (const op of withIds) {
      for (const [table, ids] of Object.entries(b.idsByTable)) {
        const id = ids[0];
        const url = op.fill('musterstadt', () => id);
        const res = await t.http[op.method](url).send({});
        tried += 1;
        expect({ url, table, status: res.status }).toEqual({ url, table, status: expect.any(Number) });
        expect([400, 401, 403, 404, 405, 409, 422]).toContain(res.status);
        for (const secret of foreignSecrets(b, a)) expect(res.text).not.toContain(secret);
      }
    }
    expect(tried).toBeGreaterThan(10);
  });

  it('still serves the tenant its own records on the same routes (the walk can fail)', async () => {
    const operations = (await publicOperations(t)).filter((op) => op.method === 'get' && op.params.length === 1);
    let served = 0;
    for (const op of operations) {
      for (const ids of Object.values(a.idsByTable)) {
        const res = await t.http.get(op.fill('musterstadt', () => ids[0]));
        if (res.status === 200) served += 1;
      }
    }
    expect(served).toBeGreaterThanOrEqual(2);
  });

  it("lists never contain the other tenant's records", async () => {
    const operations = (await publicOperations(t)).filter((op) => op.method === 'get' && op.params.length === 0);
    expect(operations.length).toBeGreaterThanOrEqual(2);
    for (const op of operations) {
      const res = await t.http.get(op.fill('musterstadt', () => ''));
      for (const secret of foreignSecrets(b, a)) expect(res.text).not.toContain(secret);
    }
  });
});
