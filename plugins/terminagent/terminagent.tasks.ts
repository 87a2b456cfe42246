import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { defineTask, type ScheduledTask } from '../../apps/server/src/plugin-host/plugin.types.js';
import type { TenantRef } from '../../apps/server/src/tenancy/tenant-context.js';
import { Tenant } from '../../apps/server/src/tenancy/tenant.entity.js';
import { MatchingService } from './matching.service.js';
import { OfferService } from './offer.service.js';
import { WishService } from './wish.service.js';

/** The handler of the agent's tasks: Nest injects the services they use. */
@Injectable()
export class TerminagentTasks {
  constructor(
    private readonly offers: OfferService,
    private readonly wishes: WishService,
    private readonly matching: MatchingService,
    private readonly dataSource: DataSource,
  ) {}

  /** Expired offers are ended first, so their times are matched in the same run. */
  async match(): Promise<void> {
    await this.offers.expireDue();
    await this.wishes.lapseDue();
    await this.matching.run();
    await this.offers.mailPending();
  }

  async privacy(tenant: TenantRef): Promise<void> {
    const row = await this.dataSource.getRepository(Tenant).findOneByOrFail({ id: tenant.id });
    await this.wishes.applyRetention(Number(row.settings?.retentionDays ?? 7));
  }
}

/**
 * The agent's scheduled work. Matching is checked every minute but runs only when free agent
 * capacity or the queue changed (a release, a decline, an expiry, a cancellation, a confirmed
 * wish) or `matchEveryMinutes` passed; so released capacity is proposed within a minute.
 */
export const terminagentTasks: ScheduledTask[] = [
  defineTask(TerminagentTasks, { id: 'terminagent.match', schedule: { everyMinutes: 1 }, perTenant: true, leaseSeconds: 900, run: (tasks) => tasks.match() }),
  defineTask(TerminagentTasks, { id: 'terminagent.privacy', schedule: { dailyAt: '03:40' }, perTenant: true, run: (tasks, { tenant }) => tasks.privacy(tenant!) }),
];
