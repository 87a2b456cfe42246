import { Injectable, Logger } from '@nestjs/common';
import { DataSource, IsNull, LessThan, LessThanOrEqual } from 'typeorm';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { TaskRunnerService } from '../tasks/task-runner.service.js';
import { AdminUser } from './admin-user.entity.js';
import { normalizeEmail, AdminUsersService } from './admin-users.service.js';
import { canUsePanel, type CurrentAdmin } from './current-admin.js';
import { LoginThrottle } from './login-throttle.entity.js';
import { verifyPassword } from './password.js';

/** Failed attempts per account before it is locked, and per client address before it is. */
export const LOGIN_LIMITS = {
  accountFailures: 5,
  addressFailures: 20,
  windowMinutes: 15,
  lockMinutes: 15,
};

/** A refused login; `code` is a message key of the admin panel's translations. */
export class LoginRefused extends Error {
  constructor(readonly code: 'invalidCredentials' | 'accountLocked' | 'tooManyAttempts' | 'noPanelAccess') {
    super(code);
  }
}

export interface LoginOptions {
  /** Staff may log in for the counter app but not into the admin panel. */
  panel: boolean;
  address?: string;
}

/** Password login with rate limit and lockout, shared by all instances through the database. */
@Injectable()
export class AdminAuthService {
  private readonly logger = new Logger('AdminAuth');

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: AdminUsersService,
    private readonly clock: Clock,
    tasks: TaskRunnerService,
  ) {
    // The keys hold client addresses and typed email addresses: personal data, kept only while they count.
    tasks.registerCoreTask({
      id: 'core.login-throttle-purge',
      schedule: { everyMinutes: 10 },
      perTenant: false,
      run: ({ now }) => this.purgeThrottles(now),
    });
  }

  /** Removes counters whose window has passed and that lock nothing any more. */
  private async purgeThrottles(now: Date): Promise<void> {
    const windowStart = LessThan(new Date(now.getTime() - LOGIN_LIMITS.windowMinutes * 60_000));
    await this.throttles().delete({ windowStart, lockedUntil: IsNull() });
    await this.throttles().delete({ windowStart, lockedUntil: LessThanOrEqual(now) });
  }

  async login(emailInput: unknown, passwordInput: unknown, options: LoginOptions): Promise<CurrentAdmin> {
    const email = typeof emailInput === 'string' ? normalizeEmail(emailInput).slice(0, 254) : '';
    const password = typeof passwordInput === 'string' ? passwordInput : '';
    const keys = [`account:${email}`, ...(options.address ? [`ip:${options.address}`] : [])];
    const now = this.clock.now();
    for (const key of keys) {
      const row = await this.throttles().findOneBy({ key });
      if (row?.lockedUntil && row.lockedUntil > now) {
        throw new LoginRefused(key.startsWith('account:') ? 'accountLocked' : 'tooManyAttempts');
      }
    }
    const user = email ? await this.dataSource.getRepository(AdminUser).findOneBy({ email }) : null;
    const ok = await verifyPassword(password, user?.passwordHash ?? null);
    if (!user || !ok || !user.active) {
      await Promise.all(keys.map((key) => this.recordFailure(key, now)));
      this.logger.warn({ msg: 'Failed admin login', email, address: options.address });
      throw new LoginRefused('invalidCredentials');
    }
    await this.throttles().delete({ key: `account:${email}` });
    const current = await this.users.currentAdmin(user.id);
    if (!current || (options.panel && !canUsePanel(current))) throw new LoginRefused('noPanelAccess');
    await this.dataSource.getRepository(AdminUser).update({ id: user.id }, { lastLoginAt: now });
    return current;
  }

  private throttles() {
    return this.dataSource.getRepository(LoginThrottle);
  }

  private async recordFailure(key: string, now: Date): Promise<void> {
    const limit = key.startsWith('account:') ? LOGIN_LIMITS.accountFailures : LOGIN_LIMITS.addressFailures;
    const windowStartMin = new Date(now.getTime() - LOGIN_LIMITS.windowMinutes * 60_000);
    const row = await this.throttles().findOneBy({ key });
    if (!row) {
      try {
        await this.throttles().insert({ key, failures: 1, windowStart: now, lockedUntil: limit <= 1 ? this.lockEnd(now) : null });
        return;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        return this.recordFailure(key, now); // another instance counted first
      }
    }
    const fresh = row.windowStart < windowStartMin || (row.lockedUntil !== null && row.lockedUntil <= now);
    const failures = fresh ? 1 : row.failures + 1;
    await this.throttles().update(
      { key },
      { failures, windowStart: fresh ? now : row.windowStart, lockedUntil: failures >= limit ? this.lockEnd(now) : null },
    );
    if (failures >= limit) this.logger.warn({ msg: 'Login locked after repeated failures', key, minutes: LOGIN_LIMITS.lockMinutes });
  }

  private lockEnd(now: Date): Date {
    return new Date(now.getTime() + LOGIN_LIMITS.lockMinutes * 60_000);
  }
}
