import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { defineTask, type ScheduledTask } from '../../apps/server/src/plugin-host/plugin.types.js';
import { OutboxService } from '../../apps/server/src/notifications/outbox.service.js';
import type { TenantRef } from '../../apps/server/src/tenancy/tenant-context.js';
import { Tenant } from '../../apps/server/src/tenancy/tenant.entity.js';
import { BookingService } from './booking.service.js';
import { CapacityService } from './capacity.service.js';
import { ReleaseService } from './release.service.js';
import { ReminderService } from './reminder.service.js';

/** The handler of the booking plugin's tasks: Nest injects the services they use. */
@Injectable()
export class BookingTasks {
  constructor(
    private readonly release: ReleaseService,
    private readonly bookings: BookingService,
    private readonly capacity: CapacityService,
    private readonly reminderService: ReminderService,
    private readonly outbox: OutboxService,
    private readonly dataSource: DataSource,
  ) {}

  async releaseDue(): Promise<void> {
    await this.release.releaseDue();
  }

  async housekeeping(): Promise<void> {
    await this.bookings.expireHolds();
    await this.capacity.returnDue();
  }

  async reminders(): Promise<void> {
    await this.reminderService.sendDue();
  }

  async privacy(tenant: TenantRef, now: Date): Promise<void> {
    const row = await this.dataSource.getRepository(Tenant).findOneByOrFail({ id: tenant.id });
    const days = Number(row.settings?.retentionDays ?? 7);
    await this.bookings.applyRetention(days);
    await this.outbox.purgeSent(new Date(now.getTime() - days * 86_400_000));
  }
}

/**
 * The booking plugin's scheduled work. Release runs every minute but only acts when a policy's
 * release time has passed and its watermark is behind, so per-location release times work and a
 * server that was down catches up on its first run.
 */
export const bookingTasks: ScheduledTask[] = [
  defineTask(BookingTasks, { id: 'booking.release', schedule: { everyMinutes: 1 }, perTenant: true, run: (tasks) => tasks.releaseDue() }),
  defineTask(BookingTasks, { id: 'booking.housekeeping', schedule: { everyMinutes: 1 }, perTenant: true, run: (tasks) => tasks.housekeeping() }),
  // Every 5 minutes: a reminder due at 17:00 goes out by 17:05; a server that was down catches up.
  defineTask(BookingTasks, { id: 'booking.reminders', schedule: { everyMinutes: 5 }, perTenant: true, run: (tasks) => tasks.reminders() }),
  defineTask(BookingTasks, {
    id: 'booking.privacy',
    schedule: { dailyAt: '03:30' },
    perTenant: true,
    run: (tasks, { tenant, now }) => tasks.privacy(tenant!, now),
  }),
];
