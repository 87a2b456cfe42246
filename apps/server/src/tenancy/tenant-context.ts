import { AsyncLocalStorage } from 'node:async_hooks';

/** What a request or a job knows about the tenant it acts for. */
export interface TenantRef {
  id: string;
  slug: string;
  name: string;
  timeZone: string;
  state: string;
  locale: string;
}

/**
 * The scope of installation-level work that belongs to no tenant, e.g. mail to super-admins through
 * the outbox. Its rows are reached through the same scoped repositories as a tenant's; the id can
 * never be a tenant's, which are uuids.
 */
export const INSTALLATION: TenantRef = { id: 'installation', slug: '-', name: 'Amtszeit', timeZone: 'Europe/Berlin', state: '-', locale: 'de' };

export class MissingTenantContextError extends Error {
  constructor() {
    super('No tenant context: tenant data may only be reached inside a tenant request or runAsTenant()');
  }
}

const storage = new AsyncLocalStorage<TenantRef>();

export const TenantContext = {
  /** The current tenant; throws rather than letting a query run unscoped. */
  current(): TenantRef {
    const tenant = storage.getStore();
    if (!tenant) throw new MissingTenantContextError();
    return tenant;
  },
  currentOrNull(): TenantRef | null {
    return storage.getStore() ?? null;
  },
  run<T>(tenant: TenantRef, fn: () => T): T {
    return storage.run(tenant, fn);
  },
};

export function runAsTenant<T>(tenant: TenantRef, fn: () => T): T {
  return TenantContext.run(tenant, fn);
}

export function toTenantRef(t: TenantRef): TenantRef {
  return { id: t.id, slug: t.slug, name: t.name, timeZone: t.timeZone, state: t.state, locale: t.locale };
}
