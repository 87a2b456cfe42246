import { createHmac } from 'node:crypto';
import { BadRequestException, HttpException, HttpStatus, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { createChallenge, extractParams, verifySolution } from 'altcha-lib/v1';
import { MoreThan } from 'typeorm';
import { Clock } from '../../apps/server/src/common/clock.js';
import { ENV, type Env } from '../../apps/server/src/config/env.config.js';
import { SharedLimitsService } from '../../apps/server/src/limits/shared-limits.service.js';
import { PluginHostService } from '../../apps/server/src/plugin-host/plugin-host.service.js';
import { TenantContext } from '../../apps/server/src/tenancy/tenant-context.js';
import { TenantDataService } from '../../apps/server/src/tenancy/tenant-data.service.js';
import type { BookingSettings } from './booking.settings.js';
import { Booking } from './entities/booking.entity.js';

const CHALLENGE_TTL_MS = 20 * 60_000;
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
    private readonly host: PluginHostService,
    private readonly data: TenantDataService,
  ) {}

  get enabled(): boolean {
    return this.env.BOT_PROTECTION;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) {
      this.logger.warn(
        '!!! BOT_PROTECTION=off: captcha and rate limits are OFF for every tenant. Use this only for load tests and local development. !!!',
      );
    }
  }

  private hmacKey(): string {
    return createHmac('sha256', this.env.SESSION_SECRET).update('altcha').digest('hex');
  }

  /**
   * A fresh ALTCHA challenge for the widget, bound to the tenant. Its difficulty is the tenant's
   * setting, raised while the tenant has more live holds than its rush threshold (a 9:00 rush
   * then costs a script more); the difficulty is not signed, so a solved earlier challenge stays valid.
   */
  async challenge(): Promise<Record<string, unknown>> {
    const tenant = TenantContext.current();
    const settings = await this.host.settings<BookingSettings>('booking');
    const rush = (await this.liveHoldCount()) > settings.rushPendingThreshold;
    return createChallenge({
      hmacKey: this.hmacKey(),
      maxNumber: settings.captchaDifficulty * (rush ? settings.rushDifficultyFactor : 1),
      expires: new Date(this.clock.now().getTime() + CHALLENGE_TTL_MS),
      params: { tenant: tenant.slug },
    }) as unknown as Record<string, unknown>;
  }

  /** Throws unless the request may go on: rate limit, then the captcha when the tenant wants it. */
  async check(settings: BookingSettings, ip: string | undefined, altcha: string | undefined): Promise<void> {
    if (!this.enabled) return;
    if (!(await this.limits.hit(`booking-attempt|${TenantContext.current().id}|${ip ?? '-'}`, settings.rateLimitPerMinute, 60))) {
      throw new HttpException({ statusCode: 429, error: 'Too Many Requests', message: 'Too many booking attempts. Please wait a minute.' }, HttpStatus.TOO_MANY_REQUESTS);
    }
    if (!settings.captcha) return;
    if (!altcha) throw new BadRequestException('Please solve the spam protection (ALTCHA) first.');
    let payload: { salt?: string; signature?: string };
    try {
      payload = JSON.parse(Buffer.from(altcha, 'base64').toString('utf8'));
    } catch {
      throw new BadRequestException('The spam protection answer is malformed.');
    }
    // Expiry is checked against our clock, not the library's Date.now(), like every other deadline.
    const ok = await verifySolution(altcha, this.hmacKey(), false).catch(() => false);
    const params: Record<string, string> = ok ? extractParams(payload as never) : {};
    const expiresMs = Number(params.expires) * 1000;
    if (!ok || params.tenant !== TenantContext.current().slug || !(expiresMs > this.clock.now().getTime())) throw new BadRequestException('The spam protection answer is not valid. Please try again.');
    // One solution books once: remembered until its challenge has expired for certain.
    const spentUntil = new Date(this.clock.now().getTime() + CHALLENGE_TTL_MS);
    if (!(await this.limits.spend(`altcha|${payload.signature}`, spentUntil))) {
      throw new BadRequestException('This spam protection answer was used already. Please try again.');
    }
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
