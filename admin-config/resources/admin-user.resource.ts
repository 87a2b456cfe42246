import { Not } from 'typeorm';
import { AdminUser } from '../../apps/server/src/auth/admin-user.entity.js';
import { normalizeEmail } from '../../apps/server/src/auth/admin-users.service.js';
import { isSuperAdmin } from '../../apps/server/src/auth/current-admin.js';
import { hashPassword, passwordProblem } from '../../apps/server/src/auth/password.js';
import type { TypeormSessionStore } from '../../apps/server/src/auth/typeorm-session-store.js';
import { Location } from '../../apps/server/src/catalog/entities/location.entity.js';
import { Tenant } from '../../apps/server/src/tenancy/tenant.entity.js';
import { panelUser, type ActionAccess } from '../features/access.js';
import { MSG, Rules } from '../features/validation.js';
import { ownRows } from '../scoped-resource.js';
import type { AdminResourceDefinition } from './define-resource.js';

/** Staff accounts (Personal): tenant-admins manage their own tenant's, super-admins everybody's. */
export function adminUserResource(sessions: TypeormSessionStore): AdminResourceDefinition {
  const access: ActionAccess = {
    read: panelUser,
    create: panelUser,
    update: panelUser,
    // Nobody deletes themselves (and locks the tenant out by accident).
    remove: (ctx) => panelUser(ctx) && (!ctx.record || ctx.record.params.id !== (ctx.currentAdmin as { id?: string } | undefined)?.id),
  };
  return {
    entity: AdminUser,
    navigation: 'staff',
    access,
    rules: {
      scope: 'tenant-owned',
      secret: ['passwordHash'],
      readOnly: ['lastLoginAt'],
      superAdminPicksTenant: true,
      async prepare(input, ctx, errors) {
        const out: Record<string, unknown> = {};
        if (typeof input.email === 'string') out.email = normalizeEmail(input.email);
        // The form sends the picked locations as a list (none: the key is missing or empty).
        if ('locationIds' in input || ctx.isNew) {
          const picked: unknown[] = Array.isArray(input.locationIds) ? input.locationIds : input.locationIds ? [input.locationIds] : [];
          out.locationIds = [...new Set(picked.filter((v): v is string => typeof v === 'string' && v !== ''))];
        }
        const password = typeof input.password === 'string' ? input.password : '';
        if (password) {
          const problem = passwordProblem(password, String(out.email ?? ctx.before?.email ?? ''));
          if (problem) errors.password = problem.de;
          else out.passwordHash = await hashPassword(password);
        } else if (ctx.isNew) {
          errors.password = MSG.required;
        }
        return out;
      },
      async validate(d, ctx) {
        const r = new Rules(d).email('email', { required: true }).text('displayName', { required: false });
        const superAdmin = isSuperAdmin(ctx.admin);
        const allowed = superAdmin ? ['super-admin', 'tenant-admin', 'supervisor', 'staff'] : ['tenant-admin', 'supervisor', 'staff'];
        if (!allowed.includes(d.role))
          r.fail('role', superAdmin ? 'Bitte eine Rolle wählen.' : 'Sie können nur Sachbearbeitung, Teamleitungen oder Kommunen-Admins anlegen.');
        // A clerk's locations must be the tenant's own (a foreign id is as if it did not exist).
        const locationIds: string[] = Array.isArray(d.locationIds) ? d.locationIds : [];
        if (locationIds.length > 0 && !(await ownRows(ctx.dataSource, Location, locationIds, d.tenantId))) r.fail('locationIds', MSG.reference);
        if (!['de', 'en'].includes(d.locale)) r.fail('locale', 'Bitte Deutsch oder Englisch wählen.');
        if (d.role === 'super-admin' && d.tenantId) r.fail('tenantId', 'Super-Admins gehören zu keiner Kommune.');
        if (d.role !== 'super-admin') {
          if (!d.tenantId) r.fail('tenantId', 'Bitte eine Kommune wählen.');
          else if (!(await ctx.dataSource.getRepository(Tenant).existsBy({ id: d.tenantId }))) r.fail('tenantId', MSG.reference);
        }
        if (ctx.before && ctx.before.id === ctx.admin.id) {
          if (d.role !== ctx.before.role) r.fail('role', 'Die eigene Rolle kann nicht geändert werden.');
          if (!d.active) r.fail('active', 'Das eigene Konto kann nicht deaktiviert werden.');
        }
        if (r.ok('email')) {
          const taken = await ctx.dataSource.getRepository(AdminUser).existsBy({ email: d.email, ...(d.id ? { id: Not(d.id) } : {}) });
          if (taken) r.fail('email', 'Diese E-Mail-Adresse ist bereits vergeben.');
        }
        return r.errors;
      },
      async afterWrite(saved, before) {
        // A deactivated, deleted or re-passworded account is logged out everywhere.
        const id = (saved ?? before)?.id as string | undefined;
        if (!id) return;
        const passwordChanged = saved && before && saved.passwordHash !== before.passwordHash;
        if (!saved || !saved.active || passwordChanged) await sessions.destroyForUser(id);
      },
    },
    options: {
      listProperties: ['email', 'displayName', 'role', 'active', 'lastLoginAt'],
      properties: {
        email: { isTitle: true },
        role: {
          availableValues: [
            { value: 'tenant-admin', label: 'Kommunen-Admin' },
            { value: 'supervisor', label: 'Teamleitung' },
            { value: 'staff', label: 'Sachbearbeitung' },
            { value: 'super-admin', label: 'Super-Admin' },
          ],
          description: 'helpRole',
        },
        password: { type: 'password', isVisible: { list: false, filter: false, show: false, edit: true }, description: 'helpPassword' },
        locale: {
          availableValues: [
            { value: 'de', label: 'Deutsch' },
            { value: 'en', label: 'English' },
          ],
          description: 'helpAccountLocale',
        },
        // Only clerks (Sachbearbeitung) are limited to these; the other roles see every location.
        locationIds: {
          type: 'reference',
          reference: 'Location',
          isArray: true,
          isVisible: { list: false, filter: false, show: true, edit: true },
          description: 'helpUserLocations',
        },
        tenantId: { reference: 'Tenant', isVisible: { list: false, filter: false, show: true, edit: true }, description: 'helpUserTenant' },
        lastLoginAt: { isVisible: { list: true, filter: false, show: true, edit: false } },
      },
    },
  };
}
