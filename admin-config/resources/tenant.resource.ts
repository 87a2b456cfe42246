import { Tenant } from '../../apps/server/src/tenancy/tenant.entity.js';
import type { PluginHostService } from '../../apps/server/src/plugin-host/plugin-host.service.js';
import { TenantPluginState } from '../../apps/server/src/tenancy/tenant-plugin-state.entity.js';
import { BUNDESLAENDER, brandingSchema, slugSchema, tenantSettingsSchema } from '../../apps/server/src/tenancy/tenant-config.schema.js';
import { nobody, superAdminOnly } from '../features/access.js';
import { Rules } from '../features/validation.js';
import type { AdminResourceDefinition } from './define-resource.js';

/** Municipalities (super-admins only). Tenants from tenants/<slug>/tenant.yaml get their identity from the file at each start. */
export function tenantResource(plugins: PluginHostService): AdminResourceDefinition {
  return {
    entity: Tenant,
    navigation: 'system',
    // Deleting a municipality would orphan all its data; that is an operator's job, not a click.
    access: { read: superAdminOnly, create: superAdminOnly, update: superAdminOnly, remove: nobody },
    rules: {
      scope: 'tenant-row',
      readOnly: ['branding', 'domains', 'settings'],
      prepare(_input, ctx) {
        return ctx.isNew ? { branding: brandingSchema.parse({}), domains: [], settings: tenantSettingsSchema.parse({}) } : {};
      },
      async validate(d, ctx) {
        const r = new Rules(d).text('name').text('timeZone', { max: 64 });
        const slug = slugSchema.safeParse(d.slug ?? '');
        if (!slug.success) r.fail('slug', 'Kürzel: Kleinbuchstaben, Ziffern und Bindestriche; nicht admin, api, health usw.');
        else if (ctx.before && d.slug !== ctx.before.slug) r.fail('slug', 'Das Kürzel kann nicht geändert werden (es steht in allen Links).');
        else if (ctx.isNew && (await ctx.dataSource.getRepository(Tenant).existsBy({ slug: d.slug }))) r.fail('slug', 'Dieses Kürzel ist vergeben.');
        if (!(BUNDESLAENDER as readonly string[]).includes(d.state)) r.fail('state', 'Bitte ein Bundesland wählen.');
        if (!['de', 'en'].includes(d.locale)) r.fail('locale', 'Bitte de oder en wählen.');
        try {
          new Intl.DateTimeFormat('en', { timeZone: String(d.timeZone) });
        } catch {
          r.fail('timeZone', 'Unbekannte Zeitzone (z. B. Europe/Berlin).');
        }
        return r.errors;
      },
      async afterWrite(saved, before, ctx) {
        if (!saved || before) return;
        // Every plugin gets its switch (off) so the super-admin can turn it on.
        const repo = ctx.dataSource.getRepository(TenantPluginState);
        for (const plugin of plugins.all()) {
          await repo.save(
            repo.create({
              tenantId: saved.id,
              plugin: plugin.name,
              enabled: false,
              settings: plugin.settings.parse({}) as Record<string, any>,
              configEnabled: null,
              configSettingsHash: null,
            }),
          );
        }
      },
    },
    options: {
      listProperties: ['slug', 'name', 'state', 'locale'],
      properties: {
        tenantId: { isVisible: false },
        slug: { isTitle: false, description: 'helpSlug' },
        name: { isTitle: true, description: 'helpTenantFile' },
        state: { availableValues: BUNDESLAENDER.map((s) => ({ value: s, label: s })), description: 'helpState' },
        locale: {
          availableValues: [
            { value: 'de', label: 'Deutsch' },
            { value: 'en', label: 'English' },
          ],
        },
        branding: { isVisible: { list: false, filter: false, show: true, edit: false } },
        domains: { isVisible: { list: false, filter: false, show: true, edit: false } },
        settings: { isVisible: { list: false, filter: false, show: true, edit: false } },
      },
    },
  };
}
