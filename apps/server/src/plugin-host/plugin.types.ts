import type { Type } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { z } from 'zod';
import type { EventSubscriberClass } from '../events/event.types.js';
import type { TenantRef } from '../tenancy/tenant-context.js';

export type TaskSchedule =
  /** Every n minutes, aligned to the epoch, so all instances agree on the tick. */
  | { everyMinutes: number }
  /** Daily at a tenant-local HH:MM; a function may read the time from the tenant's data. */
  | { dailyAt: string | ((ctx: { tenant: TenantRef; moduleRef: ModuleRef }) => Promise<string>) };

export interface TaskContext {
  tenant: TenantRef | null;
  /** The instant the tick was due; a caught-up run sees the missed tick, not "now". */
  tick: Date;
  tickKey: string;
  now: Date;
  moduleRef: ModuleRef;
}

/**
 * Scheduled work, declared as data. The runner claims each (task, tenant, tick) once across all
 * instances; `run` must be safe to repeat, because a run that crashed is run again.
 */
export interface ScheduledTask {
  id: string;
  schedule: TaskSchedule;
  /** One run per tenant, inside runAsTenant (tenants with the owning plugin off are skipped). */
  perTenant: boolean;
  /** A claim older than this is considered crashed and may be taken over. */
  leaseSeconds?: number;
  run(ctx: TaskContext): Promise<void>;
}

/** An AdminJS resource a plugin contributes; admin-config wraps it in tenant scope and the plugin gate. */
export interface PluginAdminResource {
  entity: Type<unknown> | (abstract new (...args: never[]) => unknown);
  /** Navigation group key (see admin-config/navigation). */
  navigation: string;
  /** Columns never sent to the panel nor taken from it (link tokens, keys). */
  secret?: string[];
  options?: Record<string, unknown>;
}

/** A page of the plugin for staff and administrators outside the panel; the panel's start page links to it. */
export interface PluginStaffPage {
  label: { de: string; en: string };
  /** The page's path for a tenant, e.g. `/musterstadt/terminagent/kennzahlen`. */
  path(tenantSlug: string): string;
}

/** The contract every plugin fulfils; see docs/ARCHITECTURE.md. */
export interface AmtszeitPlugin<S extends Record<string, unknown> = Record<string, unknown>> {
  name: string;
  /** Shown to administrators. */
  label: { de: string; en: string };
  module: Type<unknown>;
  entities: Function[];
  migrations: Function[];
  /** Parsing `{}` yields the defaults; tenant files are validated against it at boot. */
  settings: z.ZodType<S>;
  tasks?: ScheduledTask[];
  /** Event subscribers: providers of the plugin's module, skipped for tenants with the plugin off. */
  subscribers?: EventSubscriberClass[];
  /**
   * What the plugin offers other plugins, asked for by name of the capability rather than of the
   * plugin (e.g. booking asks whether anyone consumes its agent channel).
   */
  capabilities?: string[];
  adminResources?: PluginAdminResource[];
  staffPages?: PluginStaffPage[];
}

export function definePlugin<S extends Record<string, unknown>>(plugin: AmtszeitPlugin<S>): AmtszeitPlugin<S> {
  return plugin;
}

export const PLUGINS = Symbol('AMTSZEIT_PLUGINS');
