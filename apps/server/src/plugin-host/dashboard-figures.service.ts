import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { runAsTenant, type TenantRef } from '../tenancy/tenant-context.js';
import { PluginHostService } from './plugin-host.service.js';
import type { DashboardFigure } from './plugin.types.js';

/**
 * The admin panel's start page asks here for the figures the tenant's enabled plugins contribute
 * (`dashboard` in the plugin definition), so the panel never reaches into a plugin's tables.
 */
@Injectable()
export class DashboardFiguresService {
  private readonly logger = new Logger(DashboardFiguresService.name);

  constructor(
    private readonly host: PluginHostService,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** Each enabled plugin's figures, computed in the tenant's context; a failing plugin is logged and left out. */
  async figures(tenant: TenantRef): Promise<Array<DashboardFigure & { plugin: string }>> {
    const enabled = new Set(await this.host.enabledPlugins(tenant.id));
    const out: Array<DashboardFigure & { plugin: string }> = [];
    for (const plugin of this.host.all()) {
      if (!plugin.dashboard || !enabled.has(plugin.name)) continue;
      try {
        const provider = this.moduleRef.get(plugin.dashboard, { strict: false });
        const figures = await runAsTenant(tenant, () => provider.dashboardFigures());
        out.push(...figures.map((f) => ({ ...f, plugin: plugin.name })));
      } catch (err) {
        this.logger.error({ msg: 'Dashboard figures failed', plugin: plugin.name, error: (err as Error).stack });
      }
    }
    return out;
  }
}
