import type { Type } from '@nestjs/common';
import type { z } from 'zod';
import type { AdminRole } from '../auth/admin-user.entity.js';
import type { DomainErrorDeclaration } from '../common/domain-error.js';
import type { DeviceKind } from '../devices/device.types.js';
import type { EventSubscriberClass } from '../events/event.types.js';
import type { PluginMailTemplates } from '../notifications/notification.types.js';
import type { TenantRef } from '../tenancy/tenant-context.js';
import type { FastRoute } from '../web/fast-route.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a task list mixes handler types
export type TaskSchedule<H = any> =
  /** Every n minutes, aligned to the epoch, so all instances agree on the tick. */
  | { everyMinutes: number }
  /** Daily at a tenant-local HH:MM; a function may read the time from the tenant's data. */
  | { dailyAt: string | ((handler: H, ctx: { tenant: TenantRef }) => Promise<string>) };

export interface TaskContext {
  tenant: TenantRef | null;
  /** The instant the tick was due; a caught-up run sees the missed tick, not "now". */
  tick: Date;
  tickKey: string;
  now: Date;
}

/**
 * Scheduled work, declared as data (core tasks in tasks/core.tasks.ts, plugin tasks in the plugin
 * definition). The task names its handler, a provider of the application; the runner takes the
 * instance Nest made (with its injected services) and passes it to `run`. The runner claims each
 * (task, tenant, tick) once across all instances; `run` must be safe to repeat, because a run that
 * crashed is run again.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a task list mixes handler types
export interface ScheduledTask<H = any> {
  id: string;
  schedule: TaskSchedule<H>;
  /** One run per tenant, inside runAsTenant (tenants with the owning plugin off are skipped). */
  perTenant: boolean;
  /** A claim older than this is considered crashed and may be taken over. */
  leaseSeconds?: number;
  /** The provider whose methods do the work. */
  handler: Type<H>;
  run(handler: H, ctx: TaskContext): Promise<unknown>;
  /** False leaves the task out on this installation (e.g. upkeep that only SQLite needs). */
  active?(handler: H): boolean;
}

/** Declares a task whose `run` gets the instance of `handler`, typed. */
export function defineTask<H>(handler: Type<H>, task: Omit<ScheduledTask<H>, 'handler'>): ScheduledTask<H> {
  return { ...task, handler };
}

/** An AdminJS resource a plugin contributes; admin-config wraps it in tenant scope and the plugin gate. */
export interface PluginAdminResource {
  entity: Type<unknown> | (abstract new (...args: never[]) => unknown);
  /** Navigation group key (see admin-config/navigation). */
  navigation: string;
  /** Columns never sent to the panel nor taken from it (link tokens, keys). */
  secret?: string[];
  options?: Record<string, unknown>;
  /** The panel's names for the resource and its columns (German and English). */
  labels?: { label: { de: string; en: string }; properties: Record<string, { de: string; en: string }> };
  /** Checks a create/edit draft: field → German message (empty: valid); the panel refuses the save with them. */
  validate?(draft: Record<string, unknown>): Record<string, string>;
}

/**
 * A page of the plugin for staff and administrators outside the panel, under `/<slug>/mitarbeiter/…`:
 * the staff frame's navigation and the panel's start page link to it while the plugin is on.
 */
export interface PluginStaffPage {
  label: { de: string; en: string };
  /** The page's path for a tenant, e.g. `/musterstadt/mitarbeiter/terminagent`. */
  path(tenantSlug: string): string;
  /** Only these roles see the link (default: everyone who may open staff pages). */
  roles?: AdminRole[];
}

/** Whether a staff page's link is shown to this role. */
export function visibleTo(page: PluginStaffPage, role: AdminRole): boolean {
  return !page.roles || page.roles.includes(role);
}

/** A figure on the admin panel's start page, e.g. today's bookings per location. */
export interface DashboardFigure {
  /** Unique per plugin, e.g. `today`. */
  key: string;
  label: { de: string; en: string };
  value: number;
  /** The figure split by location (location name → value), where that helps. */
  byLocation?: Array<{ location: string; value: number }>;
  /** Worth a look (shown in amber, never as an alarm). */
  warn?: boolean;
}

/** A provider of the plugin's module that computes its start-page figures, in the tenant's context. */
export interface DashboardFigureProvider {
  dashboardFigures(): Promise<DashboardFigure[]>;
}

/**
 * What identifies a plugin: name, label, settings schema, dependencies. It is the typed handle that
 * `host.settings(…)`, `host.isEnabled(…)` and `@RequiresPlugin(…)` take. Kept in a small
 * `<name>.manifest.ts` without the Nest wiring, so controllers can import it without an import cycle
 * (definition → module → controller → definition).
 */
export interface PluginManifest<S extends Record<string, unknown> = Record<string, unknown>> {
  name: string;
  /** Shown to administrators. */
  label: { de: string; en: string };
  /** Parsing `{}` yields the defaults; tenant files are validated against it at boot. */
  settings: z.ZodType<S>;
  /** Plugins that must be on for this one to be on (checked on every switch and at boot). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any plugin, whatever its settings type
  dependsOn?: PluginManifest<any>[];
  /** Not usable yet: the admin panel shows it as "in Vorbereitung" and offers no switch to turn it on. */
  inPreparation?: boolean;
}

/** The settings type a handle stands for. */
export type SettingsOf<P> = P extends PluginManifest<infer S> ? S : never;

export function definePluginManifest<S extends Record<string, unknown>>(manifest: PluginManifest<S>): PluginManifest<S> {
  return manifest;
}

/** The contract every plugin fulfils; see docs/ARCHITECTURE.md. */
export interface AmtszeitPlugin<S extends Record<string, unknown> = Record<string, unknown>> extends PluginManifest<S> {
  module: Type<unknown>;
  entities: Function[];
  migrations: Function[];
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
  /** Figures for the admin panel's start page: a provider of `module` (resolved by class, like subscribers). */
  dashboard?: Type<DashboardFigureProvider>;
  /**
   * The plugin's domain error codes (code → kind) and the catalogue with their German and English
   * texts, made with `defineErrors()`; a code declared by two plugins (or by a plugin and the core)
   * stops the start.
   */
  errors?: DomainErrorDeclaration;
  /** The plugin's mail templates and their names for the panel (registered with MailTemplateService). */
  mailTemplates?: PluginMailTemplates;
  /**
   * The plugin whose pages run on devices of this kind declares their per-device settings: the
   * panel's device form shows the schema's fields (labels from `.meta`) and stores what it parses.
   */
  deviceConfig?: { kind: DeviceKind; schema: z.ZodType<Record<string, unknown>> };
  /** Routes answered in front of the middleware and Nest's router (see web/fast-route.ts): providers of `module`. */
  fastRoutes?: Array<Type<FastRoute>>;
}

export function definePlugin<S extends Record<string, unknown>>(plugin: AmtszeitPlugin<S>): AmtszeitPlugin<S> {
  return plugin;
}

export const PLUGINS = Symbol('AMTSZEIT_PLUGINS');
/** The core's own tasks (tasks/core.tasks.ts), provided by CoreModule. */
export const CORE_TASKS = Symbol('AMTSZEIT_CORE_TASKS');
