import { DataSource } from 'typeorm';
import type { ScheduledTask } from '../../apps/server/src/plugin-host/plugin.types.js';
import { Tenant } from '../../apps/server/src/tenancy/tenant.entity.js';
import { CapacityEventsSubscriber } from './capacity-events.subscriber.js';
import { WishService } from './wish.service.js';

/**
 * The agent's scheduled work. Matching runs at once when agent capacity is released or freed
 * (CapacityEventsSubscriber, on booking's events); this minute task is the safety net and picks
 * up confirmed wishes. A round matches only when free agent capacity or the queue changed or
 * `matchEveryMinutes` passed.
 */
export const terminagentTasks: ScheduledTask[] = [
  {
    id: 'terminagent.match',
    schedule: { everyMinutes: 1 },
    perTenant: true,
    leaseSeconds: 900,
    run: async ({ moduleRef }) => {
      await moduleRef.get(CapacityEventsSubscriber, { strict: false }).round();
    },
  },
  {
    id: 'terminagent.privacy',
    schedule: { dailyAt: '03:40' },
    perTenant: true,
    run: async ({ moduleRef, tenant }) => {
      const row = await moduleRef.get(DataSource, { strict: false }).getRepository(Tenant).findOneByOrFail({ id: tenant!.id });
      await moduleRef.get(WishService, { strict: false }).applyRetention(Number(row.settings?.retentionDays ?? 7));
    },
  },
];
