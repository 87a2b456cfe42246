import type { AdminRole } from './admin-user.entity.js';

/**
 * What the session knows about the logged-in user. The session store refreshes it from the
 * database on every request, so a changed role, a deactivated account or a plugin switched off
 * counts at once (AdminJS's access checks are synchronous and read only this object).
 */
export interface CurrentAdmin {
  id: string;
  email: string;
  title: string;
  role: AdminRole;
  tenantId: string | null;
  tenantSlug: string | null;
  tenantName: string | null;
  /** Plugins switched on for the user's tenant (empty for super-admins, who see all). */
  enabledPlugins: string[];
  /** A clerk's locations (empty for everybody else, whose scope is by role). */
  locationIds: string[];
}

export const PANEL_ROLES: AdminRole[] = ['super-admin', 'tenant-admin'];

export function isSuperAdmin(admin: Pick<CurrentAdmin, 'role'> | null | undefined): boolean {
  return admin?.role === 'super-admin';
}

export function canUsePanel(admin: Pick<CurrentAdmin, 'role'> | null | undefined): boolean {
  return !!admin && PANEL_ROLES.includes(admin.role);
}
