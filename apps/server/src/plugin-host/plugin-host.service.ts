import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TenantContext } from '../tenancy/tenant-context.js';
import { TenantPluginState } from '../tenancy/tenant-plugin-state.entity.js';
import { PLUGINS, type AmtszeitPlugin, type ScheduledTask } from './plugin.types.js';

/** Knows every loaded plugin and, per tenant, whether it is on and how it is set. */
@Injectable()
export class PluginHostService {
  constructor(
    @Inject(PLUGINS) private readonly plugins: AmtszeitPlugin[],
    private readonly dataSource: DataSource,
  ) {}

  all(): AmtszeitPlugin[] {
    return this.plugins;
  }

  get(name: string): AmtszeitPlugin {
    const plugin = this.plugins.find((p) => p.name === name);
    if (!plugin) throw new NotFoundException(`Unknown plugin '${name}'`);
    return plugin;
  }

  tasks(): Array<{ plugin: string | null; task: ScheduledTask }> {
    return this.plugins.flatMap((p) => (p.tasks ?? []).map((task) => ({ plugin: p.name, task })));
  }

  /** Read fresh on every call: a switch flipped in the admin panel counts on the next request. */
  async isEnabled(tenantId: string, plugin: string): Promise<boolean> {
    const state = await this.dataSource.getRepository(TenantPluginState).findOneBy({ tenantId, plugin });
    return state?.enabled ?? false;
  }

  /** Whether a plugin that declares this capability is on for the tenant. */
  async hasCapability(tenantId: string, capability: string): Promise<boolean> {
    const providers = this.plugins.filter((p) => p.capabilities?.includes(capability)).map((p) => p.name);
    if (providers.length === 0) return false;
    return (await this.enabledPlugins(tenantId)).some((name) => providers.includes(name));
  }

  async enabledPlugins(tenantId: string): Promise<string[]> {
    const states = await this.dataSource.getRepository(TenantPluginState).findBy({ tenantId, enabled: true });
    return states.map((s) => s.plugin).filter((name) => this.plugins.some((p) => p.name === name));
  }

  async setEnabled(tenantId: string, plugin: string, enabled: boolean): Promise<void> {
    this.get(plugin);
    const repo = this.dataSource.getRepository(TenantPluginState);
    const state = await repo.findOneBy({ tenantId, plugin });
    if (state) await repo.update({ id: state.id }, { enabled });
    else await repo.insert(repo.create({ tenantId, plugin, enabled, settings: {}, configEnabled: null, configSettingsHash: null }));
  }

  /** The current tenant's settings of a plugin: stored values over the plugin's defaults. */
  async settings<S extends Record<string, unknown>>(pluginName: string): Promise<S> {
    const plugin = this.get(pluginName);
    const tenant = TenantContext.current();
    const state = await this.dataSource.getRepository(TenantPluginState).findOneBy({ tenantId: tenant.id, plugin: pluginName });
    return plugin.settings.parse(state?.settings ?? {}) as S;
  }

  /** Validates a settings patch against the plugin's schema; invalid input writes nothing. */
  validateSettings(pluginName: string, settings: unknown): Record<string, any> {
    const result = this.get(pluginName).settings.safeParse(settings);
    if (!result.success) {
      throw new BadRequestException(
        result.error.issues.map((i) => `${pluginName}.${i.path.join('.') || '(settings)'}: ${i.message}`).join('; '),
      );
    }
    return result.data as Record<string, any>;
  }

  async updateSettings(tenantId: string, pluginName: string, settings: Record<string, unknown>): Promise<void> {
    const valid = this.validateSettings(pluginName, settings);
    const repo = this.dataSource.getRepository(TenantPluginState);
    const state = await repo.findOneBy({ tenantId, plugin: pluginName });
    if (state) await repo.update({ id: state.id }, { settings: valid });
    else await repo.insert(repo.create({ tenantId, plugin: pluginName, enabled: false, settings: valid, configEnabled: null, configSettingsHash: null }));
  }
}
