import { isIPv4, isIPv6 } from 'node:net';
import { Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource, In, IsNull, LessThan, LessThanOrEqual, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { ProofOfWorkService, type ProofChallenge } from '../limits/proof-of-work.service.js';
import { MailTemplateService } from '../notifications/mail-template.service.js';
import { OutboxService } from '../notifications/outbox.service.js';
import { INSTALLATION, runAsTenant, TenantContext, toTenantRef } from '../tenancy/tenant-context.js';
import { coreManagerOf, TenantDataService, type TenantTx } from '../tenancy/tenant-data.service.js';
import { Tenant } from '../tenancy/tenant.entity.js';
import { AdminUser } from './admin-user.entity.js';
import { normalizeEmail, AdminUsersService } from './admin-users.service.js';
import { canUsePanel, type CurrentAdmin } from './current-admin.js';
import { LoginThrottle } from './login-throttle.entity.js';
import { verifyPassword } from './password.js';

/**
 * Failed logins are counted three ways. Per (account, address): a few are free, then each waits
 * twice as long as the last. Per account, from any address: a soft lock, passed by the right
 * password plus a proof of work, so nobody can keep the owner out. Per address, over all
 * accounts: a proof of work for every login from there, so a shared office address is never shut.
 */
export const LOGIN_LIMITS = {
  pairFreeFailures: 3,
  pairMaxDelaySeconds: 15 * 60,
  accountFailures: 5,
  addressFailures: 20,
  /** Failures count within this window (per pair: since the latest failure). */
  windowMinutes: 15,
  /** A lock lasts this long after the latest failure. */
  lockMinutes: 15,
  /**
   * Proof-of-work difficulty: 25,000 SHA-256 on average. The login page solves one on every visit
   * while the user types (about a second in Chromium, see `npm run bench:login`).
   */
  proofMaxNumber: 50_000,
};

const LOGIN_PROOF = { purpose: 'login' };

export type LoginRefusalCode = 'invalidCredentials' | 'loginDelayed' | 'proofOfWorkRequired' | 'noPanelAccess';

/** A refused login; `code` is a message key of the admin panel's translations. */
export class LoginRefused extends Error {
  constructor(
    readonly code: LoginRefusalCode,
    /** For `loginDelayed`: when the next attempt is accepted. */
    readonly retryAfterSeconds?: number,
  ) {
    super(code);
  }
}

export interface LoginOptions {
  /** Staff may log in for the counter app but not into the admin panel. */
  panel: boolean;
  address?: string;
  /** A solved login challenge (ALTCHA payload); checked only while one is required. */
  proof?: unknown;
}

type Kind = 'pair' | 'account' | 'address';

interface ThrottleKeys {
  pair: string;
  account: string;
  address: string | null;
}

function throttleKeys(email: string, address: string | undefined): ThrottleKeys {
  return { pair: `pair:${email}|${address ?? '-'}`, account: `account:${email}`, address: address ? `ip:${address}` : null };
}

/** The wait after the n-th failure of one account from one address: none, then 1 s, 2 s, 4 s … up to the cap. */
export function pairDelaySeconds(failures: number): number {
  if (failures <= LOGIN_LIMITS.pairFreeFailures) return 0;
  return Math.min(LOGIN_LIMITS.pairMaxDelaySeconds, 2 ** (failures - LOGIN_LIMITS.pairFreeFailures - 1));
}

/** The network of an address (IPv4 /24, IPv6 /48): enough to tell an office from elsewhere, not a person. */
export function addressNetwork(address: string | undefined): string {
  if (!address) return 'unknown';
  const v4 = address.replace(/^::ffff:/i, '');
  if (isIPv4(v4)) return `${v4.split('.').slice(0, 3).join('.')}.0/24`;
  if (!isIPv6(address)) return 'unknown';
  const [head, tail] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  return `${groups
    .slice(0, 3)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/48`;
}

/** Password login with throttling and soft locks, shared by all instances through the database. */
@Injectable()
export class AdminAuthService {
  private readonly logger = new Logger('AdminAuth');
  /** The notice to an account's owner that it was soft-locked. */
  private readonly lockedTemplate;

  constructor(
    private readonly dataSource: DataSource,
    private readonly data: TenantDataService,
    private readonly users: AdminUsersService,
    private readonly clock: Clock,
    private readonly proofs: ProofOfWorkService,
    private readonly audit: AuditService,
    templates: MailTemplateService,
    private readonly outbox: OutboxService,
  ) {
    this.lockedTemplate = templates.template<{ email: string; failures: number; at: Date }>('core/login-locked', {
      channels: ['email'],
      context: ({ email, failures, at }, locale) => ({
        email,
        failures,
        time: DateTime.fromJSDate(at, { zone: TenantContext.current().timeZone })
          .setLocale(locale)
          .toFormat(locale === 'en' ? 'd LLLL yyyy, h:mm a' : "d. LLLL yyyy, HH:mm 'Uhr'"),
      }),
    });
  }

  /**
   * Removes counters whose window has passed and that restrict nothing any more (task
   * core.login-throttle-purge): the keys hold client addresses and typed email addresses, personal
   * data kept only while they count.
   */
  async purgeThrottles(now: Date): Promise<void> {
    const windowStart = LessThan(new Date(now.getTime() - LOGIN_LIMITS.windowMinutes * 60_000));
    await this.throttles().delete({ windowStart, lockedUntil: IsNull() });
    await this.throttles().delete({ windowStart, lockedUntil: LessThanOrEqual(now) });
  }

  /** A challenge for the login proof of work (the panel's login page and the staff API hand it out). */
  loginChallenge(): Promise<ProofChallenge> {
    return this.proofs.challenge(LOGIN_PROOF, { maxNumber: LOGIN_LIMITS.proofMaxNumber });
  }

  async login(emailInput: unknown, passwordInput: unknown, options: LoginOptions): Promise<CurrentAdmin> {
    const email = typeof emailInput === 'string' ? normalizeEmail(emailInput).slice(0, 254) : '';
    const password = typeof passwordInput === 'string' ? passwordInput : '';
    const keys = throttleKeys(email, options.address);
    const now = this.clock.now();
    // Refusals before the password check say nothing about it, and the same for unknown accounts.
    const { delayedUntil, proofRequired } = await this.restrictions(keys, now);
    if (delayedUntil) throw new LoginRefused('loginDelayed', Math.ceil((delayedUntil.getTime() - now.getTime()) / 1000));
    if (proofRequired && (await this.proofs.verify(options.proof, LOGIN_PROOF)) !== 'valid') throw new LoginRefused('proofOfWorkRequired');

    const user = email ? await this.dataSource.getRepository(AdminUser).findOneBy({ email }) : null;
    const ok = await verifyPassword(password, user?.passwordHash ?? null);
    if (!user || !ok || !user.active) {
      this.logger.warn({ msg: 'Failed admin login', email, address: options.address });
      await this.recordFailure(keys, user?.active ? user : null, options.address, now);
      throw new LoginRefused('invalidCredentials');
    }
    await this.throttles().delete({ key: In([keys.pair, keys.account]) });
    const current = await this.users.currentAdmin(user.id);
    if (!current || (options.panel && !canUsePanel(current))) throw new LoginRefused('noPanelAccess');
    await this.dataSource.getRepository(AdminUser).update({ id: user.id }, { lastLoginAt: now });
    return current;
  }

  private throttles(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(LoginThrottle);
  }

  private async restrictions(keys: ThrottleKeys, now: Date): Promise<{ delayedUntil: Date | null; proofRequired: boolean }> {
    const rows = await this.throttles().findBy({ key: In([keys.pair, keys.account, ...(keys.address ? [keys.address] : [])]) });
    const active = (key: string | null) => {
      const until = rows.find((r) => r.key === key)?.lockedUntil;
      return until && until > now ? until : null;
    };
    return { delayedUntil: active(keys.pair), proofRequired: !!(active(keys.account) || active(keys.address)) };
  }

  /** What a count of failures restricts, until when; undefined leaves the restriction as it is. */
  private restrictionEnd(kind: Kind, failures: number, now: Date): Date | undefined {
    if (kind === 'pair') {
      const seconds = pairDelaySeconds(failures);
      return seconds > 0 ? new Date(now.getTime() + seconds * 1000) : undefined;
    }
    return failures >= limitOf(kind) ? new Date(now.getTime() + LOGIN_LIMITS.lockMinutes * 60_000) : undefined;
  }

  /**
   * Counts a failure on every key in one transaction. The step of the account's count onto the
   * limit is seen by exactly one transaction (row lock on MySQL, one writer on SQLite), and that
   * one writes the audit entry and the notice mail into the outbox (installation mail for super-admins).
   */
  private async recordFailure(keys: ThrottleKeys, user: AdminUser | null, address: string | undefined, now: Date): Promise<void> {
    const entries: Array<[Kind, string]> = [
      ['pair', keys.pair],
      ['account', keys.account],
    ];
    if (keys.address) entries.push(['address', keys.address]);
    // The rows exist before the transaction, which then only updates them: no insert races, no gap locks.
    await this.throttles()
      .createQueryBuilder()
      .insert()
      .values(entries.map(([, key]) => ({ key, failures: 0, windowStart: now, lockedUntil: null })))
      .orIgnore()
      .execute();
    const tenant = user?.tenantId ? await this.dataSource.getRepository(Tenant).findOneBy({ id: user.tenantId }) : null;
    const count = async (manager: EntityManager, tx: TenantTx): Promise<boolean> => {
      let locked = false;
      const windowCut = new Date(now.getTime() - LOGIN_LIMITS.windowMinutes * 60_000);
      // Same lock order (pair, account, address) in every transaction: no deadlock between instances.
      for (const [, key] of entries) {
        await this.throttles(manager)
          .createQueryBuilder()
          .update()
          .set({ failures: () => 'CASE WHEN (lockedUntil IS NULL OR lockedUntil <= :now) AND windowStart < :windowCut THEN 1 ELSE failures + 1 END' })
          .where({ key })
          .setParameters({ now, windowCut })
          .execute();
      }
      const rows = await this.throttles(manager).findBy({ key: In(entries.map(([, key]) => key)) });
      for (const [kind, key] of entries) {
        const row = rows.find((r) => r.key === key);
        if (!row) continue; // purged between the insert and this transaction: this failure goes uncounted there
        const lockedUntil = this.restrictionEnd(kind, row.failures, now);
        // A pair's window follows its latest failure, so its waits can grow to the cap.
        const windowStart = kind === 'pair' || row.failures === 1 ? now : undefined;
        if (lockedUntil || windowStart)
          await this.throttles(manager).update({ key }, { ...(lockedUntil ? { lockedUntil } : {}), ...(windowStart ? { windowStart } : {}) });
        if (kind !== 'pair' && row.failures === limitOf(kind)) {
          this.logger.warn({
            msg: kind === 'account' ? 'Login soft-locked after repeated failures' : 'Logins from an address need a proof of work',
            key,
            failures: row.failures,
          });
          if (kind === 'account' && user) await this.lockedNotice(manager, tx, user, row, address, now);
          locked ||= kind === 'account';
        }
      }
      return locked;
    };
    // A super-admin belongs to no tenant: the notice goes out as installation mail.
    await runAsTenant(tenant ? toTenantRef(tenant) : INSTALLATION, async () => {
      await this.data.writeTx((tx) => count(coreManagerOf(tx), tx));
    });
  }

  /** The audit entry of a soft lock and the notice to the account's owner, in the lock's transaction. */
  private async lockedNotice(manager: EntityManager, tx: TenantTx, user: AdminUser, row: LoginThrottle, address: string | undefined, now: Date): Promise<void> {
    await this.audit.write(
      {
        tenantId: user.tenantId,
        actor: { id: null, email: 'system' },
        action: 'login-locked',
        resource: 'AdminUser',
        recordId: user.id,
        changes: { failures: [null, row.failures], network: [null, addressNetwork(address)] },
      },
      manager,
    );
    await this.outbox.notify(tx, this.lockedTemplate, {
      key: `login-locked:${user.id}:${row.windowStart.getTime()}`,
      channel: 'email',
      to: user.email,
      locale: user.locale === 'en' ? 'en' : 'de',
      data: { email: user.email, failures: row.failures, at: now },
    });
  }
}

function limitOf(kind: Exclude<Kind, 'pair'>): number {
  return kind === 'account' ? LOGIN_LIMITS.accountFailures : LOGIN_LIMITS.addressFailures;
}
