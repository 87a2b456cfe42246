import { DataSource } from 'typeorm';
import type { ScheduledTask } from '../../apps/server/src/plugin-host/plugin.types.js';
import { Tenant } from '../../apps/server/src/tenancy/tenant.entity.js';
import { MatchingService } from './matching.service.js';
import { OfferService } from './offer.service.js';
import { WishService } from './wish.service.js';

/**
 * The agent's scheduled work. Matching is checked every minute but runs only when free agent
 * capacity or the queue changed (a release, a decline, an expiry, a cancellation, a confirmed
 * wish) or `matchEveryMinutes` passed; so released capacity is proposed within a minute.
 * Expired offers are ended first, so their times are matched in the same run.
 */
export const terminagentTasks: ScheduledTask[] = [
  {
    id: 'terminagent.match',
    schedule: { everyMinutes: 1 },
    perTenant: true,
    leaseSeconds: 900,
    run: async ({ moduleRef }) => {
      await moduleRef.get(OfferService, { strict: false }).expireDue();
      await moduleRef.get(WishService, { strict: false }).lapseDue();
      await moduleRef.get(MatchingService, { strict: false }).run();
      await moduleRef.get(OfferService, { strict: false }).mailPending();
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
