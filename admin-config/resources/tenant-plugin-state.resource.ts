import { isSuperAdmin, type CurrentAdmin } from '../../apps/server/src/auth/current-admin.js';
import type { PluginHostService } from '../../apps/server/src/plugin-host/plugin-host.service.js';
import { TenantPluginState } from '../../apps/server/src/tenancy/tenant-plugin-state.entity.js';
import { z } from 'zod';
import { adminComponent } from '../components.js';
import { nobody, panelUser, type Access } from '../features/access.js';
import { readSettingsForm, settingsFields, settingsIssueMessage } from '../features/settings-fields.js';
import type { FieldErrors } from '../features/validation.js';
import type { AdminResourceDefinition } from './define-resource.js';

const SettingsForm = adminComponent('AmtszeitPluginSettings', 'plugin-settings.ts');
const PluginSwitch = adminComponent('AmtszeitPluginSwitch', 'plugin-switch.ts');

/**
 * The settings as the schema parses them (what is saved), or undefined with the schema's remaining
 * complaints (rules across fields) as message keys, under the field they name (not zod's English).
 */
function parseSettings(schema: z.ZodType, value: unknown, errors: FieldErrors): Record<string, unknown> | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data as Record<string, unknown>;
  for (const issue of result.error.issues)
    errors[issue.path.length ? `settings.${issue.path.join('.')}` : 'settingsForm'] ??= settingsIssueMessage(issue as { code: string; origin?: string });
  return undefined;
}

/**
 * Plugin switches and settings per tenant. Super-admins switch plugins on and off (a tenant-admin
 * sees the switch read-only with the reason; a plugin still in preparation has no switch at all);
 * tenant-admins edit the settings of the plugins that are on for their tenant, in a form generated
 * from the plugin's settings schema (features/settings-fields.ts), saved as the JSON the plugin reads.
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
        if (!ctx.before) return out;
        const plugin = plugins.get(ctx.before.plugin);
        if (input.enabled !== undefined) {
          const enabled = input.enabled === true || input.enabled === 'true';
          const changed = enabled !== ctx.before.enabled;
          // A switch that would leave a plugin on without a plugin it depends on is refused, naming both.
          const dependency = changed ? plugins.switchProblem(new Set(await plugins.enabledPlugins(ctx.before.tenantId)), plugin.name, enabled, 'de') : null;
          if (changed && !isSuperAdmin(ctx.admin)) errors.enabled = 'Nur Super-Admins schalten Plugins an oder aus.';
          else if (changed && enabled && plugin.inPreparation) errors.enabled = 'Dieses Plugin ist in Vorbereitung und kann noch nicht eingeschaltet werden.';
          else if (dependency) errors.enabled = dependency;
          else out.enabled = enabled;
        }
        if (input.settings !== undefined) {
          const raw = typeof input.settings === 'object' && input.settings !== null ? (input.settings as Record<string, unknown>) : {};
          const fieldErrors: FieldErrors = {};
          const settings = readSettingsForm(settingsFields(plugin.settings), raw, fieldErrors, 'settings');
          const parsed = Object.keys(fieldErrors).length === 0 ? parseSettings(plugin.settings, settings, fieldErrors) : undefined;
          if (parsed) out.settings = parsed;
          Object.assign(errors, fieldErrors);
        }
        return out;
      },
      async decorate(rows) {
        for (const row of rows) {
          const plugin = plugins.all().find((p) => p.name === row.plugin);
          row.label = plugin ? plugin.label.de : row.plugin;
          row.inPreparation = plugin?.inPreparation === true;
          if (!plugin) continue;
          // The generated form: field descriptions and the values in force (defaults filled in).
          const values = plugin.settings.safeParse(row.settings ?? {});
          row.settingsForm = JSON.stringify({ fields: settingsFields(plugin.settings), values: values.success ? values.data : (row.settings ?? {}) });
        }
      },
    },
    options: {
      listProperties: ['label', 'tenantId', 'enabled', 'updatedAt'],
      properties: {
        label: { type: 'string', isTitle: true, isVisible: { list: true, filter: false, show: true, edit: false } },
        plugin: { isVisible: { list: false, filter: true, show: true, edit: false } },
        tenantId: { isVisible: { list: true, filter: true, show: true, edit: false } },
        enabled: { position: 1, components: { edit: PluginSwitch, show: PluginSwitch, list: PluginSwitch } },
        settings: { isVisible: false },
        inPreparation: { isVisible: false },
        settingsForm: {
          type: 'string',
          components: { edit: SettingsForm, show: SettingsForm },
          isVisible: { list: false, filter: false, show: true, edit: true },
        },
        configEnabled: { isVisible: false },
        configSettingsHash: { isVisible: false },
        updatedAt: { isVisible: { list: true, filter: false, show: true, edit: false } },
      },
    },
  };
}
