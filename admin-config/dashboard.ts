import type { PageContext } from 'adminjs';
import type { DataSource } from 'typeorm';
import { isSuperAdmin, type CurrentAdmin } from '../apps/server/src/auth/current-admin.js';
import { Location } from '../apps/server/src/catalog/entities/location.entity.js';
import { ServiceOffering } from '../apps/server/src/catalog/entities/service-offering.entity.js';
import { Service } from '../apps/server/src/catalog/entities/service.entity.js';
import type { DashboardFiguresService } from '../apps/server/src/plugin-host/dashboard-figures.service.js';
import type { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { visibleTo, type DashboardFigure } from '../apps/server/src/plugin-host/plugin.types.js';
import type { TenantRegistryService } from '../apps/server/src/tenancy/tenant-registry.service.js';
import { Tenant } from '../apps/server/src/tenancy/tenant.entity.js';
import { adminComponent } from './components.js';

const DashboardComponent = adminComponent('AmtszeitDashboard', 'dashboard.ts');

/** A start-page figure: a translation key (core) or the plugin's own label; `warn` is amber, never red. */
type Figure = Omit<DashboardFigure, 'label'> & Partial<Pick<DashboardFigure, 'label'>>;

export interface DashboardDeps {
  dataSource: DataSource;
  plugins: PluginHostService;
  figures: DashboardFiguresService;
  tenants: TenantRegistryService;
}

/** Master-data figures of the admin's own tenant (all tenants for a super-admin). */
async function coreFigures(dataSource: DataSource, admin: CurrentAdmin): Promise<Figure[]> {
  const where = isSuperAdmin(admin) ? {} : { tenantId: admin.tenantId as string };
  const [locations, services, offered] = await Promise.all([
    dataSource.getRepository(Location).countBy({ ...where, active: true }),
    dataSource.getRepository(Service).find({ where: { ...where, active: true }, select: { id: true } }),
    dataSource.getRepository(ServiceOffering).find({ where, select: { serviceId: true } }),
  ]);
  const offeredIds = new Set(offered.map((o) => o.serviceId));
  const notOffered = services.filter((s) => !offeredIds.has(s.id)).length;
  const out: Figure[] = [
    { key: 'dashboardLocations', value: locations },
    { key: 'dashboardServices', value: services.length },
    // Worth a look only when there is something to look at: zero is good news, not an alarm.
    { key: 'dashboardNotOffered', value: notOffered, warn: notOffered > 0 },
  ];
  out.push(
    isSuperAdmin(admin)
      ? { key: 'dashboardTenants', value: await dataSource.getRepository(Tenant).count() }
      : { key: 'dashboardPlugins', value: admin.enabledPlugins.length },
  );
  return out;
}

/** What the tenant's enabled plugins contribute (bookings today and this week, holds, the waitlist). */
async function pluginFigures(deps: DashboardDeps, admin: CurrentAdmin): Promise<Figure[]> {
  if (!admin.tenantSlug) return [];
  const tenant = await deps.tenants.findBySlug(admin.tenantSlug);
  if (!tenant || tenant.id !== admin.tenantId) return [];
  return (await deps.figures.figures(tenant)).map((f) => ({ ...f, key: `${f.plugin}.${f.key}` }));
}

/** Staff pages of the plugins switched on for the admin's tenant (a super-admin has no tenant to open them for). */
function staffPages(plugins: PluginHostService, admin: CurrentAdmin) {
  const slug = admin.tenantSlug;
  if (!slug) return [];
  return plugins
    .all()
    .filter((p) => admin.enabledPlugins.includes(p.name))
    .flatMap((p) => (p.staffPages ?? []).filter((page) => visibleTo(page, admin.role)).map((page) => ({ label: page.label, href: page.path(slug) })));
}

export function dashboard(deps: DashboardDeps) {
  return {
    component: DashboardComponent,
    handler: async (_req: unknown, _res: unknown, context: PageContext) => {
      const admin = context.currentAdmin as CurrentAdmin;
      const [activity, masterData] = await Promise.all([pluginFigures(deps, admin), coreFigures(deps.dataSource, admin)]);
      return { title: admin.title, tenantName: admin.tenantName, activity, figures: masterData, pages: staffPages(deps.plugins, admin) };
    },
  };
}
