import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Closure } from '../apps/server/src/catalog/entities/closure.entity.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { createTestApp, type TestApp } from './harness/test-app.js';

/**
 * A write made while another request's transaction is open must not become part of it: on
 * SQLite (one shared connection) it would otherwise vanish with that transaction's rollback.
 */
describe('writes beside an open transaction', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const reasons = async () => (await t.asTenant('musterstadt', () => t.app.get(TenantDataService).repo(Closure).find())).map((c) => c.reason).sort();

  it('keeps every outside write when a concurrent transaction rolls back', async () => {
    const data = t.app.get(TenantDataService);
    let inside!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    let finish!: () => void;
    const release = new Promise<void>((r) => (finish = r));

    const failing = t.asTenant('musterstadt', () =>
      data.transaction(async (tx) => {
        await tx.repo(Closure).save(tx.repo(Closure).create({ fromDate: '2027-01-02', toDate: '2027-01-02', reason: 'in der Transaktion', locationId: null }));
        inside();
        await release;
        throw new Error('rolled back');
      }),
    );
    await entered;
    // Three kinds of outside writes while the transaction is open: a scoped save, an AdminJS-style
    // BaseEntity save, and a raw statement.
    const outside = Promise.all([
      t.asTenant('musterstadt', () =>
        data.repo(Closure).save(data.repo(Closure).create({ fromDate: '2027-01-03', toDate: '2027-01-03', reason: 'daneben gespeichert', locationId: null })),
      ),
      t.asTenant('musterstadt', async () => {
        const c = Closure.create({
          tenantId: (await t.tenant('musterstadt')).id,
          fromDate: '2027-01-04',
          toDate: '2027-01-04',
          reason: 'über das Admin-Panel',
          locationId: null,
        });
        await c.save();
      }),
      t.dataSource.query('UPDATE closure SET reason = ? WHERE reason = ?', ['Heiligabend (geändert)', 'Heiligabend']),
    ]);
    await new Promise((r) => setTimeout(r, 20));
    finish();
    await expect(failing).rejects.toThrow('rolled back');
    await outside;

    expect(await reasons()).toEqual(['Heiligabend (geändert)', 'Silvester', 'daneben gespeichert', 'über das Admin-Panel']);
  });

  it('lets a transaction call code that opens a transaction of its own', async () => {
    const data = t.app.get(TenantDataService);
    await t.asTenant('musterstadt', () =>
      data.transaction(async () => {
        await data.transaction(async (inner) => {
          await inner
            .repo(Closure)
            .save(inner.repo(Closure).create({ fromDate: '2027-02-01', toDate: '2027-02-01', reason: 'verschachtelt', locationId: null }));
        });
      }),
    );
    expect(await reasons()).toContain('verschachtelt');
  });
});
