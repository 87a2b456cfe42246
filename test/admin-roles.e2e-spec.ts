import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import type TestAgent from 'supertest/lib/agent.js';
import { Column, Entity, type MigrationInterface, type QueryRunner } from 'typeorm';
import { z } from 'zod';
import { ALL_PLUGINS } from '../plugins/index.js';
import { AdminUser } from '../apps/server/src/auth/admin-user.entity.js';
import { runDialectSql } from '../apps/server/src/database/dialect-migration.js';
import { definePlugin, type AmtszeitPlugin } from '../apps/server/src/plugin-host/plugin.types.js';
import { TenantOwnedEntity } from '../apps/server/src/tenancy/tenant-owned.entity.js';
import { TenantPluginState } from '../apps/server/src/tenancy/tenant-plugin-state.entity.js';
import { Tenant } from '../apps/server/src/tenancy/tenant.entity.js';
import { createAccount, createAdminTestApp, loginAgent, panelLogin, TEST_PASSWORD } from './harness/admin-session.js';
import type { TestApp } from './harness/test-app.js';
import { panelText } from './harness/panel-text.js';

/** A plugin with one admin resource, to see the plugin gate at work. */
@Entity('gate_probe')
class GateProbe extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 100 })
  label!: string;
}

class GateProbeTable1900000000000 implements MigrationInterface {
  name = 'GateProbeTable1900000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await runDialectSql(queryRunner, {
      sqlite: [
        `CREATE TABLE "gate_probe" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenantId" varchar(36) NOT NULL, "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime NOT NULL DEFAULT (datetime('now')), "label" varchar(100) NOT NULL)`,
      ],
      mysql: [
        'CREATE TABLE `gate_probe` (`id` varchar(36) NOT NULL, `tenantId` varchar(36) NOT NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `updatedAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `label` varchar(100) NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB',
      ],
    });
  }
  async down(): Promise<void> {}
}

@Module({})
class ProbeModule {}

const probePlugin = definePlugin({
  name: 'probe',
  label: { de: 'Testplugin', en: 'Probe' },
  module: ProbeModule,
  entities: [GateProbe],
  migrations: [GateProbeTable1900000000000],
  settings: z.object({}).strict(),
  adminResources: [{ entity: GateProbe, navigation: 'devices' }],
}) as AmtszeitPlugin;

const refused = (res: { status: number; body: any }) => res.status >= 400 || res.body?.notice?.type === 'error';

describe('admin roles and plugin gates', () => {
  let t: TestApp;
  let root: TestAgent;
  let muster: TestAgent;
  let beispiel: TestAgent;
  let musterId: string;
  let beispielId: string;

  const state = (tenantId: string, plugin: string) => t.dataSource.getRepository(TenantPluginState).findOneByOrFail({ tenantId, plugin });

  beforeAll(async () => {
    t = await createAdminTestApp({ plugins: [...ALL_PLUGINS, probePlugin] });
    await createAccount(t, 'super-admin', 'root@example.test');
    await createAccount(t, 'tenant-admin', 'admin@musterstadt.test', 'musterstadt');
    await createAccount(t, 'tenant-admin', 'admin@beispielheim.test', 'beispielheim');
    musterId = (await t.tenant('musterstadt')).id;
    beispielId = (await t.tenant('beispielheim')).id;
    const probes = t.dataSource.getRepository(GateProbe);
    for (const tenantId of [musterId, beispielId]) await probes.save(probes.create({ tenantId, label: `Probe ${tenantId}` }));
    root = await loginAgent(t, 'root@example.test');
    muster = await loginAgent(t, 'admin@musterstadt.test');
    beispiel = await loginAgent(t, 'admin@beispielheim.test');
  });
  afterAll(async () => t.close());

  /** The sidebar: resources the panel links for this user (AdminJS drops those without list access). */
  async function sidebar(agent: TestAgent): Promise<string[]> {
    const page = await agent.get('/admin').expect(200);
    const state = JSON.parse(/window\.REDUX_STATE = (.*?);\n/.exec(page.text)![1]);
    return state.resources
      .filter((r: { href: string | null }) => r.href)
      .map((r: { id: string }) => r.id)
      .sort();
  }

  it('shows each role only what it may use', async () => {
    // Webhooks and their log belong to the administrators of every tenant (core).
    const core = [
      'AdminUser',
      'AuditLog',
      'Closure',
      'Counter',
      'Device',
      'DocumentChecklistItem',
      'Location',
      'MailTemplateOverride',
      'ReleasePolicy',
      'Schedule',
      'ScheduleRange',
      'Service',
      'ServiceOffering',
      'TenantPluginState',
      'WebhookAttempt',
      'WebhookEndpoint',
    ];
    const agent = ['TerminagentOffer', 'TerminagentWish'];
    // Both towns have the queue on.
    const queue = ['QueueLocationConfig'];
    // Musterstadt has the Terminagent on, Beispielheim has it off: its resources follow the switch.
    expect(await sidebar(muster)).toEqual([...core, ...queue, ...agent].sort());
    expect(await sidebar(beispiel)).toEqual([...core, ...queue].sort());
    expect(await sidebar(root)).toEqual([...core, ...queue, ...agent, 'GateProbe', 'Tenant'].sort());
  });

  it('a tenant-admin cannot reach the tenants, not even its own', async () => {
    expect(refused(await muster.get('/admin/api/resources/Tenant/actions/list'))).toBe(true);
    expect(refused(await muster.get(`/admin/api/resources/Tenant/records/${musterId}/show`))).toBe(true);
    const edit = await muster.post(`/admin/api/resources/Tenant/records/${musterId}/edit`).type('form').send({ name: 'Umbenannt' });
    expect(refused(edit)).toBe(true);
    expect((await t.dataSource.getRepository(Tenant).findOneByOrFail({ id: musterId })).name).not.toBe('Umbenannt');
  });

  it('the super-admin sees all tenants and creates one, which gets a switch per plugin', async () => {
    const list = await root.get('/admin/api/resources/Tenant/actions/list').expect(200);
    expect(list.body.records.map((r: any) => r.params.slug).sort()).toEqual(['beispielheim', 'musterstadt']);
    const bad = await root
      .post('/admin/api/resources/Tenant/actions/new')
      .type('form')
      .send({ slug: 'admin', name: 'X', state: 'XX', timeZone: 'Mars/Olymp', locale: 'de' });
    expect(bad.body.record.errors.slug.message).toMatch(/Kürzel/);
    expect(bad.body.record.errors.state.message).toBe('Bitte ein Bundesland wählen.');
    expect(bad.body.record.errors.timeZone.message).toMatch(/Zeitzone/);
    const res = await root
      .post('/admin/api/resources/Tenant/actions/new')
      .type('form')
      .send({ slug: 'neustadt', name: 'Stadt Neustadt', state: 'RP', timeZone: 'Europe/Berlin', locale: 'de' });
    expect(res.body.notice.type).toBe('success');
    const created = await t.dataSource.getRepository(Tenant).findOneByOrFail({ slug: 'neustadt' });
    expect(await t.dataSource.getRepository(TenantPluginState).countBy({ tenantId: created.id, enabled: false })).toBe(ALL_PLUGINS.length + 1);
  });

  it('a tenant-admin edits the settings of its enabled plugins, validated, but cannot switch plugins', async () => {
    const booking = await state(musterId, 'booking');
    const url = `/admin/api/resources/TenantPluginState/records/${booking.id}/edit`;
    const flip = await muster.post(url).type('form').send({ enabled: 'false' });
    expect(flip.body.record.errors.enabled.message).toBe('Nur Super-Admins schalten Plugins an oder aus.');
    expect((await state(musterId, 'booking')).enabled).toBe(true);

    // The generated form posts one field per setting; each refusal is under its field, nothing is saved.
    const invalid = await muster
      .post(url)
      .type('form')
      .send({ 'settings.maxServicesPerBooking': '7', 'settings.captcha': 'vielleicht', 'settings.reminderAt': '17 Uhr', 'settings.holdMinutes': '45' });
    // Message keys, worded by the form in the panel's language with the field's bounds (1 to 6).
    expect(invalid.body.record.errors).toMatchObject({
      'settings.maxServicesPerBooking': { message: 'settingsOutOfRange' },
      'settings.captcha': { message: 'settingsYesNo' },
      'settings.reminderAt': { message: 'settingsTime' },
    });
    const range = { min: 1, max: 6 };
    expect(panelText('de', invalid.body.record.errors['settings.maxServicesPerBooking'].message, range)).toBe('Bitte einen Wert von 1 bis 6 angeben.');
    expect(panelText('en', invalid.body.record.errors['settings.maxServicesPerBooking'].message, range)).toBe('Please enter a value from 1 to 6.');
    expect(invalid.body.record.errors['settings.holdMinutes']).toBeUndefined();
    expect((await state(musterId, 'booking')).settings).toEqual(booking.settings);

    const ok = await muster.post(url).type('form').send({ 'settings.holdMinutes': '45', 'settings.captcha': 'false', 'settings.reminderAt': '18:30' });
    expect(ok.body.notice.type).toBe('success');
    expect((await state(musterId, 'booking')).settings).toMatchObject({ holdMinutes: 45, captcha: false, reminderAt: '18:30', maxServicesPerBooking: 6 });
    // The show page gets the field descriptions (German and English labels) and the values in force.
    const shown = await muster.get(`/admin/api/resources/TenantPluginState/records/${booking.id}/show`).expect(200);
    const form = JSON.parse(shown.body.record.params.settingsForm);
    expect(form.fields.find((f: { key: string }) => f.key === 'holdMinutes')).toMatchObject({
      kind: 'number',
      min: 5,
      label: { de: expect.any(String), en: expect.any(String) },
    });
    expect(form.values).toMatchObject({ holdMinutes: 45, captcha: false });
  });

  it('nobody switches on a plugin in preparation; switching it off stays possible', async () => {
    const kiosk = await state(beispielId, 'kiosk');
    const url = `/admin/api/resources/TenantPluginState/records/${kiosk.id}/edit`;
    expect((await root.post(url).type('form').send({ enabled: 'false' })).body.notice.type).toBe('success');
    const on = await root.post(url).type('form').send({ enabled: 'true' });
    expect(on.body.record.errors.enabled.message).toBe('Dieses Plugin ist in Vorbereitung und kann noch nicht eingeschaltet werden.');
    expect((await state(beispielId, 'kiosk')).enabled).toBe(false);
  });

  it('a tenant-admin cannot edit the settings of a plugin that is off for its tenant', async () => {
    const agent = await state(beispielId, 'terminagent');
    expect(agent.enabled).toBe(false);
    const res = await beispiel.post(`/admin/api/resources/TenantPluginState/records/${agent.id}/edit`).type('form').send({ 'settings.acceptHours': '24' });
    expect(refused(res)).toBe(true);
    expect(JSON.stringify((await state(beispielId, 'terminagent')).settings)).toBe(JSON.stringify(agent.settings));
  });

  it('plugin resources are refused while the plugin is off for the tenant and scoped when on', async () => {
    const list = '/admin/api/resources/GateProbe/actions/list';
    expect(refused(await muster.get(list))).toBe(true);
    const probe = await state(musterId, 'probe');
    const on = await root.post(`/admin/api/resources/TenantPluginState/records/${probe.id}/edit`).type('form').send({ enabled: 'true' });
    expect(on.body.notice.type).toBe('success');
    // Counts at once: the session is refreshed from the database on every request.
    const res = await muster.get(list).expect(200);
    expect(res.body.records.map((r: any) => r.params.tenantId)).toEqual([musterId]);
    expect(await sidebar(muster)).toContain('GateProbe');
    expect(await sidebar(beispiel)).not.toContain('GateProbe');
    expect(refused(await beispiel.get(list))).toBe(true);
    const created = await muster.post('/admin/api/resources/GateProbe/actions/new').type('form').send({ label: 'Kiosk Foyer', tenantId: beispielId });
    expect(created.body.notice.type).toBe('success');
    expect(created.body.record.params.tenantId).toBe(musterId);
  });

  it("the start page links the staff pages of the tenant's plugins that are on, and the session opens them", async () => {
    const pages = async (agent: TestAgent) => (await agent.get('/admin/api/dashboard').expect(200)).body.pages;
    const calendar = { label: { de: 'Kalender', en: 'Calendar' }, href: '/musterstadt/mitarbeiter/kalender' };
    const figures = { label: { de: 'Kennzahlen des Terminagenten', en: 'Appointment agent figures' }, href: '/musterstadt/mitarbeiter/terminagent' };
    const search = { label: { de: 'Suche', en: 'Search' }, href: '/musterstadt/mitarbeiter/suche' };
    const book = { label: { de: 'Termin für Anrufer buchen', en: 'Book for a caller' }, href: '/musterstadt/mitarbeiter/buchen' };
    const block = { label: { de: 'Kapazität sperren', en: 'Block capacity' }, href: '/musterstadt/mitarbeiter/sperren' };
    const feeds = { label: { de: 'Kalender-Abo', en: 'Calendar subscription' }, href: '/musterstadt/mitarbeiter/kalender-abo' };
    const counter = { label: { de: 'Schalter', en: 'Counter' }, href: '/musterstadt/schalter' };
    const presence = { label: { de: 'Anwesenheit', en: 'Presence' }, href: '/musterstadt/anwesenheit' };
    expect(await pages(muster)).toEqual([calendar, search, book, block, feeds, figures, counter, presence]);
    const page = await muster.get(figures.href).expect(200);
    expect(page.text).toContain('Stadt Musterstadt');
    // Beispielheim has the Terminagent off; a super-admin has no tenant to open the page for.
    expect(await pages(beispiel)).toEqual([
      { ...calendar, href: '/beispielheim/mitarbeiter/kalender' },
      { ...search, href: '/beispielheim/mitarbeiter/suche' },
      { ...book, href: '/beispielheim/mitarbeiter/buchen' },
      { ...block, href: '/beispielheim/mitarbeiter/sperren' },
      { ...feeds, href: '/beispielheim/mitarbeiter/kalender-abo' },
      { ...counter, href: '/beispielheim/schalter' },
      { ...presence, href: '/beispielheim/anwesenheit' },
    ]);
    expect(await pages(root)).toEqual([]);
  });

  it('a tenant-admin creates staff and admins of its own tenant only, never super-admins', async () => {
    const url = '/admin/api/resources/AdminUser/actions/new';
    const superAdmin = await muster.post(url).type('form').send({ email: 'boss@musterstadt.test', password: TEST_PASSWORD, role: 'super-admin' });
    expect(superAdmin.body.record.errors.role.message).toMatch(/nur Sachbearbeitung, Teamleitungen oder Kommunen-Admins/);
    const weak = await muster.post(url).type('form').send({ email: 'weak@musterstadt.test', password: 'kurz', role: 'staff' });
    expect(weak.body.record.errors.password.message).toBe('Das Passwort muss mindestens 12 Zeichen lang sein.');
    const staff = await muster.post(url).type('form').send({ email: 'Clerk@Musterstadt.test', password: TEST_PASSWORD, role: 'staff', tenantId: beispielId });
    expect(staff.body.notice.type).toBe('success');
    const row = await t.dataSource.getRepository(AdminUser).findOneByOrFail({ email: 'clerk@musterstadt.test' });
    expect(row).toMatchObject({ role: 'staff', tenantId: musterId });
    expect(JSON.stringify(staff.body)).not.toContain(row.passwordHash);
    const taken = await muster.post(url).type('form').send({ email: 'clerk@musterstadt.test', password: TEST_PASSWORD, role: 'staff' });
    expect(taken.body.record.errors.email.message).toBe('Diese E-Mail-Adresse ist bereits vergeben.');
    expect(await t.dataSource.getRepository(AdminUser).countBy({ role: 'super-admin' })).toBe(1);
  });

  it("a tenant-admin creates supervisors, and clerks with their own town's locations only", async () => {
    const url = '/admin/api/resources/AdminUser/actions/new';
    const [own] = await t.dataSource.query('SELECT id FROM location WHERE tenantId = ? ORDER BY name', [musterId]);
    const [foreign] = await t.dataSource.query('SELECT id FROM location WHERE tenantId = ?', [beispielId]);
    const lead = await muster.post(url).type('form').send({ email: 'lead@musterstadt.test', password: TEST_PASSWORD, role: 'supervisor' });
    expect(lead.body.notice.type).toBe('success');
    const refusedClerk = await muster
      .post(url)
      .type('form')
      .send({ email: 'clerk2@musterstadt.test', password: TEST_PASSWORD, role: 'staff', 'locationIds.0': own.id, 'locationIds.1': foreign.id });
    expect(refusedClerk.body.record.errors.locationIds.message).toBe('Bitte einen Eintrag aus der Liste wählen.');
    const clerk = await muster
      .post(url)
      .type('form')
      .send({ email: 'clerk2@musterstadt.test', password: TEST_PASSWORD, role: 'staff', 'locationIds.0': own.id });
    expect(clerk.body.notice.type).toBe('success');
    const users = t.dataSource.getRepository(AdminUser);
    expect(await users.findOneByOrFail({ email: 'clerk2@musterstadt.test' })).toMatchObject({ role: 'staff', locationIds: [own.id] });
    expect(await users.findOneByOrFail({ email: 'lead@musterstadt.test' })).toMatchObject({ role: 'supervisor', tenantId: musterId });
    // Supervisors work in the staff pages, not in the panel.
    expect((await panelLogin(t, { email: 'lead@musterstadt.test', password: TEST_PASSWORD })).res.status).not.toBe(302);
  });

  it('a tenant-admin cannot demote, deactivate or delete itself', async () => {
    const me = await t.dataSource.getRepository(AdminUser).findOneByOrFail({ email: 'admin@musterstadt.test' });
    const res = await muster.post(`/admin/api/resources/AdminUser/records/${me.id}/edit`).type('form').send({ role: 'staff', active: 'false' });
    expect(res.body.record.errors.role.message).toBe('Die eigene Rolle kann nicht geändert werden.');
    expect(refused(await muster.post(`/admin/api/resources/AdminUser/records/${me.id}/delete`))).toBe(true);
    expect(await t.dataSource.getRepository(AdminUser).findOneByOrFail({ id: me.id })).toMatchObject({ role: 'tenant-admin', active: true });
  });
});
