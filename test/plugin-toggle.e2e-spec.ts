import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ALL_PLUGINS } from '../plugins/index.js';
import { fromRoot } from '../apps/server/src/common/project-root.js';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { TaskRunnerService } from '../apps/server/src/tasks/task-runner.service.js';
import { TenantPluginState } from '../apps/server/src/tenancy/tenant-plugin-state.entity.js';
import { probeControl, probePlugin } from './fixtures/probe.plugin.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { createTestDatabase, type TestDatabase } from './harness/test-database.js';
import { bookingManifest } from '../plugins/booking/booking.manifest.js';
import { terminagentManifest } from '../plugins/terminagent/terminagent.manifest.js';

const plugins = [...ALL_PLUGINS, probePlugin];

describe('plugins are switched per tenant, at run time', () => {
  let t: TestApp;
  let host: PluginHostService;
  let runner: TaskRunnerService;

  beforeAll(async () => {
    t = await createTestApp({ plugins });
    host = t.app.get(PluginHostService);
    runner = t.app.get(TaskRunnerService);
  });
  afterAll(async () => t.close());
  beforeEach(() => {
    probeControl.hangAfter = null;
  });

  it("answers 404 on a plugin's route while it is off, and serves it once switched on", async () => {
    const muster = await t.tenant('musterstadt');
    await t.http.get('/api/v1/tenants/musterstadt/probe').expect(404);
    await host.setEnabled(muster.id, probePlugin, true);
    expect((await t.http.get('/api/v1/tenants/musterstadt/probe').expect(200)).body).toEqual({ tenant: 'musterstadt' });
    await t.http.get('/api/v1/tenants/beispielheim/probe').expect(404);
  });

  it('skips the task for tenants that have the plugin off', async () => {
    const muster = await t.tenant('musterstadt');
    await host.setEnabled(muster.id, probePlugin, true);
    const outcomes = await runner.runDue(new Date('2026-11-23T10:00:00Z'), (id) => id === 'probe.effect');
    expect(outcomes.map((o) => [o.tenant, o.result])).toEqual([['musterstadt', 'ran']]);
  });

  it('sees a switch flipped directly in the database (admin panel, another instance) on the next request and tick', async () => {
    const muster = await t.tenant('musterstadt');
    await host.setEnabled(muster.id, probePlugin, true);
    await t.http.get('/api/v1/tenants/musterstadt/probe').expect(200);
    await t.dataSource.getRepository(TenantPluginState).update({ tenantId: muster.id, plugin: 'probe' }, { enabled: false });
    await t.http.get('/api/v1/tenants/musterstadt/probe').expect(404);
    const outcomes = await runner.runDue(new Date('2026-11-23T11:00:00Z'), (id) => id === 'probe.effect');
    expect(outcomes).toEqual([]);
  });

  it('refuses invalid plugin settings and writes nothing', async () => {
    const muster = await t.tenant('musterstadt');
    await expect(host.updateSettings(muster.id, bookingManifest, { holdMinutes: 1 })).rejects.toThrow('booking.holdMinutes');
    await t.asTenant('musterstadt', async () => expect((await host.settings(bookingManifest)).holdMinutes).toBe(30));
  });
});

describe('tenant files and administrators share the plugin switches', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'amtszeit-tenants-'));
    cpSync(fromRoot('tenants'), dir, { recursive: true });
  });
  afterAll(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps an administrator's switch across restarts until the file itself changes", async () => {
    const file = join(dir, 'beispielheim/tenant.yaml');
    const start = () => createTestApp({ database: db, tenantsDir: dir, plugins });
    let t = await start();
    const id = (await t.tenant('beispielheim')).id;
    const host = () => t.app.get(PluginHostService);
    expect(await host().isEnabled(id, terminagentManifest)).toBe(false);
    await host().setEnabled(id, terminagentManifest, true);
    await t.close();

    t = await start();
    expect(await host().isEnabled(id, terminagentManifest)).toBe(true);
    await host().setEnabled(id, terminagentManifest, false);
    await t.close();

    // The operator edits the file: that change wins once…
    writeFileSync(file, readFileSync(file, 'utf8').replace('terminagent:\n    enabled: false', 'terminagent:\n    enabled: true'));
    t = await start();
    expect(await host().isEnabled(id, terminagentManifest)).toBe(true);
    await host().setEnabled(id, terminagentManifest, false);
    await t.close();

    // …and an unchanged file does not undo the administrator's later switch.
    t = await start();
    expect(await host().isEnabled(id, terminagentManifest)).toBe(false);
    await t.close();
  });
});
