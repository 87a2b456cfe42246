import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fromRoot } from '../apps/server/src/common/project-root.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { CapacityAllocation } from '../plugins/booking/entities/capacity-allocation.entity.js';
import { CapacityUnit } from '../plugins/booking/entities/capacity-unit.entity.js';
import { HoldLock } from '../plugins/booking/entities/hold-lock.entity.js';
import { createTestApp, type TestApp } from './harness/test-app.js';

/** Plugin source files, without entity and migration definitions (they declare the tenant column). */
function pluginSources(dir = fromRoot('plugins')): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'entities' || name === 'migrations' ? [] : pluginSources(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('scoped query builders', () => {
  let t: TestApp;
  let data: TenantDataService;
  const unit = (slug: string) =>
    t.asTenant(slug, async () => {
      const repo = data.repo(CapacityUnit);
      const row = repo.create({
        locationId: 'loc',
        slotStart: new Date('2026-12-01T08:00:00Z'),
        slotMinutes: 15,
        localDate: '2026-12-01',
        localStart: '09:00',
        utcOffsetMinutes: 60,
        channel: 'online',
        capacity: 2,
        used: 0,
      });
      await repo.insert([row]);
      return row.id;
    });
  const used = async (id: string) => (await t.dataSource.getRepository(CapacityUnit).findOneByOrFail({ id })).used;

  beforeAll(async () => {
    t = await createTestApp();
    data = t.app.get(TenantDataService);
  });
  afterAll(async () => t.close());

  it("updateWhere changes the current tenant's row and never another tenant's, whatever the condition says", async () => {
    const own = await unit('musterstadt');
    const foreign = await unit('beispielheim');
    const take = (id: string) =>
      t.asTenant('musterstadt', () =>
        data.writeTx((tx) => tx.repo(CapacityUnit).updateWhere({ used: () => 'used + 1' }, 'id = :id AND used < capacity', { id })),
      );
    expect(await take(own)).toBe(1);
    expect(await take(foreign)).toBe(0);
    // A condition that tries to widen the scope stays inside the tenant (it is ANDed in parentheses).
    const widened = await t.asTenant('musterstadt', () =>
      data.writeTx((tx) => tx.repo(CapacityUnit).updateWhere({ used: () => 'used + 1' }, 'id = :id OR 1 = 1', { id: foreign })),
    );
    expect(widened).toBe(1); // only musterstadt's one unit
    expect([await used(own), await used(foreign)]).toEqual([2, 0]);
    // Even a patch naming a tenant does not move a row.
    await t.asTenant('musterstadt', () =>
      data.writeTx((tx) => tx.repo(CapacityUnit).updateWhere({ tenantId: 'other', used: 2 } as never, 'id = :id', { id: own })),
    );
    expect((await t.dataSource.getRepository(CapacityUnit).findOneByOrFail({ id: own })).tenantId).toBe((await t.tenant('musterstadt')).id);
    await expect(
      t.asTenant('musterstadt', () => data.repo(CapacityUnit).updateWhere({ used: 0 }, 'tenantId = :scopeTenantId', { scopeTenantId: 'x' })),
    ).rejects.toThrow('scopeTenantId is reserved');
  });

  it('the chunked insert stamps the current tenant and refuses rows of another; all or nothing in a transaction', async () => {
    const muster = await t.tenant('musterstadt');
    const beispiel = await t.tenant('beispielheim');
    const rows = Array.from({ length: 7 }, (_, i) => ({ unitId: `u${i}`, ownerId: 'bulk-owner', releaseAt: null }));
    await t.asTenant('musterstadt', () => data.writeTx((tx) => tx.repo(CapacityAllocation).insert(rows, { chunk: 3 })));
    const stored = await t.dataSource.getRepository(CapacityAllocation).findBy({ ownerId: 'bulk-owner' });
    expect(stored.map((r) => r.tenantId)).toEqual(Array(7).fill(muster.id));

    const mixed = [
      { unitId: 'ok', ownerId: 'mixed-owner', releaseAt: null },
      { tenantId: beispiel.id, unitId: 'bad', ownerId: 'mixed-owner', releaseAt: null },
    ];
    await expect(t.asTenant('musterstadt', () => data.writeTx((tx) => tx.repo(CapacityAllocation).insert(mixed, { chunk: 1 })))).rejects.toThrow(
      'Refusing to write a CapacityAllocation of another tenant',
    );
    expect(await t.dataSource.getRepository(CapacityAllocation).countBy({ ownerId: 'mixed-owner' })).toBe(0);
  });

  it('insertOrUpdate keys on the tenant itself', async () => {
    const upsert = (slug: string) =>
      t.asTenant(slug, () =>
        data.writeTx(async (tx) => {
          const locks = tx.repo(HoldLock);
          await locks.insertOrUpdate(locks.create({ key: 'same-key', updatedAt: new Date() }), ['updatedAt'], ['key']);
        }),
      );
    await upsert('musterstadt');
    await upsert('musterstadt');
    await upsert('beispielheim');
    expect(await t.dataSource.getRepository(HoldLock).countBy({ key: 'same-key' })).toBe(2);
  });

  it('plugin code has no entity manager and writes no tenant by hand', () => {
    const offences: string[] = [];
    for (const file of pluginSources()) {
      const shown = relative(fromRoot(), file);
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
          if (/\.manager\b|coreManagerOf|createQueryBuilder\(/.test(code)) offences.push(`${shown}:${i + 1}: ${line.trim()}`);
          // The bot protection keys an in-memory cache by tenant; it is not a query.
          if (/\btenantId\b/.test(code) && !shown.endsWith('bot-protection.service.ts')) offences.push(`${shown}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offences).toEqual([]);
  });
});
