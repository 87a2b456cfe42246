import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isUniqueViolation } from '../database/db-errors.js';
import { brokenDependency } from '../plugin-host/plugin-graph.js';
import { PLUGINS, type AmtszeitPlugin } from '../plugin-host/plugin.types.js';
import { TenantConfigError, type LoadedTenant } from './tenant-config.loader.js';
import { TenantPluginState } from './tenant-plugin-state.entity.js';
import { Tenant } from './tenant.entity.js';

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** Writes the tenant files into the database: identity always, plugin switches only when the file changed. */
@Injectable()
export class TenantSyncService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLUGINS) private readonly plugins: AmtszeitPlugin[],
  ) {}

  async sync(loaded: LoadedTenant): Promise<Tenant> {
    const repo = this.dataSource.getRepository(Tenant);
    const { config } = loaded;
    const fields = {
      name: config.name,
      timeZone: config.timeZone,
      state: config.state,
      locale: config.locale,
      branding: config.branding,
      domains: config.domains,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tenant's settings are free-form JSON
      settings: config.settings as Record<string, any>,
    };
    let tenant = await repo.findOneBy({ slug: loaded.slug });
    if (!tenant) {
      try {
        await repo.insert(repo.create({ slug: loaded.slug, ...fields }));
      } catch (err) {
        if (!isUniqueViolation(err)) throw err; // another instance created it first
      }
    } else {
      await repo.update({ id: tenant.id }, fields);
    }
    tenant = await repo.findOneByOrFail({ slug: loaded.slug });

    const states = this.dataSource.getRepository(TenantPluginState);
    const existing = await states.findBy({ tenantId: tenant.id });
    const writes: Array<() => Promise<unknown>> = [];
    const on = new Set<string>();
    for (const plugin of this.plugins) {
      const entry = config.plugins[plugin.name];
      const enabled = entry?.enabled ?? false;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- settings are free-form JSON, checked by each plugin's schema
      const settings: Record<string, any> = loaded.pluginSettings[plugin.name] ?? plugin.settings.parse({});
      const settingsHash = hash(settings);
      const state = existing.find((s) => s.plugin === plugin.name);
      if (!state) {
        if (enabled) on.add(plugin.name);
        writes.push(async () => {
          try {
            await states.insert(
              states.create({ tenantId: tenant.id, plugin: plugin.name, enabled, settings, configEnabled: enabled, configSettingsHash: settingsHash }),
            );
          } catch (err) {
            if (!isUniqueViolation(err)) throw err;
          }
        });
        continue;
      }
      const patch: Partial<TenantPluginState> = {};
      if (state.configEnabled !== enabled) Object.assign(patch, { enabled, configEnabled: enabled });
      if (state.configSettingsHash !== settingsHash) Object.assign(patch, { settings, configSettingsHash: settingsHash });
      if (patch.enabled ?? state.enabled) on.add(plugin.name);
      if (Object.keys(patch).length > 0) writes.push(() => states.update({ id: state.id }, patch));
    }
    // The file is consistent (the loader checked); with an administrator's later switches it may not be.
    const broken = brokenDependency(this.plugins, on);
    if (broken) {
      throw new TenantConfigError(
        `Invalid tenant configuration in ${loaded.file}: plugin '${broken.plugin}' would be on without plugin '${broken.dependency}', ` +
          `which it needs (one of them was switched in the admin panel since the file last changed); switch both consistently`,
      );
    }
    for (const write of writes) await write();
    return tenant;
  }
}
