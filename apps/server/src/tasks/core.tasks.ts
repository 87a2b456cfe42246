import { AdminAuthService } from '../auth/admin-auth.service.js';
import { SqliteStatisticsService } from '../database/sqlite-statistics.service.js';
import { EVENT_RETENTION_DAYS, EventDeliveryService } from '../events/event-delivery.service.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { SharedLimitsService } from '../limits/shared-limits.service.js';
import { OutboxService } from '../notifications/outbox.service.js';
import { defineTask, type ScheduledTask } from '../plugin-host/plugin.types.js';
import { INSTALLATION, runAsTenant } from '../tenancy/tenant-context.js';
import { WebhookService } from '../webhooks/webhook.service.js';

/** Sent installation mail (it names administrators) is deleted after this many days. */
const INSTALLATION_RETENTION_DAYS = 7;

/** The core's scheduled work, declared like plugin tasks (see ScheduledTask). */
export const CORE_TASK_LIST: ScheduledTask[] = [
  // The outbox tasks only start the drains: it may run for minutes, and the runner's other tasks
  // (release, matching) must not wait for it.
  defineTask(OutboxService, {
    id: 'core.outbox',
    schedule: { everyMinutes: 1 },
    perTenant: true,
    run: async (outbox, { tenant }) => outbox.drainAllInBackground(tenant!),
  }),
  defineTask(OutboxService, {
    id: 'core.outbox-installation',
    schedule: { everyMinutes: 1 },
    perTenant: false,
    run: async (outbox) => outbox.drainAllInBackground(INSTALLATION),
  }),
  // Tenants purge their sent messages with their retention setting (booking.privacy); this is the default.
  defineTask(OutboxService, {
    id: 'core.outbox-installation-purge',
    schedule: { dailyAt: '03:30' },
    perTenant: false,
    run: (outbox, { now }) => runAsTenant(INSTALLATION, () => outbox.purgeSent(new Date(now.getTime() - INSTALLATION_RETENTION_DAYS * 86_400_000))),
  }),
  // The safety net behind the commit kick and the poll; like the mail task it only starts the drain.
  defineTask(EventDeliveryService, {
    id: 'core.event-delivery',
    schedule: { everyMinutes: 1 },
    perTenant: true,
    run: async (delivery, { tenant }) => delivery.drainInBackground(tenant!),
  }),
  defineTask(EventDeliveryService, {
    id: 'core.event-purge',
    schedule: { dailyAt: '03:50' },
    perTenant: true,
    run: async (delivery, { now }) => void (await delivery.purge(new Date(now.getTime() - EVENT_RETENTION_DAYS * 86_400_000))),
  }),
  defineTask(WebhookService, {
    id: 'core.webhook-log-purge',
    schedule: { dailyAt: '03:55' },
    perTenant: true,
    run: (webhooks, { now }) => webhooks.purgeLog(now),
  }),
  defineTask(SharedLimitsService, {
    id: 'core.shared-counter-purge',
    schedule: { everyMinutes: 10 },
    perTenant: false,
    run: (limits, { now }) => limits.purgeExpired(now),
  }),
  defineTask(IdempotencyService, {
    id: 'core.idempotency-purge',
    schedule: { everyMinutes: 15 },
    perTenant: true,
    run: (idempotency, { now }) => idempotency.purgeExpired(now),
  }),
  defineTask(AdminAuthService, {
    id: 'core.login-throttle-purge',
    schedule: { everyMinutes: 10 },
    perTenant: false,
    run: (auth, { now }) => auth.purgeThrottles(now),
  }),
  defineTask(SqliteStatisticsService, {
    id: 'core.sqlite-statistics',
    schedule: { everyMinutes: 60 },
    perTenant: false,
    active: (statistics) => statistics.applies,
    run: (statistics) => statistics.optimize(),
  }),
];
