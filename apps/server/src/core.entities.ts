import { AuditLog } from './audit/audit-log.entity.js';
import { ConfigVersion } from './cache/config-version.entity.js';
import { AdminSession } from './auth/admin-session.entity.js';
import { AdminUser } from './auth/admin-user.entity.js';
import { LoginThrottle } from './auth/login-throttle.entity.js';
import { Closure } from './catalog/entities/closure.entity.js';
import { Counter } from './catalog/entities/counter.entity.js';
import { DocumentChecklistItem } from './catalog/entities/document-checklist-item.entity.js';
import { Location } from './catalog/entities/location.entity.js';
import { ReleasePolicy } from './catalog/entities/release-policy.entity.js';
import { ScheduleRange } from './catalog/entities/schedule-range.entity.js';
import { Schedule } from './catalog/entities/schedule.entity.js';
import { ServiceOffering } from './catalog/entities/service-offering.entity.js';
import { Service } from './catalog/entities/service.entity.js';
import { DeviceHeartbeat } from './devices/device-heartbeat.entity.js';
import { Device } from './devices/device.entity.js';
import { DomainEvent } from './events/domain-event.entity.js';
import { EventDelivery } from './events/event-delivery.entity.js';
import { CORE_MIGRATION_LIST } from './database/migrations/index.js';
import { IdempotencyRecord } from './idempotency/idempotency-record.entity.js';
import { SharedCounter } from './limits/shared-counter.entity.js';
import { MailTemplateOverride } from './notifications/mail-template-override.entity.js';
import { OutboxMessage } from './notifications/outbox-message.entity.js';
import { TaskRun } from './tasks/task-run.entity.js';
import { TenantPluginState } from './tenancy/tenant-plugin-state.entity.js';
import { Tenant } from './tenancy/tenant.entity.js';
import { WebhookAttempt } from './webhooks/webhook-attempt.entity.js';
import { WebhookEndpoint } from './webhooks/webhook-endpoint.entity.js';

/** Configuration the instances cache (cache/config-cache.service.ts): a change raises the config version. */
export const CACHED_CORE_ENTITIES: Function[] = [
  Tenant,
  TenantPluginState,
  Location,
  Service,
  ServiceOffering,
  DocumentChecklistItem,
  WebhookEndpoint,
  MailTemplateOverride,
  Device,
];

export const CORE_ENTITIES: Function[] = [
  ConfigVersion,
  Tenant,
  TenantPluginState,
  TaskRun,
  Location,
  Counter,
  Service,
  DocumentChecklistItem,
  ServiceOffering,
  Schedule,
  ScheduleRange,
  Closure,
  ReleasePolicy,
  AdminUser,
  AdminSession,
  LoginThrottle,
  SharedCounter,
  AuditLog,
  OutboxMessage,
  IdempotencyRecord,
  DomainEvent,
  EventDelivery,
  WebhookEndpoint,
  WebhookAttempt,
  MailTemplateOverride,
  Device,
  DeviceHeartbeat,
];

export const CORE_MIGRATIONS: Function[] = CORE_MIGRATION_LIST;
