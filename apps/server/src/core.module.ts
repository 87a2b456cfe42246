import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { ConfigCacheService } from './cache/config-cache.service.js';
import { BootService, LOADED_TENANTS, RUN_MIGRATIONS } from './boot/boot.service.js';
import { CatalogSeedService } from './catalog/catalog-seed.service.js';
import { CatalogService } from './catalog/catalog.service.js';
import { HolidayService } from './catalog/holiday.service.js';
import { OpeningCalendarService } from './catalog/opening-calendar.service.js';
import { Clock } from './common/clock.js';
import { DomainErrorFilter } from './common/domain-error.filter.js';
import { ENV, type Env } from './config/env.config.js';
import { DeviceService } from './devices/device.service.js';
import { EventBusService } from './events/event-bus.service.js';
import { EventDeliveryService } from './events/event-delivery.service.js';
import { EventSubscriberRegistry } from './events/event-subscriber.registry.js';
import { SqliteStatisticsService } from './database/sqlite-statistics.service.js';
import { ProofOfWorkService } from './limits/proof-of-work.service.js';
import { IdempotencyService } from './idempotency/idempotency.service.js';
import { FormTokenService } from './security/form-token.service.js';
import { SharedLimitsService } from './limits/shared-limits.service.js';
import { MailTemplateService } from './notifications/mail-template.service.js';
import { OutboxService } from './notifications/outbox.service.js';
import { SmsDeliveryReportController } from './notifications/sms-delivery-report.controller.js';
import { SmsDeliveryReportService } from './notifications/sms-delivery-report.service.js';
import { PluginEnabledGuard } from './plugin-host/plugin-enabled.guard.js';
import { PluginHostService } from './plugin-host/plugin-host.service.js';
import { CORE_TASKS, PLUGINS, type AmtszeitPlugin } from './plugin-host/plugin.types.js';
import { CORE_TASK_LIST } from './tasks/core.tasks.js';
import { TaskRunnerService } from './tasks/task-runner.service.js';
import type { LoadedTenant } from './tenancy/tenant-config.loader.js';
import { TenantDataService } from './tenancy/tenant-data.service.js';
import { TenantRegistryService } from './tenancy/tenant-registry.service.js';
import { DashboardFiguresService } from './plugin-host/dashboard-figures.service.js';
import { TenantSyncService } from './tenancy/tenant-sync.service.js';
import { WebhookService } from './webhooks/webhook.service.js';

export interface CoreOptions {
  env: Env;
  plugins: AmtszeitPlugin[];
  clock: Clock;
  tenants: LoadedTenant[];
  runMigrations: boolean;
}

/** The published core: what plugins may inject. */
const EXPORTED = [
  ConfigCacheService,
  TenantDataService,
  TenantRegistryService,
  PluginHostService,
  TaskRunnerService,
  HolidayService,
  OpeningCalendarService,
  CatalogService,
  MailTemplateService,
  OutboxService,
  SharedLimitsService,
  ProofOfWorkService,
  IdempotencyService,
  FormTokenService,
  EventBusService,
  EventDeliveryService,
  EventSubscriberRegistry,
  WebhookService,
  DashboardFiguresService,
  DeviceService,
];

@Global()
@Module({})
export class CoreModule {
  static forRoot(options: CoreOptions): DynamicModule {
    return {
      module: CoreModule,
      // The task runner's tick is an interval in the scheduler's registry.
      imports: [ScheduleModule.forRoot()],
      controllers: [SmsDeliveryReportController],
      providers: [
        { provide: ENV, useValue: options.env },
        { provide: PLUGINS, useValue: options.plugins },
        { provide: CORE_TASKS, useValue: CORE_TASK_LIST },
        { provide: Clock, useValue: options.clock },
        { provide: LOADED_TENANTS, useValue: options.tenants },
        { provide: RUN_MIGRATIONS, useValue: options.runMigrations },
        { provide: APP_GUARD, useClass: PluginEnabledGuard },
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        ...EXPORTED,
        TenantSyncService,
        CatalogSeedService,
        SqliteStatisticsService,
        SmsDeliveryReportService,
        BootService,
      ],
      exports: [ENV, PLUGINS, Clock, ...EXPORTED],
    };
  }
}
