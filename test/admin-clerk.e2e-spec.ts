import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type TestAgent from 'supertest/lib/agent.js';
import { DocumentChecklistItem } from '../apps/server/src/catalog/entities/document-checklist-item.entity.js';
import { Location } from '../apps/server/src/catalog/entities/location.entity.js';
import { ReleasePolicy } from '../apps/server/src/catalog/entities/release-policy.entity.js';
import { ServiceOffering } from '../apps/server/src/catalog/entities/service-offering.entity.js';
import { Service } from '../apps/server/src/catalog/entities/service.entity.js';
import { createAccount, createAdminTestApp, loginAgent } from './harness/admin-session.js';
import type { TestApp } from './harness/test-app.js';

/** The panel in a clerk's terms: euros, locations in the service form, named notices, "alle Standorte". */
describe('admin panel for a clerk', () => {
  let t: TestApp;
  let admin: TestAgent;
  let tenantId: string;
  let otherTenantId: string;

  const errorsOf = (res: { body: any }) =>
    Object.fromEntries(Object.entries(res.body.record?.errors ?? {}).map(([k, v]) => [k, (v as { message: string }).message]));

  beforeAll(async () => {
    t = await createAdminTestApp();
    await createAccount(t, 'tenant-admin', 'admin@musterstadt.test', 'musterstadt');
    tenantId = (await t.tenant('musterstadt')).id;
    otherTenantId = (await t.tenant('beispielheim')).id;
    admin = await loginAgent(t, 'admin@musterstadt.test');
  });
  afterAll(async () => t.close());

  it('a service takes its fee in euros with a comma and its locations in the same form; the notice names the service', async () => {
    const [first, second] = await t.dataSource.getRepository(Location).find({ where: { tenantId }, order: { name: 'ASC' } });
    const foreign = await t.dataSource.getRepository(Location).findOneByOrFail({ tenantId: otherTenantId });
    const base = { name: 'Fischereischein', durationMinutes: '15', maxQuantity: '1', position: '5' };

    const bad = await admin
      .post('/admin/api/resources/Service/actions/new')
      .type('form')
      .send({ ...base, fee: 'zwölf Euro', locationIds: `${first.id},${foreign.id}` });
    expect(errorsOf(bad)).toEqual({ fee: 'Bitte einen Betrag in Euro angeben, z. B. 12,50 €.', locationIds: 'Bitte einen Eintrag aus der Liste wählen.' });
    expect(await t.dataSource.getRepository(Service).countBy({ tenantId, name: 'Fischereischein' })).toBe(0);

    const created = await admin
      .post('/admin/api/resources/Service/actions/new')
      .type('form')
      .send({ ...base, fee: '12,50 €', locationIds: `${first.id},${second.id}`, checklist: 'Personalausweis\nLichtbild' });
    expect(created.body.notice).toMatchObject({ type: 'success', message: 'successfullyCreated', resourceId: 'Service' });
    const service = await t.dataSource.getRepository(Service).findOneByOrFail({ tenantId, name: 'Fischereischein' });
    expect(service.feeCents).toBe(1250);
    const offered = async () => (await t.dataSource.getRepository(ServiceOffering).findBy({ tenantId, serviceId: service.id })).map((o) => o.locationId).sort();
    expect(await offered()).toEqual([first.id, second.id].sort());

    const shown = await admin.get(`/admin/api/resources/Service/records/${service.id}/show`).expect(200);
    expect(shown.body.record.params).toMatchObject({ fee: '12,50\u00a0€', locations: expect.stringContaining(first.name) });

    const edited = await admin
      .post(`/admin/api/resources/Service/records/${service.id}/edit`)
      .type('form')
      .send({ fee: '1.234,5', locationIds: second.id, feeCents: '1' });
    expect(edited.body.notice).toMatchObject({ type: 'success', message: 'successfullyUpdated', resourceId: 'Service' });
    expect((await t.dataSource.getRepository(Service).findOneByOrFail({ id: service.id })).feeCents).toBe(123450);
    expect(await offered()).toEqual([second.id]);

    // Fields left out of a request stay as they are; an empty fee means "no fee".
    await admin.post(`/admin/api/resources/Service/records/${service.id}/edit`).type('form').send({ fee: '' }).expect(200);
    expect((await t.dataSource.getRepository(Service).findOneByOrFail({ id: service.id })).feeCents).toBeNull();
    expect(await offered()).toEqual([second.id]);
    await admin.post(`/admin/api/resources/Service/records/${service.id}/edit`).type('form').send({ locationIds: '' }).expect(200);
    expect(await offered()).toEqual([]);

    const deleted = await admin.post(`/admin/api/resources/Service/records/${service.id}/delete`).expect(200);
    expect(deleted.body.notice).toMatchObject({ type: 'success', message: 'successfullyDeleted', resourceId: 'Service' });
  });

  it('the contingents list says "alle Standorte" for the default rule; the checklist list keeps each service’s documents together', async () => {
    const policies = await t.dataSource.getRepository(ReleasePolicy).findBy({ tenantId });
    const list = await admin.get('/admin/api/resources/ReleasePolicy/actions/list').expect(200);
    for (const policy of policies) {
      const row = list.body.records.find((r: any) => r.id === policy.id);
      expect(row.params.locationLabel).toBe(policy.locationId ? expect.any(String) : 'alle Standorte');
      if (policy.locationId) expect(row.params.locationLabel).not.toBe('alle Standorte');
    }
    expect(policies.some((p) => p.locationId === null)).toBe(true);

    const items = await admin.get('/admin/api/resources/DocumentChecklistItem/actions/list?perPage=500').expect(200);
    const services = items.body.records.map((r: any) => r.params.serviceId as string);
    expect(services.length).toBe(await t.dataSource.getRepository(DocumentChecklistItem).countBy({ tenantId }));
    // Grouped: once a service's run ends, it does not come back.
    const runs = services.filter((s: string, i: number) => i === 0 || s !== services[i - 1]);
    expect(new Set(runs).size).toBe(runs.length);
  });
});
