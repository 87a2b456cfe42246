import type { ScheduledTask } from '../../apps/server/src/plugin-host/plugin.types.js';
import { OutboxService } from '../../apps/server/src/notifications/outbox.service.js';
import { Tenant } from '../../apps/server/src/tenancy/tenant.entity.js';
import { DataSource } from 'typeorm';
import { BookingService } from './booking.service.js';
import { CapacityService } from './capacity.service.js';
import { ReleaseService } from './release.service.js';
import { ReminderService } from './reminder.service.js';

/**
 * The booking plugin's scheduled work. Release runs every minute but only acts when a policy's
 * release time has passed and its watermark is behind, so per-location release times work and a
 * server that was down catches up on its first run.
 */
export const bookingTasks: ScheduledTask[] = [
  {
    id: 'booking.release',
    schedule: { everyMinutes: 1 },
    perTenant: true,
    run: async ({ moduleRef }) => {
      await moduleRef.get(ReleaseService, { strict: false }).releaseDue();
    },
  },
  {
    id: 'booking.housekeeping',
    schedule: { everyMinutes: 1 },
    perTenant: true,
    run: async ({ moduleRef }) => {
      await moduleRef.get(BookingService, { strict: false }).expireHolds();
      await moduleRef.get(CapacityService, { strict: false }).returnDue();
    },
  },
  {
    // Every 5 minutes: a reminder due at 17:00 goes out by 17:05; a server that was down catches up.
    id: 'booking.reminders',
    schedule: { everyMinutes: 5 },
    perTenant: true,
    run: async ({ moduleRef }) => {
      await moduleRef.get(ReminderService, { strict: false }).sendDue();
    },
  },
  {
    id: 'booking.privacy',
    schedule: { dailyAt: '03:30' },
    perTenant: true,
    run: async ({ moduleRef, tenant, now }) => {
      const row = await moduleRef.get(DataSource, { strict: false }).getRepository(Tenant).findOneByOrFail({ id: tenant!.id });
      const days = Number(row.settings?.retentionDays ?? 7);
      await moduleRef.get(BookingService, { strict: false }).applyRetention(days);
      await moduleRef.get(OutboxService, { strict: false }).purgeSent(new Date(now.getTime() - days * 86_400_000));
    },
  },
];
