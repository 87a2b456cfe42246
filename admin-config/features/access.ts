import type { ActionContext } from 'adminjs';
import { canUsePanel, isSuperAdmin, type CurrentAdmin } from '../../apps/server/src/auth/current-admin.js';

type AccessContext = Pick<ActionContext, 'currentAdmin' | 'record'>;
export type Access = (ctx: AccessContext) => boolean;

const adminOf = (ctx: AccessContext) => ctx.currentAdmin as CurrentAdmin | undefined;

export const superAdminOnly: Access = (ctx) => isSuperAdmin(adminOf(ctx));
export const tenantAdminOnly: Access = (ctx) => adminOf(ctx)?.role === 'tenant-admin' && !!adminOf(ctx)?.tenantId;
export const panelUser: Access = (ctx) => canUsePanel(adminOf(ctx));
export const nobody: Access = () => false;

/** A plugin's resources: super-admins always, tenant-admins while the plugin is on for their tenant. */
export function pluginGate(plugin: string): Access {
  return (ctx) => {
    const admin = adminOf(ctx);
    if (isSuperAdmin(admin)) return true;
    return admin?.role === 'tenant-admin' && admin.enabledPlugins.includes(plugin);
  };
}

export function both(a: Access, b: Access): Access {
  return (ctx) => a(ctx) && b(ctx);
}

export interface ActionAccess {
  read: Access;
  create: Access;
  update: Access;
  remove: Access;
}

/** Tenant data: everybody in the panel reads and changes (scoped); new rows belong to a tenant-admin's tenant. */
export const TENANT_DATA: ActionAccess = { read: panelUser, create: tenantAdminOnly, update: panelUser, remove: panelUser };
export const READ_ONLY: ActionAccess = { read: panelUser, create: nobody, update: nobody, remove: nobody };

/**
 * AdminJS `actions` with isAccessible on every action (isVisible alone only hides a button; the
 * API would still answer). A gate, such as a plugin switch, applies to all of them.
 */
export function actionsFor(access: ActionAccess, gate?: Access): Record<string, { isAccessible: Access }> {
  const g = (a: Access) => (gate ? both(gate, a) : a);
  return {
    list: { isAccessible: g(access.read) },
    search: { isAccessible: g(access.read) },
    show: { isAccessible: g(access.read) },
    new: { isAccessible: g(access.create) },
    edit: { isAccessible: g(access.update) },
    delete: { isAccessible: g(access.remove) },
    bulkDelete: { isAccessible: g(access.remove) },
  };
}
