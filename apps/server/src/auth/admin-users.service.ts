import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { isUniqueViolation } from '../database/db-errors.js';
import { PluginHostService } from '../plugin-host/plugin-host.service.js';
import { Tenant } from '../tenancy/tenant.entity.js';
import { ADMIN_ROLES, AdminUser, type AdminRole } from './admin-user.entity.js';
import type { CurrentAdmin } from './current-admin.js';
import { hashPassword, passwordProblem } from './password.js';

/** A refused account change, with the field and a message in both languages. */
export class AccountError extends Error {
  constructor(
    readonly field: 'email' | 'password' | 'role' | 'tenant',
    readonly messages: { de: string; en: string },
  ) {
    super(messages.en);
  }
}

export interface NewAccount {
  email: string;
  password: string;
  role: string;
  /** Tenant id or slug; required for tenant-admin and staff, refused for super-admin. */
  tenant?: string | null;
  displayName?: string | null;
}

const emailSchema = z.email();

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Account rules shared by the CLI, the first-start bootstrap and the admin panel. */
@Injectable()
export class AdminUsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly plugins: PluginHostService,
  ) {}

  checkEmail(email: string): void {
    if (!emailSchema.safeParse(email).success) {
      throw new AccountError('email', { de: 'Bitte eine gültige E-Mail-Adresse angeben.', en: `'${email}' is not a valid email address` });
    }
  }

  checkPassword(password: string, email: string): void {
    const problem = passwordProblem(password, email);
    if (problem) throw new AccountError('password', problem);
  }

  checkRole(role: string): AdminRole {
    if (!(ADMIN_ROLES as readonly string[]).includes(role)) {
      throw new AccountError('role', { de: 'Unbekannte Rolle.', en: `unknown role '${role}' (expected ${ADMIN_ROLES.join(', ')})` });
    }
    return role as AdminRole;
  }

  /** Resolves the tenant of a role: none for super-admins, an existing one for everybody else. */
  async resolveTenant(role: AdminRole, tenant: string | null | undefined): Promise<Tenant | null> {
    if (role === 'super-admin') {
      if (tenant) throw new AccountError('tenant', { de: 'Super-Admins gehören zu keiner Kommune.', en: 'a super-admin belongs to no tenant; omit --tenant' });
      return null;
    }
    if (!tenant) throw new AccountError('tenant', { de: 'Bitte eine Kommune angeben.', en: `a ${role} needs a tenant (--tenant <slug>)` });
    const repo = this.dataSource.getRepository(Tenant);
    const found = (await repo.findOneBy({ slug: tenant })) ?? (/^[0-9a-f-]{36}$/.test(tenant) ? await repo.findOneBy({ id: tenant }) : null);
    if (!found) {
      const known = (await repo.find({ order: { slug: 'ASC' } })).map((t) => t.slug);
      throw new AccountError('tenant', {
        de: 'Unbekannte Kommune.',
        en: `unknown tenant '${tenant}' (known: ${known.join(', ') || 'none yet; start the server once so the tenant files are loaded'})`,
      });
    }
    return found;
  }

  async create(input: NewAccount): Promise<AdminUser> {
    const email = normalizeEmail(input.email);
    this.checkEmail(email);
    const role = this.checkRole(input.role);
    this.checkPassword(input.password, email);
    const tenant = await this.resolveTenant(role, input.tenant);
    const repo = this.dataSource.getRepository(AdminUser);
    if (await repo.existsBy({ email })) throw this.emailTaken(email);
    const user = repo.create({
      email,
      role,
      tenantId: tenant?.id ?? null,
      displayName: input.displayName ?? null,
      passwordHash: await hashPassword(input.password),
      active: true,
      lastLoginAt: null,
    });
    try {
      return await repo.save(user);
    } catch (err) {
      if (isUniqueViolation(err)) throw this.emailTaken(email);
      throw err;
    }
  }

  emailTaken(email: string): AccountError {
    return new AccountError('email', { de: 'Diese E-Mail-Adresse ist bereits vergeben.', en: `an account with the email ${email} already exists` });
  }

  /** The session view of a user, or null when the account is gone or deactivated. */
  async currentAdmin(userId: string): Promise<CurrentAdmin | null> {
    const user = await this.dataSource.getRepository(AdminUser).findOneBy({ id: userId });
    if (!user || !user.active) return null;
    const tenant = user.tenantId ? await this.dataSource.getRepository(Tenant).findOneBy({ id: user.tenantId }) : null;
    if (user.tenantId && !tenant) return null;
    return {
      id: user.id,
      email: user.email,
      title: user.displayName || (tenant ? tenant.name : 'Super-Admin'),
      role: user.role,
      tenantId: tenant?.id ?? null,
      tenantSlug: tenant?.slug ?? null,
      tenantName: tenant?.name ?? null,
      enabledPlugins: tenant ? await this.plugins.enabledPlugins(tenant.id) : [],
      locationIds: user.role === 'staff' ? (user.locationIds ?? []) : [],
    };
  }
}
