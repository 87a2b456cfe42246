import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConfigCacheService } from '../cache/config-cache.service.js';
import { installDomainErrors } from '../common/domain-error.js';
import { isMysqlFamily } from '../database/data-source-options.js';
import { TenantContext } from '../tenancy/tenant-context.js';
import { TenantPluginState } from '../tenancy/tenant-plugin-state.entity.js';
import { checkPluginGraph, switchConflict } from './plugin-graph.js';
import { PLUGINS, type AmtszeitPlugin, type PluginManifest, type ScheduledTask } from './plugin.types.js';

/** Knows every loaded plugin and, per tenant, whether it is on and how it is set. */
@Injectable()
export class PluginHostService {
  constructor(
    @Inject(PLUGINS) private readonly plugins: AmtszeitPlugin[],
    private readonly dataSource: DataSource,
    private readonly cache: ConfigCacheService,
  ) {
    checkPluginGraph(plugins);
    // The plugins' error codes beside the core's (checkPluginGraph refused codes declared twice).
    installDomainErrors(plugins.map((p) => ({ owner: p.name, errors: p.errors })));
  }

  all(): AmtszeitPlugin[] {
    return this.plugins;
  }

  /** By name, for names that come from data (a stored switch, an admin record). */
  get(name: string): AmtszeitPlugin {
    const plugin = this.plugins.find((p) => p.name === name);
    if (!plugin) throw new NotFoundException(`Unknown plugin '${name}'`);
    return plugin;
  }

  tasks(): Array<{ plugin: AmtszeitPlugin; task: ScheduledTask }> {
    return this.plugins.flatMap((p) => (p.tasks ?? []).map((task) => ({ plugin: p, task })));
  }

  /**
   * From the config cache: a switch flipped in the admin panel counts on the next request of this
   * instance and within CACHE_POLL_MS on the others.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any plugin, whatever its settings type
  async isEnabled(tenantId: string, plugin: PluginManifest<any>): Promise<boolean> {
    return (await this.states(tenantId)).get(plugin.name)?.enabled ?? false;
  }

  /** Whether a plugin that declares this capability is on for the tenant. */
  async hasCapability(tenantId: string, capability: string): Promise<boolean> {
    const providers = this.plugins.filter((p) => p.capabilities?.includes(capability)).map((p) => p.name);
    if (providers.length === 0) return false;
    return (await this.enabledPlugins(tenantId)).some((name) => providers.includes(name));
  }

  async enabledPlugins(tenantId: string): Promise<string[]> {
    const states = [...(await this.states(tenantId)).values()].filter((s) => s.enabled);
    return states.map((s) => s.plugin).filter((name) => this.plugins.some((p) => p.name === name));
  }

  /** The tenant's stored switches and settings by plugin name, one query per tenant and cache generation. */
  private states(tenantId: string): Promise<Map<string, TenantPluginState>> {
    return this.cache.get(
      `plugins:${tenantId}`,
      async (manager) => new Map((await manager.getRepository(TenantPluginState).findBy({ tenantId })).map((s) => [s.plugin, s])),
    );
  }

  /**
   * Switches a plugin for a tenant. Refused (409, naming the plugins) when a dependency is off or,
   * switching off, while a dependant is on: dependants are never switched off behind the caller's back.
   * The tenant's switches are read under a row lock (MySQL) / in the one writer (SQLite), so two
   * concurrent switches cannot together break a dependency.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any plugin, whatever its settings type
  async setEnabled(tenantId: string, plugin: PluginManifest<any>, enabled: boolean): Promise<void> {
    this.get(plugin.name);
    await this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(TenantPluginState);
      const lock = isMysqlFamily(this.dataSource.options) ? { lock: { mode: 'pessimistic_write' as const } } : {};
      const states = await repo.find({ where: { tenantId }, ...lock });
      const problem = this.switchProblem(new Set(states.filter((s) => s.enabled).map((s) => s.plugin)), plugin.name, enabled, 'en');
      if (problem) throw new ConflictException(problem);
      const state = states.find((s) => s.plugin === plugin.name);
      if (state) await repo.update({ id: state.id }, { enabled });
      else await repo.insert(repo.create({ tenantId, plugin: plugin.name, enabled, settings: {}, configEnabled: null, configSettingsHash: null }));
    });
  }

  /**
   * Why a switch may not happen, as a sentence for the API (en) or the admin panel (de); null when
   * it may. `on` holds the tenant's plugins that are on now.
   */
  switchProblem(on: ReadonlySet<string>, pluginName: string, enabled: boolean, lang: 'de' | 'en'): string | null {
    const conflict = switchConflict(this.plugins, on, pluginName, enabled);
    if (!conflict) return null;
    const label = (name: string) => (lang === 'de' ? `„${this.get(name).label.de}“` : `'${name}'`);
    const list = conflict.names.map(label).join(lang === 'de' ? ', ' : ', ');
    if (conflict.kind === 'missing') {
      return lang === 'de'
        ? `${label(pluginName)} braucht ${list}; bitte zuerst ${list} einschalten.`
        : `Plugin ${label(pluginName)} needs ${list} switched on first.`;
    }
    return lang === 'de'
      ? `${label(pluginName)} kann nicht ausgeschaltet werden, solange ${list} eingeschaltet ist; bitte zuerst ${list} ausschalten.`
      : `Plugin ${label(pluginName)} cannot be switched off while ${list} is on; switch ${list} off first.`;
  }

  /** Parsed settings per cached state row (a new cache generation brings new rows), and each plugin's defaults. */
  private readonly parsed = new WeakMap<TenantPluginState, unknown>();
  private readonly defaults = new Map<string, unknown>();

  /**
   * The current tenant's settings of a plugin: stored values over the plugin's defaults. Parsed once
   * per cache generation, not per call (device polls read them on every request); callers only read.
   */
  async settings<S extends Record<string, unknown>>(plugin: PluginManifest<S>): Promise<S> {
    const state = (await this.states(TenantContext.current().id)).get(plugin.name);
    const schema = this.get(plugin.name).settings;
    if (!state) {
      if (!this.defaults.has(plugin.name)) this.defaults.set(plugin.name, schema.parse({}));
      return this.defaults.get(plugin.name) as S;
    }
    if (!this.parsed.has(state)) this.parsed.set(state, schema.parse(state.settings ?? {}));
    return this.parsed.get(state) as S;
  }

  /** Validates a settings patch against the plugin's schema; invalid input writes nothing. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- settings are free-form JSON, checked by each plugin's schema
  validateSettings(pluginName: string, settings: unknown): Record<string, any> {
    const result = this.get(pluginName).settings.safeParse(settings);
    if (!result.success) {
      throw new BadRequestException(result.error.issues.map((i) => `${pluginName}.${i.path.join('.') || '(settings)'}: ${i.message}`).join('; '));
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- settings are free-form JSON, checked by each plugin's schema
    return result.data as Record<string, any>;
  }

  async updateSettings<S extends Record<string, unknown>>(tenantId: string, plugin: PluginManifest<S>, settings: Partial<NoInfer<S>>): Promise<void> {
    const valid = this.validateSettings(plugin.name, settings);
    const repo = this.dataSource.getRepository(TenantPluginState);
    const state = await repo.findOneBy({ tenantId, plugin: plugin.name });
    if (state) await repo.update({ id: state.id }, { settings: valid });
    else await repo.insert(repo.create({ tenantId, plugin: plugin.name, enabled: false, settings: valid, configEnabled: null, configSettingsHash: null }));
  }
}
