import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import type TestAgent from 'supertest/lib/agent.js';
import { z } from 'zod';
import { ALL_PLUGINS } from '../plugins/index.js';
import { Device } from '../apps/server/src/devices/device.entity.js';
import { DeviceService } from '../apps/server/src/devices/device.service.js';
import { definePlugin } from '../apps/server/src/plugin-host/plugin.types.js';
import { createAccount, createAdminTestApp, loginAgent } from './harness/admin-session.js';
import type { TestApp } from './harness/test-app.js';
import { pairDevice, tenantLocations } from './devices-helpers.js';

@Module({})
class KioskProbeModule {}

/** A plugin that serves kiosks and declares their per-device settings, as the kiosk plugin will. */
const kioskProbe = definePlugin({
  name: 'kiosk-probe',
  label: { de: 'Kiosk-Sonde', en: 'Kiosk probe' },
  settings: z.object({}).strict(),
  module: KioskProbeModule,
  entities: [],
  migrations: [],
  deviceConfig: {
    kind: 'kiosk',
    schema: z
      .object({
        timeoutSeconds: z
          .number()
          .int()
          .min(10)
          .max(300)
          .default(60)
          .meta({ label: { de: 'Zurück zum Start nach … Sekunden', en: 'Back to start after … seconds' } }),
        printer: z
          .boolean()
          .default(true)
          .meta({ label: { de: 'Drucker', en: 'Printer' } }),
      })
      .strict(),
  },
});

const errorsOf = (res: { body: any }) =>
  Object.fromEntries(Object.entries(res.body.record?.errors ?? {}).map(([k, v]) => [k, (v as { message: string }).message]));

describe('devices in the panel (API): settings from the plugin schema, list figures', () => {
  let t: TestApp;
  let admin: TestAgent;
  let locationId: string;

  beforeAll(async () => {
    t = await createAdminTestApp({ plugins: [...ALL_PLUGINS.filter((p) => p.deviceConfig?.kind !== 'kiosk'), kioskProbe] });
    await createAccount(t, 'tenant-admin', 'admin@musterstadt.test', 'musterstadt');
    admin = await loginAgent(t, 'admin@musterstadt.test');
    locationId = (await tenantLocations(t, 'musterstadt'))[0].id;
  });
  afterAll(async () => t?.close());

  it('creates a kiosk with settings the schema parses, and refuses bad ones with German messages', async () => {
    const bad = await admin.post('/admin/api/resources/Device/actions/new').type('form').send({
      name: 'Kiosk Eingang',
      kind: 'kiosk',
      locationId,
      'config.timeoutSeconds': '5',
      'config.printer': 'vielleicht',
    });
    expect(errorsOf(bad)).toEqual({ 'config.timeoutSeconds': 'settingsOutOfRange', 'config.printer': 'settingsYesNo' });
    expect(await t.dataSource.getRepository(Device).countBy({ name: 'Kiosk Eingang' })).toBe(0);

    const noKind = await admin.post('/admin/api/resources/Device/actions/new').type('form').send({ name: 'X', kind: 'toaster', locationId });
    expect(errorsOf(noKind)).toEqual({ kind: 'Bitte Aufrufanzeige oder Kiosk wählen.' });

    const ok = await admin.post('/admin/api/resources/Device/actions/new').type('form').send({
      name: 'Kiosk Eingang',
      kind: 'kiosk',
      locationId,
      'config.timeoutSeconds': '90',
      tokenHash: 'eingeschleust',
      pairedAt: '2026-01-01T00:00:00Z',
    });
    expect(errorsOf(ok)).toEqual({});
    const row = await t.dataSource.getRepository(Device).findOneByOrFail({ name: 'Kiosk Eingang' });
    // What the browser may not set is ignored; the settings are what the schema parsed (defaults filled).
    expect(row).toMatchObject({ tokenHash: null, pairedAt: null, config: { timeoutSeconds: 90, printer: true } });

    // The kind stays; a later edit keeps the other settings.
    const edit = await admin.post(`/admin/api/resources/Device/records/${row.id}/edit`).type('form').send({ kind: 'display', 'config.printer': 'false' });
    expect(errorsOf(edit)).toEqual({ kind: 'Die Art eines Geräts lässt sich nicht ändern; legen Sie ein neues an.' });
    const edited = await admin.post(`/admin/api/resources/Device/records/${row.id}/edit`).type('form').send({ 'config.printer': 'false' });
    expect(errorsOf(edited)).toEqual({});
    expect((await t.dataSource.getRepository(Device).findOneByOrFail({ id: row.id })).config).toEqual({ timeoutSeconds: 90, printer: false });

    // The paired device's identity carries the settings.
    const token = await pairDevice(t, 'musterstadt', row.id);
    const identity = await t.app.get(DeviceService).identify(await t.tenant('musterstadt'), `Bearer ${token}`, ['kiosk']);
    expect(identity?.config).toEqual({ timeoutSeconds: 90, printer: false });
  });

  it('lists online, last seen and paired, never a hash', async () => {
    const list = await admin.get('/admin/api/resources/Device/actions/list').expect(200);
    const kiosk = list.body.records.find((r: any) => r.params.name === 'Kiosk Eingang');
    expect(kiosk.params).toMatchObject({ kind: 'kiosk', paired: true, online: true });
    expect(kiosk.params.tokenHash).toBeUndefined();
    expect(kiosk.params.pairingCodeHash).toBeUndefined();
    expect(JSON.parse(kiosk.params.configForm).fields.map((f: { key: string }) => f.key)).toEqual(['timeoutSeconds', 'printer']);

    t.clock.advance(3 * 60_000);
    const later = await admin.get('/admin/api/resources/Device/actions/list').expect(200);
    expect(later.body.records.find((r: any) => r.params.name === 'Kiosk Eingang').params.online).toBe(false);
  });
});
