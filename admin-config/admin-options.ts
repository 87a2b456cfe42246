import type { AdminJSOptions, ResourceWithOptions } from 'adminjs';
import type { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import type { TypeormSessionStore } from '../apps/server/src/auth/typeorm-session-store.js';
import type { WebhookService } from '../apps/server/src/webhooks/webhook.service.js';
import type { DeviceService } from '../apps/server/src/devices/device.service.js';
import type { MailTemplateService } from '../apps/server/src/notifications/mail-template.service.js';
import { fromRoot } from '../apps/server/src/common/project-root.js';
import { componentLoader } from './components.js';
import { dashboard, type DashboardDeps } from './dashboard.js';
import { pluginGate, TENANT_DATA } from './features/access.js';
import { adminLocale } from './locale.js';
import { ADMIN_ROOT } from './admin-root.js';
import { adminUserResource } from './resources/admin-user.resource.js';
import { auditLogResource } from './resources/audit-log.resource.js';
import { closureResource } from './resources/closure.resource.js';
import { counterResource } from './resources/counter.resource.js';
import { defineResource, type AdminResourceDefinition } from './resources/define-resource.js';
import { deviceResource, type DeviceResourceDeps } from './resources/device.resource.js';
import { documentChecklistItemResource } from './resources/document-checklist-item.resource.js';
import { locationResource } from './resources/location.resource.js';
import { mailTemplateResource } from './resources/mail-template.resource.js';
import { releasePolicyResource } from './resources/release-policy.resource.js';
import { scheduleRangeResource } from './resources/schedule-range.resource.js';
import { scheduleResource } from './resources/schedule.resource.js';
import { serviceOfferingResource } from './resources/service-offering.resource.js';
import { serviceResource } from './resources/service.resource.js';
import { tenantPluginStateResource } from './resources/tenant-plugin-state.resource.js';
import { tenantResource } from './resources/tenant.resource.js';
import { webhookAttemptResource, webhookEndpointResource } from './resources/webhook.resource.js';
import type { ResourceDeps } from './scoped-resource.js';

// Our login page: labelled fields and the proof of work that repeated failures call for.
componentLoader.override('Login', fromRoot('admin-config', 'components', 'login.ts'));
// Ja/Nein and German dates wherever AdminJS shows a boolean or a date.
componentLoader.override('BooleanPropertyValue', fromRoot('admin-config', 'components', 'yes-no.ts'));
componentLoader.override('DefaultDatetimeListProperty', fromRoot('admin-config', 'components', 'date-value.ts'));
componentLoader.override('DefaultDatetimeShowProperty', fromRoot('admin-config', 'components', 'date-value.ts'));

/** Resources contributed by plugins, each behind its plugin's switch and scoped like the core's. */
function pluginResources(plugins: PluginHostService): AdminResourceDefinition[] {
  return plugins.all().flatMap((plugin) =>
    (plugin.adminResources ?? []).map((r) => ({
      entity: r.entity as unknown as AdminResourceDefinition['entity'],
      navigation: r.navigation,
      access: TENANT_DATA,
      gate: pluginGate(plugin.name),
      rules: { scope: 'tenant-owned' as const, secret: r.secret, ...(r.validate ? { validate: (draft: Record<string, unknown>) => r.validate!(draft) } : {}) },
      options: r.options,
    })),
  );
}

/** The plugins' names for their resources, keyed by resource id (the options' `id`, else the entity's name). */
function pluginResourceLabels(plugins: PluginHostService) {
  return Object.fromEntries(
    plugins
      .all()
      .flatMap((plugin) => plugin.adminResources ?? [])
      .filter((r) => r.labels)
      .map((r) => [(r.options?.id as string | undefined) ?? r.entity.name, r.labels!]),
  );
}

export function adminResourceDefinitions(
  plugins: PluginHostService,
  sessions: TypeormSessionStore,
  webhooks: WebhookService,
  mail: MailTemplateService,
  device: DeviceResourceDeps,
): AdminResourceDefinition[] {
  return [
    locationResource,
    counterResource,
    serviceResource,
    documentChecklistItemResource,
    serviceOfferingResource,
    scheduleResource,
    scheduleRangeResource,
    closureResource,
    releasePolicyResource,
    adminUserResource(sessions),
    tenantPluginStateResource(plugins),
    tenantResource(plugins),
    auditLogResource,
    webhookEndpointResource(webhooks),
    webhookAttemptResource,
    mailTemplateResource(mail),
    deviceResource(device),
    ...pluginResources(plugins),
  ];
}

export function adminOptions(
  deps: ResourceDeps &
    DashboardDeps & { sessions: TypeormSessionStore; webhooks: WebhookService; mail: MailTemplateService; devices: DeviceService; publicBaseUrl: string },
): AdminJSOptions {
  const resources: ResourceWithOptions[] = adminResourceDefinitions(deps.plugins, deps.sessions, deps.webhooks, deps.mail, {
    devices: deps.devices,
    audit: deps.audit,
    publicBaseUrl: deps.publicBaseUrl,
  }).map((def) => defineResource(def, deps));
  return {
    rootPath: ADMIN_ROOT,
    loginPath: `${ADMIN_ROOT}/login`,
    logoutPath: `${ADMIN_ROOT}/logout`,
    resources,
    locale: adminLocale(pluginResourceLabels(deps.plugins), deps.mail.templateNames()),
    componentLoader,
    dashboard: dashboard(deps),
    // The sidebar stays open from 1200 px (AdminJS: from 1324 px, so a 1280 px screen had to open it by hand).
    branding: { companyName: 'Amtszeit', logo: false, withMadeWithLove: false, theme: { breakpoints: ['577px', '769px', '1024px', '1200px'] as never } },
    settings: { defaultPerPage: 20 },
    assets: { styles: [`${ADMIN_ROOT}/amtszeit-assets/panel.css`] },
  } as AdminJSOptions;
}
