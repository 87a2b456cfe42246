import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type TestAgent from 'supertest/lib/agent.js';
import { z } from 'zod';
import { fromRoot } from '../apps/server/src/common/project-root.js';
import { checkPluginGraph } from '../apps/server/src/plugin-host/plugin-graph.js';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { definePluginManifest, type SettingsOf } from '../apps/server/src/plugin-host/plugin.types.js';
import { loadTenantConfigs } from '../apps/server/src/tenancy/tenant-config.loader.js';
import { TenantPluginState } from '../apps/server/src/tenancy/tenant-plugin-state.entity.js';
import { bookingManifest } from '../plugins/booking/booking.manifest.js';
import type { BookingSettings } from '../plugins/booking/booking.settings.js';
import { displayManifest } from '../plugins/display/display.manifest.js';
import { ALL_PLUGINS } from '../plugins/index.js';
import { kioskManifest } from '../plugins/kiosk/kiosk.manifest.js';
import { queueManifest } from '../plugins/queue/queue.manifest.js';
import { terminagentManifest } from '../plugins/terminagent/terminagent.manifest.js';
import { createAccount, createAdminTestApp, loginAgent } from './harness/admin-session.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { createTestDatabase, type TestDatabase } from './harness/test-database.js';

// Type-level: a handle carries its plugin's settings type, so call sites need no names and no casts.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const typedSettings: Equal<SettingsOf<typeof bookingManifest>, BookingSettings> = true;
// @ts-expect-error a handle's settings are not another plugin's
const notTerminagent: Equal<SettingsOf<typeof terminagentManifest>, BookingSettings> = true;

describe('plugin dependencies (dependsOn)', () => {
  let t: TestApp;
  let host: PluginHostService;
  let root: TestAgent;
  beforeAll(async () => {
    t = await createAdminTestApp();
    host = t.app.get(PluginHostService);
    await createAccount(t, 'super-admin', 'root@example.test');
    root = await loginAgent(t, 'root@example.test');
    // The queue (and the devices needing it) depend on booking too: off in the town whose booking the tests switch off.
    const beispielheim = (await t.tenant('beispielheim')).id;
    for (const m of [displayManifest, kioskManifest, queueManifest]) await host.setEnabled(beispielheim, m, false);
  });
  afterAll(async () => t.close());

  const state = async (slug: string, plugin: string) =>
    t.dataSource.getRepository(TenantPluginState).findOneByOrFail({ tenantId: (await t.tenant(slug)).id, plugin });

  it('types settings by handle and reads them unchanged', async () => {
    expect([typedSettings, notTerminagent]).toEqual([true, true]);
    const settings = await t.asTenant('musterstadt', () => host.settings(bookingManifest));
    expect(settings.holdMinutes).toBe(30);
    expect((await t.asTenant('musterstadt', () => host.settings(terminagentManifest))).acceptHours).toBe(48);
  });

  it('refuses to switch a plugin on while a dependency is off, and names it; writes nothing', async () => {
    const id = (await t.tenant('beispielheim')).id;
    await host.setEnabled(id, bookingManifest, false);
    await expect(host.setEnabled(id, terminagentManifest, true)).rejects.toThrow("Plugin 'terminagent' needs 'booking' switched on first.");
    expect(await host.isEnabled(id, terminagentManifest)).toBe(false);
    await host.setEnabled(id, bookingManifest, true);
    await host.setEnabled(id, terminagentManifest, true);
    expect(await host.isEnabled(id, terminagentManifest)).toBe(true);
    await host.setEnabled(id, terminagentManifest, false);
  });

  it('refuses to switch a dependency off while a dependant is on, naming the dependants', async () => {
    const id = (await t.tenant('musterstadt')).id;
    await expect(host.setEnabled(id, bookingManifest, false)).rejects.toThrow(
      "Plugin 'booking' cannot be switched off while 'terminagent', 'queue' is on; switch 'terminagent', 'queue' off first.",
    );
    expect(await host.isEnabled(id, bookingManifest)).toBe(true);
  });

  it('shows the refusal in the admin panel, in German, and keeps the switch', async () => {
    const edit = (row: TenantPluginState, enabled: boolean) =>
      root
        .post(`/admin/api/resources/TenantPluginState/records/${row.id}/edit`)
        .type('form')
        .send({ enabled: String(enabled) });
    const off = await edit(await state('musterstadt', 'booking'), false);
    expect(off.body.record.errors.enabled.message).toBe(
      '„Online-Terminbuchung“ kann nicht ausgeschaltet werden, solange „Terminagent (Warteliste)“, „Warteschlange und Aufruf“ eingeschaltet ist; bitte zuerst „Terminagent (Warteliste)“, „Warteschlange und Aufruf“ ausschalten.',
    );
    expect((await state('musterstadt', 'booking')).enabled).toBe(true);

    await host.setEnabled((await t.tenant('beispielheim')).id, bookingManifest, false);
    try {
      const on = await edit(await state('beispielheim', 'terminagent'), true);
      expect(on.body.record.errors.enabled.message).toBe(
        '„Terminagent (Warteliste)“ braucht „Online-Terminbuchung“; bitte zuerst „Online-Terminbuchung“ einschalten.',
      );
      expect((await state('beispielheim', 'terminagent')).enabled).toBe(false);
    } finally {
      await host.setEnabled((await t.tenant('beispielheim')).id, bookingManifest, true);
    }
    // The allowed order works through the panel too.
    expect((await edit(await state('beispielheim', 'terminagent'), true)).body.notice.type).toBe('success');
    expect((await edit(await state('beispielheim', 'terminagent'), false)).body.notice.type).toBe('success');
  });

  it('keeps the rule when two switches race: never dependant on with its dependency off', async () => {
    const id = (await t.tenant('beispielheim')).id;
    for (let i = 0; i < 5; i += 1) {
      await Promise.allSettled([host.setEnabled(id, terminagentManifest, true), host.setEnabled(id, bookingManifest, false)]);
      const agent = await host.isEnabled(id, terminagentManifest);
      const booking = await host.isEnabled(id, bookingManifest);
      expect(agent && !booking).toBe(false);
      await host.setEnabled(id, terminagentManifest, false);
      await host.setEnabled(id, bookingManifest, true);
    }
  });
});

describe('dependencies at boot', () => {
  const probe = (name: string, dependsOn: Array<{ name: string }> = []) =>
    ({ ...definePluginManifest({ name, label: { de: name, en: name }, settings: z.object({}) }), dependsOn }) as never;

  it('refuses unknown dependencies and cycles', () => {
    expect(() => checkPluginGraph([probe('a', [{ name: 'ghost' }])])).toThrow("Plugin 'a' depends on 'ghost', which is not loaded");
    expect(() => checkPluginGraph([probe('a', [{ name: 'b' }]), probe('b', [{ name: 'c' }]), probe('c', [{ name: 'a' }])])).toThrow(
      'Plugin dependencies form a cycle: a → b → c → a',
    );
    expect(() => checkPluginGraph(ALL_PLUGINS)).not.toThrow();
  });

  let dir: string;
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'amtszeit-deps-'));
    cpSync(fromRoot('tenants'), dir, { recursive: true });
  });
  afterAll(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops the start on a tenant file that enables terminagent without booking', async () => {
    const file = join(dir, 'beispielheim/tenant.yaml');
    const original = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      original
        .replace('booking:\n    enabled: true', 'booking:\n    enabled: false')
        .replace('terminagent:\n    enabled: false', 'terminagent:\n    enabled: true'),
    );
    try {
      expect(() => loadTenantConfigs(dir, ALL_PLUGINS)).toThrow(
        `field "plugins.terminagent.enabled": plugin 'terminagent' needs plugin 'booking', which this file leaves off (switch 'booking' on or 'terminagent' off)`,
      );
      await expect(createTestApp({ tenantsDir: dir })).rejects.toThrow("plugin 'terminagent' needs plugin 'booking'");
    } finally {
      writeFileSync(file, original);
    }
  });

  it("stops the start when the file switches booking off under an administrator's terminagent", async () => {
    const file = join(dir, 'beispielheim/tenant.yaml');
    const original = readFileSync(file, 'utf8');
    let t = await createTestApp({ database: db, tenantsDir: dir });
    await t.app.get(PluginHostService).setEnabled((await t.tenant('beispielheim')).id, terminagentManifest, true);
    await t.close();
    // Booking off, and with it what the file says depends on it (queue, kiosk, display).
    writeFileSync(file, original.replaceAll('enabled: true', 'enabled: false'));
    try {
      await expect(createTestApp({ database: db, tenantsDir: dir })).rejects.toThrow(
        "plugin 'terminagent' would be on without plugin 'booking', which it needs",
      );
    } finally {
      writeFileSync(file, original);
    }
    t = await createTestApp({ database: db, tenantsDir: dir });
    expect(await t.app.get(PluginHostService).isEnabled((await t.tenant('beispielheim')).id, bookingManifest)).toBe(true);
    await t.close();
  });
});
