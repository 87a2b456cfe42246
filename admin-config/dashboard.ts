import type { PageContext } from 'adminjs';
import type { DataSource } from 'typeorm';
import { isSuperAdmin, type CurrentAdmin } from '../apps/server/src/auth/current-admin.js';
import { Location } from '../apps/server/src/catalog/entities/location.entity.js';
import { ServiceOffering } from '../apps/server/src/catalog/entities/service-offering.entity.js';
import { Service } from '../apps/server/src/catalog/entities/service.entity.js';
import type { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { Tenant } from '../apps/server/src/tenancy/tenant.entity.js';
import { adminComponent } from './components.js';

const DashboardComponent = adminComponent('AmtszeitDashboard', 'dashboard.ts');

/** Start page figures of the admin's own tenant (all tenants for a super-admin). */
async function figures(dataSource: DataSource, admin: CurrentAdmin) {
  const where = isSuperAdmin(admin) ? {} : { tenantId: admin.tenantId as string };
  const [locations, services, offered] = await Promise.all([
    dataSource.getRepository(Location).countBy({ ...where, active: true }),
    dataSource.getRepository(Service).find({ where: { ...where, active: true }, select: { id: true } }),
    dataSource.getRepository(ServiceOffering).find({ where, select: { serviceId: true } }),
  ]);
  const offeredIds = new Set(offered.map((o) => o.serviceId));
  const out = [
    { key: 'dashboardLocations', value: locations },
    { key: 'dashboardServices', value: services.length },
    { key: 'dashboardNotOffered', value: services.filter((s) => !offeredIds.has(s.id)).length, warn: true },
    { key: 'dashboardPlugins', value: admin.enabledPlugins.length },
  ];
  if (isSuperAdmin(admin)) {
    out.splice(3, 1, { key: 'dashboardTenants', value: await dataSource.getRepository(Tenant).count() });
  }
  return out;
}

/** Staff pages of the plugins switched on for the admin's tenant (a super-admin has no tenant to open them for). */
function staffPages(plugins: PluginHostService, admin: CurrentAdmin) {
  const slug = admin.tenantSlug;
  if (!slug) return [];
  return plugins
    .all()
    .filter((p) => admin.enabledPlugins.includes(p.name))
    .flatMap((p) => (p.staffPages ?? []).map((page) => ({ label: page.label, href: page.path(slug) })));
}

export function dashboard(dataSource: DataSource, plugins: PluginHostService) {
  return {
    component: DashboardComponent,
    handler: async (_req: unknown, _res: unknown, context: PageContext) => {
      const admin = context.currentAdmin as CurrentAdmin;
      return { title: admin.title, tenantName: admin.tenantName, figures: await figures(dataSource, admin), pages: staffPages(plugins, admin) };
    },
  };
}
