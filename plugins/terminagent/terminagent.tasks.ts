import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { defineTask, type ScheduledTask } from '../../apps/server/src/plugin-host/plugin.types.js';
import type { TenantRef } from '../../apps/server/src/tenancy/tenant-context.js';
import { Tenant } from '../../apps/server/src/tenancy/tenant.entity.js';
import { CapacityEventsSubscriber } from './capacity-events.subscriber.js';
import { WishService } from './wish.service.js';

/** The handler of the agent's tasks: Nest injects the services they use. */
@Injectable()
export class TerminagentTasks {
  constructor(
    private readonly capacityEvents: CapacityEventsSubscriber,
    private readonly wishes: WishService,
    private readonly dataSource: DataSource,
  ) {}

  match(): Promise<void> {
    return this.capacityEvents.round();
  }

  async privacy(tenant: TenantRef): Promise<void> {
    const row = await this.dataSource.getRepository(Tenant).findOneByOrFail({ id: tenant.id });
    await this.wishes.applyRetention(Number(row.settings?.retentionDays ?? 7));
  }
}

/**
 * The agent's scheduled work. Matching runs at once when agent capacity is released or freed
 * (CapacityEventsSubscriber, on booking's events); this minute task is the safety net and picks
 * up confirmed wishes. A round matches only when free agent capacity or the queue changed or
 * `matchEveryMinutes` passed.
 */
export const terminagentTasks: ScheduledTask[] = [
  defineTask(TerminagentTasks, { id: 'terminagent.match', schedule: { everyMinutes: 1 }, perTenant: true, leaseSeconds: 900, run: (tasks) => tasks.match() }),
  defineTask(TerminagentTasks, {
    id: 'terminagent.privacy',
    schedule: { dailyAt: '03:40' },
    perTenant: true,
    run: (tasks, { tenant }) => tasks.privacy(tenant!),
  }),
];
