import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { QueueLocationConfig } from '../plugins/queue/entities/location-config.entity.js';
import { queueManifest } from '../plugins/queue/queue.manifest.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { SLUG } from './booking-helpers.js';
import { type Agent, supervisor, queueIds, type QueueIds, walkIn } from './queue-helpers.js';

describe('ticket numbers', () => {
  let t: TestApp;
  let ids: QueueIds;
  let lea: Agent;
  const numbers = async (locationId: string, n: number) => {
    const out: Array<{ number: string; day: string }> = [];
    for (let i = 0; i < n; i++) {
      const ticket = await walkIn(lea, locationId, [ids.ausweis]);
      out.push({ number: ticket.number, day: ticket.issuedAt });
      t.clock.advance(1000);
    }
    return out.map((o) => o.number);
  };

  beforeAll(async () => {
    t = await createTestApp();
    ids = await queueIds(t);
    lea = await supervisor(t, 'lea@musterstadt.example');
    // 23:58 in Musterstadt: the local day ends in two minutes.
    t.clock.set('2026-11-24T22:58:00Z');
  });
  afterAll(async () => t.close());

  it('counts per location and local day, wraps in the range, pads, and starts again after local midnight', async () => {
    await t.app.get(PluginHostService).updateSettings((await t.tenant(SLUG)).id, queueManifest, { numberRangeStart: 8, numberRangeEnd: 10, numberPadding: 2 });
    expect(await numbers(ids.rathaus, 4)).toEqual(['W08', 'W09', 'W10', 'W08']);
    expect(await numbers(ids.nord, 1)).toEqual(['W08']);
    // 00:00:30 local, the 25th: a new day, a new count.
    t.clock.set('2026-11-24T23:00:30Z');
    const next = await walkIn(lea, ids.rathaus, [ids.ausweis]);
    expect(next.number).toBe('W08');
    expect(await t.asTenant(SLUG, async () => await t.app.get(TenantDataService).repo(QueueLocationConfig).count())).toBe(0);
  });

  it('takes a location’s own prefix from its configuration', async () => {
    await t.asTenant(SLUG, async () => {
      const repo = t.app.get(TenantDataService).repo(QueueLocationConfig);
      await repo.save(repo.create({ locationId: ids.nord, walkInPrefix: 'N' }));
    });
    expect(await numbers(ids.nord, 2)).toEqual(['N08', 'N09']);
    expect(await numbers(ids.rathaus, 1)).toEqual(['W09']);
  });
});
