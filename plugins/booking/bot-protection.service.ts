import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { MoreThan } from 'typeorm';
import { Clock } from '../../apps/server/src/common/clock.js';
import { DomainError } from '../../apps/server/src/common/domain-error.js';
import { ENV, type Env } from '../../apps/server/src/config/env.config.js';
import { ProofOfWorkService, type ProofChallenge, type ProofCheck } from '../../apps/server/src/limits/proof-of-work.service.js';
import { SharedLimitsService } from '../../apps/server/src/limits/shared-limits.service.js';
import { PluginHostService } from '../../apps/server/src/plugin-host/plugin-host.service.js';
import { TenantContext } from '../../apps/server/src/tenancy/tenant-context.js';
import { TenantDataService } from '../../apps/server/src/tenancy/tenant-data.service.js';
import type { BookingSettings } from './booking.settings.js';
import { Booking } from './entities/booking.entity.js';
import { bookingManifest } from './booking.manifest.js';

/** How long one instance reuses a tenant's count of live holds for the captcha difficulty. */
const RUSH_COUNT_TTL_MS = 5_000;

/**
 * Bot defence without a third party: a per-IP rate limit and a self-hosted ALTCHA proof-of-work
 * captcha, each switched per tenant; BOT_PROTECTION=off turns both off for the whole server (load
 * tests, development). Both are counted in the database, so they hold across server instances.
 * Per-citizen caps live in BookingService.
 */
@Injectable()
export class BotProtectionService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Booking');
  private readonly liveHolds = new Map<string, { until: number; count: Promise<number> }>();

  constructor(
    @Inject(ENV) private readonly env: Env,
    private readonly clock: Clock,
    private readonly limits: SharedLimitsService,
    private readonly proofs: ProofOfWorkService,
    private readonly host: PluginHostService,
    private readonly data: TenantDataService,
  ) {}

  get enabled(): boolean {
    return this.env.BOT_PROTECTION;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) {
      this.logger.warn('!!! BOT_PROTECTION=off: captcha and rate limits are OFF for every tenant. Use this only for load tests and local development. !!!');
    }
  }

  /**
   * A fresh ALTCHA challenge for the widget, bound to the tenant. Its difficulty is the tenant's
   * setting, raised while the tenant has more live holds than its rush threshold (a 9:00 rush
   * then costs a script more); the difficulty is not signed, so a solved earlier challenge stays valid.
   */
  async challenge(): Promise<ProofChallenge> {
    const settings = await this.host.settings(bookingManifest);
    const rush = (await this.liveHoldCount()) > settings.rushPendingThreshold;
    return this.proofs.challenge(binding(), { maxNumber: settings.captchaDifficulty * (rush ? settings.rushDifficultyFactor : 1) });
  }

  /** Throws unless the request may go on: rate limit, then the captcha when the tenant wants it. */
  async check(settings: BookingSettings, ip: string | undefined, altcha: string | undefined): Promise<void> {
    if (!this.enabled) return;
    if (!(await this.limits.hit(`booking-attempt|${TenantContext.current().id}|${ip ?? '-'}`, settings.rateLimitPerMinute, 60))) {
      throw new DomainError('RATE_LIMITED', 'Too many booking attempts. Please wait a minute.');
    }
    if (!settings.captcha) return;
    const check = await this.proofs.verify(altcha, binding());
    if (check !== 'valid') throw new DomainError(check === 'missing' ? 'CAPTCHA_REQUIRED' : 'CAPTCHA_INVALID', REFUSALS[check]);
  }

  /** The tenant's unconfirmed holds that have not lapsed, counted at most every 5 s per instance. */
  private liveHoldCount(): Promise<number> {
    const tenantId = TenantContext.current().id;
    const now = this.clock.now();
    const cached = this.liveHolds.get(tenantId);
    if (cached && cached.until > now.getTime()) return cached.count;
    const count = this.data.repo(Booking).count({ where: { status: 'pending', holdUntil: MoreThan(now) } });
    this.liveHolds.set(tenantId, { until: now.getTime() + RUSH_COUNT_TTL_MS, count });
    // A failed count is not cached.
    count.catch(() => this.liveHolds.get(tenantId)?.count === count && this.liveHolds.delete(tenantId));
    return count;
  }
}

/** A booking's proof of work is bound to its municipality. */
function binding(): Record<string, string> {
  return { tenant: TenantContext.current().slug };
}

const REFUSALS: Record<Exclude<ProofCheck, 'valid'>, string> = {
  missing: 'Please solve the spam protection (ALTCHA) first.',
  malformed: 'The spam protection answer is malformed.',
  invalid: 'The spam protection answer is not valid. Please try again.',
  expired: 'The spam protection answer is not valid. Please try again.',
  spent: 'This spam protection answer was used already. Please try again.',
};
