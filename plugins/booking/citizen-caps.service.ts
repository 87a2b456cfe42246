import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { LessThanOrEqual, MoreThan } from 'typeorm';
import { Clock } from '../../apps/server/src/common/clock.js';
import { DomainError } from '../../apps/server/src/common/domain-error.js';
import { ENV, type Env } from '../../apps/server/src/config/env.config.js';
import type { TenantTx } from '../../apps/server/src/tenancy/tenant-data.service.js';
import type { BookingSettings } from './booking.settings.js';
import { BotProtectionService } from './bot-protection.service.js';
import { emailKey, subscriberOf } from './citizen-keys.js';
import { Booking } from './entities/booking.entity.js';
import { HoldLock } from './entities/hold-lock.entity.js';

/** What a citizen's booking is capped by; null where that cap does not apply. */
export interface CapKeys {
  emailKey: string | null;
  /** HMAC of the client address's subscriber (IPv6 /64). */
  clientKey: string | null;
}

/**
 * Per-citizen caps of online bookings: active appointments per mailbox and service, unconfirmed
 * holds per mailbox and per client address. A script can solve captchas, but it cannot keep more
 * than a few slots on hold from one address without confirming the mails.
 */
@Injectable()
export class CitizenCapsService {
  private readonly secret: Buffer;

  constructor(
    @Inject(ENV) env: Env,
    private readonly clock: Clock,
    private readonly bots: BotProtectionService,
  ) {
    this.secret = createHmac('sha256', env.SESSION_SECRET).update('booking-citizen-caps').digest();
  }

  /**
   * The keys of a booking. The address counts only with bot protection on, like the rate limit
   * (load tests come from one address); it is kept only as an HMAC, never the address itself.
   */
  keysFor(email: string | null, ip: string | undefined): CapKeys {
    return {
      emailKey: email ? emailKey(email) : null,
      clientKey: this.bots.enabled && ip ? this.hmac(`address|${subscriberOf(ip)}`) : null,
    };
  }

  /**
   * Refuses (429) a citizen who is at a cap. Call it first in the booking's transaction: the lock
   * rows of the keys are written before anything is read, so on MySQL/MariaDB concurrent bookings
   * of one client wait here for each other, and each one's snapshot (taken at its first plain
   * read, after the locks) sees the holds committed before it. SQLite runs transactions one at a time.
   */
  async enforce(tx: TenantTx, keys: CapKeys, serviceIds: string[], settings: BookingSettings): Promise<void> {
    const now = this.clock.now();
    const locks = tx.repo(HoldLock);
    // Always address before mailbox, so two bookings never wait for each other in a circle.
    for (const key of [keys.clientKey && `address|${keys.clientKey}`, keys.emailKey && `email|${keys.emailKey}`]) {
      if (key) await locks.insertOrUpdate(locks.create({ key: this.hmac(key), updatedAt: now }), ['updatedAt'], ['key']);
    }
    const live = { status: 'pending' as const, holdUntil: MoreThan(now) };
    if (keys.emailKey) {
      const mine = await tx.repo(Booking).find({
        select: { id: true, services: true, status: true },
        where: [
          { citizenEmailKey: keys.emailKey, status: 'confirmed', endAt: MoreThan(now) },
          { citizenEmailKey: keys.emailKey, ...live },
        ],
      });
      // Unconfirmed holds first: confirming them is the way out the page can point to.
      if (mine.filter((b) => b.status === 'pending').length >= settings.maxPendingPerEmail) {
        throw new DomainError(
          'HOLDS_UNCONFIRMED',
          `There are already ${settings.maxPendingPerEmail} unconfirmed bookings for this email address. Please confirm them first with the link in the mail we sent you, or wait until they lapse.`,
        );
      }
      for (const id of serviceIds) {
        if (mine.filter((b) => b.services.some((s) => s.serviceId === id)).length >= settings.maxActivePerEmailAndService) {
          throw new DomainError(
            'CAP_REACHED',
            `You already have ${settings.maxActivePerEmailAndService} open appointments for this service. Please cancel one first.`,
          );
        }
      }
    }
    if (keys.clientKey && (await tx.repo(Booking).count({ where: { clientKey: keys.clientKey, ...live } })) >= settings.maxPendingPerAddress) {
      throw new DomainError(
        'HOLDS_UNCONFIRMED',
        'Too many unconfirmed bookings from your network. Please confirm your bookings first with the link in the mail we sent you, or wait until they lapse.',
      );
    }
  }

  /** Lock rows are only needed while bookings run; unused ones go after a day (privacy task). */
  async purgeLocks(tx: TenantTx): Promise<number> {
    return tx.repo(HoldLock).delete({ updatedAt: LessThanOrEqual(new Date(this.clock.now().getTime() - 86_400_000)) });
  }

  private hmac(value: string): string {
    return createHmac('sha256', this.secret).update(value).digest('hex');
  }
}
