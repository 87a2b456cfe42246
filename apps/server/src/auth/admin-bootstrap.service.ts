import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ENV, type Env } from '../config/env.config.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { Tenant } from '../tenancy/tenant.entity.js';
import { loadAdminEnv, type AdminEnv } from './admin-env.js';
import { AdminUser } from './admin-user.entity.js';
import { AdminUsersService, AccountError } from './admin-users.service.js';
import { generatePassword } from './password.js';

export interface CreatedAccount {
  email: string;
  role: string;
  tenant: string | null;
  /** Shown once; absent when it came from the environment. */
  password?: string;
}

/**
 * On an empty database: a super-admin and one tenant-admin per tenant, with generated passwords
 * printed once (or the super-admin from ADMIN_EMAIL / ADMIN_PASSWORD). There is no default password.
 * Done beside the start, not before it: hashing the passwords takes about half a second each, and
 * the panel they are for loads after the server listens anyway (admin-panel.module.ts).
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AdminAccounts');
  private pending?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: AdminUsersService,
    @Inject(ENV) private readonly env: Env,
  ) {}

  onApplicationBootstrap(): void {
    // Tests create their own accounts; a generated one would only clutter their output.
    if (this.env.NODE_ENV === 'test') return;
    const adminEnv = loadAdminEnv();
    this.pending = this.announce(adminEnv).catch((err: unknown) => {
      // The next start tries again: accounts are created while there are none.
      this.logger.error({ msg: 'The first admin accounts could not be created', error: (err as Error)?.stack ?? String(err) });
    });
  }

  /** A shutdown right after the first start waits for the accounts, so none is left half created. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.settled();
  }

  /** Resolves once the first start's accounts are created and printed (at once when there is nothing to do). */
  async settled(): Promise<void> {
    await this.pending;
  }

  private async announce(adminEnv: AdminEnv): Promise<void> {
    const created = await this.ensureInitialAccounts(adminEnv);
    if (created.length === 0) return;
    const lines = created.map(
      (a) => `  ${a.role.padEnd(12)} ${(a.tenant ?? '-').padEnd(14)} ${a.email}  ${a.password ? `password: ${a.password}` : '(password from ADMIN_PASSWORD)'}`,
    );
    this.logger.warn(
      `First start: admin accounts created. Log in at ${this.env.PUBLIC_BASE_URL}/admin. ` +
        `These passwords are shown only now; change them after logging in.\n${lines.join('\n')}`,
    );
  }

  async ensureInitialAccounts(adminEnv: AdminEnv): Promise<CreatedAccount[]> {
    const repo = this.dataSource.getRepository(AdminUser);
    if ((await repo.count()) > 0) return [];
    const created: CreatedAccount[] = [];
    const superEmail = adminEnv.ADMIN_EMAIL ?? 'admin@amtszeit.local';
    const superPassword = adminEnv.ADMIN_PASSWORD ?? generatePassword();
    try {
      await this.users.create({ email: superEmail, password: superPassword, role: 'super-admin' });
    } catch (err) {
      // Another instance starting at the same moment creates the accounts.
      if (err instanceof AccountError && err.field === 'email') return [];
      if (isUniqueViolation(err)) return [];
      throw err;
    }
    created.push({ email: superEmail, role: 'super-admin', tenant: null, password: adminEnv.ADMIN_PASSWORD ? undefined : superPassword });
    for (const tenant of await this.dataSource.getRepository(Tenant).find({ order: { slug: 'ASC' } })) {
      const email = `admin@${tenant.slug}.amtszeit.local`;
      const password = generatePassword();
      await this.users.create({ email, password, role: 'tenant-admin', tenant: tenant.slug, displayName: `Verwaltung ${tenant.name}` });
      created.push({ email, role: 'tenant-admin', tenant: tenant.slug, password });
    }
    return created;
  }
}
