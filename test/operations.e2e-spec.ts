import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Location } from '../apps/server/src/catalog/entities/location.entity.js';
import { MissingTenantContextError } from '../apps/server/src/tenancy/tenant-context.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { createTestApp, type TestApp } from './harness/test-app.js';

describe('operations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('publishes the OpenAPI document and its UI', async () => {
    const doc = (await t.http.get('/api/docs/openapi.json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/api/v1/tenants/{slug}/services', '/api/v1/tenants/{slug}/locations']));
    const ui = await t.http.get('/api/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger');
    expect(ui.text).not.toMatch(/https?:\/\/(?!localhost|127\.0\.0\.1)[a-z0-9.-]+\.[a-z]{2,}\/[^"']*\.(js|css)/i);
  });

  it('the migrations build exactly the schema the entities describe', async () => {
    const pending = await t.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('refuses to touch tenant data without a tenant context', async () => {
    const data = t.app.get(TenantDataService);
    await expect(async () => data.repo(Location).find()).rejects.toThrow(MissingTenantContextError);
    await expect(async () => data.repo(Location).save(new Location())).rejects.toThrow(MissingTenantContextError);
  });

  it("stamps the current tenant on writes and refuses to write another tenant's row", async () => {
    const data = t.app.get(TenantDataService);
    const beispielheim = await t.tenant('beispielheim');
    const foreign = await t.asTenant('beispielheim', () => data.repo(Location).find());
    await t.asTenant('musterstadt', async () => {
      const row = data.repo(Location).create({ name: 'Ort', street: 'Weg 1', postalCode: '1', city: 'X', tenantId: beispielheim.id } as Partial<Location>);
      expect(row.tenantId).not.toBe(beispielheim.id);
      await expect(data.repo(Location).save(foreign[0])).rejects.toThrow('another tenant');
      expect(await data.repo(Location).update({ id: foreign[0].id }, { name: 'gekapert' })).toBe(0);
      expect(await data.repo(Location).delete({ id: foreign[0].id })).toBe(0);
    });
    const still = await t.asTenant('beispielheim', () => data.repo(Location).findById(foreign[0].id));
    expect(still?.name).toBe(foreign[0].name);
  });

  it('reports the database in /health and answers 503 when it is down', async () => {
    expect((await t.http.get('/health').expect(200)).body).toEqual({ status: 'ok', database: 'up' });
    await t.dataSource.destroy();
    expect((await t.http.get('/health').expect(503)).body).toMatchObject({ status: 'error', database: 'down' });
    await t.dataSource.initialize();
  });
});
