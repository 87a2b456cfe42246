import { isSuperAdmin, type CurrentAdmin } from '../../apps/server/src/auth/current-admin.js';
import type { PluginHostService } from '../../apps/server/src/plugin-host/plugin-host.service.js';
import { TenantPluginState } from '../../apps/server/src/tenancy/tenant-plugin-state.entity.js';
import { z } from 'zod';
import { nobody, panelUser, type Access } from '../features/access.js';
import type { AdminResourceDefinition } from './define-resource.js';

/** The schema's complaints in German (zod's own German messages), field by field. */
function germanIssues(schema: z.ZodType, value: unknown): string {
  const result = schema.safeParse(value, { error: z.locales.de().localeError });
  return result.success ? '' : result.error.issues.map((i) => `${i.path.join('.') || 'Einstellungen'}: ${i.message}`).join('; ');
}

/**
 * Plugin switches and settings per tenant. Super-admins switch plugins on and off; tenant-admins
 * edit the settings of the plugins that are on for their tenant. Settings are edited as JSON and
 * checked against the plugin's schema.
 */
export function tenantPluginStateResource(plugins: PluginHostService): AdminResourceDefinition {
  const canEdit: Access = (ctx) => {
    const admin = ctx.currentAdmin as CurrentAdmin | undefined;
    if (isSuperAdmin(admin)) return true;
    if (!panelUser(ctx)) return false;
    // Without a record (e.g. the action list) the record check below decides.
    return !ctx.record || ctx.record.params.enabled === true;
  };
  return {
    entity: TenantPluginState,
    navigation: 'plugins',
    access: { read: panelUser, create: nobody, update: canEdit, remove: nobody },
    rules: {
      scope: 'tenant-owned',
      readOnly: ['plugin', 'configEnabled', 'configSettingsHash', 'settings'],
      async prepare(input, ctx, errors) {
        const out: Record<string, unknown> = {};
        if (input.enabled !== undefined) {
          const enabled = input.enabled === true || input.enabled === 'true';
          // A switch that would leave a plugin on without a plugin it depends on is refused, naming both.
          const dependency =
            ctx.before && enabled !== ctx.before.enabled
              ? plugins.switchProblem(new Set(await plugins.enabledPlugins(ctx.before.tenantId)), ctx.before.plugin, enabled, 'de')
              : null;
          if (!isSuperAdmin(ctx.admin) && enabled !== ctx.before?.enabled) errors.enabled = 'Nur Super-Admins schalten Plugins an oder aus.';
          else if (dependency) errors.enabled = dependency;
          else out.enabled = enabled;
        }
        if (typeof input.settingsJson === 'string' && ctx.before) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(input.settingsJson || '{}');
          } catch {
            errors.settingsJson = 'Die Einstellungen sind kein gültiges JSON.';
            return out;
          }
          try {
            out.settings = plugins.validateSettings(ctx.before.plugin, parsed);
          } catch {
            errors.settingsJson = `Ungültige Einstellungen: ${germanIssues(plugins.get(ctx.before.plugin).settings, parsed)}`;
          }
        }
        return out;
      },
      async decorate(rows) {
        for (const row of rows) {
          row.settingsJson = JSON.stringify(row.settings ?? {}, null, 2);
          const plugin = plugins.all().find((p) => p.name === row.plugin);
          row.label = plugin ? plugin.label.de : row.plugin;
        }
      },
    },
    options: {
      listProperties: ['label', 'tenantId', 'enabled', 'updatedAt'],
      properties: {
        label: { type: 'string', isTitle: true, isVisible: { list: true, filter: false, show: true, edit: false } },
        plugin: { isVisible: { list: false, filter: true, show: true, edit: false } },
        tenantId: { isVisible: { list: true, filter: true, show: true, edit: false } },
        enabled: { description: 'helpPluginEnabled' },
        settings: { isVisible: false },
        settingsJson: { type: 'textarea', isVisible: { list: false, filter: false, show: true, edit: true }, description: 'helpPluginSettings' },
        configEnabled: { isVisible: false },
        configSettingsHash: { isVisible: false },
        updatedAt: { isVisible: { list: true, filter: false, show: true, edit: false } },
      },
    },
  };
}
