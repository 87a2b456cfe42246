import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type TestAgent from 'supertest/lib/agent.js';
import { DocumentChecklistItem } from '../apps/server/src/catalog/entities/document-checklist-item.entity.js';
import { Location } from '../apps/server/src/catalog/entities/location.entity.js';
import { ReleasePolicy } from '../apps/server/src/catalog/entities/release-policy.entity.js';
import { ServiceOffering } from '../apps/server/src/catalog/entities/service-offering.entity.js';
import { Service } from '../apps/server/src/catalog/entities/service.entity.js';
import { citizen, demoIds, release } from './booking-helpers.js';
import { createAccount, createAdminTestApp, loginAgent } from './harness/admin-session.js';
import type { TestApp } from './harness/test-app.js';
import { panelText } from './harness/panel-text.js';

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
    await createAccount(t, 'tenant-admin', 'admin@beispielheim.test', 'beispielheim');
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
    expect(errorsOf(bad)).toEqual({ fee: 'euroAmount', locationIds: 'Bitte einen Eintrag aus der Liste wählen.' });
    // The fee's message is a key: German in the German panel, English in the English one.
    expect(panelText('de', errorsOf(bad).fee)).toBe('Bitte einen Betrag in Euro angeben, z. B. 12,50 €.');
    expect(panelText('en', errorsOf(bad).fee)).toBe('Please enter an amount in euros, e.g. 12,50 €.');
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
      expect(row.params.locationLabel).toBe(policy.locationId ? expect.any(String) : 'allLocations');
      if (policy.locationId) expect(row.params.locationLabel).not.toBe('allLocations');
    }
    // The column words the marker in the panel's language (components/location-label.ts).
    expect([panelText('de', 'allLocations'), panelText('en', 'allLocations')]).toEqual(['alle Standorte', 'all locations']);
    expect(policies.some((p) => p.locationId === null)).toBe(true);

    const items = await admin.get('/admin/api/resources/DocumentChecklistItem/actions/list?perPage=500').expect(200);
    const services = items.body.records.map((r: any) => r.params.serviceId as string);
    expect(services.length).toBe(await t.dataSource.getRepository(DocumentChecklistItem).countBy({ tenantId }));
    // Grouped: once a service's run ends, it does not come back.
    const runs = services.filter((s: string, i: number) => i === 0 || s !== services[i - 1]);
    expect(new Set(runs).size).toBe(runs.length);
  });

  it('the start page shows the week’s and today’s appointments per location, holds and the waitlist, from the plugins; a zero is no warning', async () => {
    const dashboard = async (agent: TestAgent) => (await agent.get('/admin/api/dashboard').expect(200)).body;
    const figure = (body: any, key: string) => body.activity.find((f: { key: string }) => f.key === key);
    const before = await dashboard(admin);
    expect(before.activity.map((f: { key: string }) => f.key)).toEqual(['booking.today', 'booking.week', 'booking.holds', 'terminagent.waitlist']);
    expect(figure(before, 'booking.week').label).toEqual({ de: 'Termine diese Woche', en: 'Appointments this week' });
    const locations = await t.dataSource.getRepository(Location).findBy({ tenantId, active: true });
    expect(
      figure(before, 'booking.today')
        .byLocation.map((l: { location: string }) => l.location)
        .sort(),
    ).toEqual(locations.map((l) => l.name).sort());

    // A booking for tomorrow (the test clock stands on Monday, 23 Nov 2026): this week, not today, and held until confirmed.
    const ids = await demoIds(t);
    await release(t);
    await t.http
      .post('/api/v1/tenants/musterstadt/bookings')
      .send({
        services: [{ serviceId: ids.ausweis, quantity: 1 }],
        locationId: ids.rathaus,
        start: '2026-11-24T07:00:00+00:00',
        citizen: citizen('dashboard'),
        consent: true,
      })
      .expect(201);
    const after = await dashboard(admin);
    expect(figure(after, 'booking.today').value).toBe(figure(before, 'booking.today').value);
    expect(figure(after, 'booking.week').value).toBe(figure(before, 'booking.week').value + 1);
    expect(figure(after, 'booking.holds').value).toBe(figure(before, 'booking.holds').value + 1);
    const rathaus = locations.find((l) => l.id === ids.rathaus)!.name;
    const at = (body: any) => figure(body, 'booking.week').byLocation.find((l: { location: string }) => l.location === rathaus).value;
    expect(at(after)).toBe(at(before) + 1);

    // The warning is amber only when there is something to see.
    const notOffered = after.figures.find((f: { key: string }) => f.key === 'dashboardNotOffered');
    expect(notOffered.warn).toBe(notOffered.value > 0);

    // Beispielheim: its own figures, and none of the Terminagent, which is off there.
    const other = await loginAgent(t, 'admin@beispielheim.test');
    const theirs = await dashboard(other);
    expect(theirs.activity.map((f: { key: string }) => f.key)).toEqual(['booking.today', 'booking.week', 'booking.holds']);
    expect(JSON.stringify(theirs)).not.toContain(rathaus);
    expect(figure(theirs, 'booking.holds').value).toBe(0);
  });
});
