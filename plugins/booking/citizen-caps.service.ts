import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { In, LessThanOrEqual, MoreThan } from 'typeorm';
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
   * Reads what counts against the caps of a group of bookings (CapsLedger). Call it first in their
   * transaction: the lock rows of the keys are written before anything is read, so on MySQL/MariaDB
   * concurrent bookings of one citizen wait here for each other, and each one's snapshot (taken at
   * its first plain read, after the locks) sees the holds committed before it. SQLite runs
   * transactions one at a time.
   */
  async load(tx: TenantTx, keys: CapKeys[]): Promise<CapsLedger> {
    const now = this.clock.now();
    const emailKeys = [...new Set(keys.flatMap((k) => (k.emailKey ? [k.emailKey] : [])))];
    const clientKeys = [...new Set(keys.flatMap((k) => (k.clientKey ? [k.clientKey] : [])))];
    // One order for every group (sorted lock keys), so two groups never wait for each other in a circle.
    const lockKeys = [...clientKeys.map((k) => this.hmac(`address|${k}`)), ...emailKeys.map((k) => this.hmac(`email|${k}`))].sort();
    const locks = tx.repo(HoldLock);
    await locks.insertOrUpdate(
      lockKeys.map((key) => locks.create({ key, updatedAt: now })),
      ['updatedAt'],
      ['key'],
    );
    const live = { status: 'pending' as const, holdUntil: MoreThan(now) };
    const mine = emailKeys.length
      ? await tx.repo(Booking).find({
          select: { id: true, citizenEmailKey: true, services: true, status: true },
          where: [
            { citizenEmailKey: In(emailKeys), status: 'confirmed', endAt: MoreThan(now) },
            { citizenEmailKey: In(emailKeys), ...live },
          ],
        })
      : [];
    const fromClients = clientKeys.length
      ? await tx.repo(Booking).find({ select: { id: true, clientKey: true }, where: { clientKey: In(clientKeys), ...live } })
      : [];
    return new CapsLedger(
      mine.map((b) => ({ emailKey: b.citizenEmailKey!, pending: b.status === 'pending', serviceIds: b.services.map((s) => s.serviceId) })),
      fromClients.map((b) => b.clientKey!),
    );
  }

  /** Lock rows are only needed while bookings run; unused ones go after a day (privacy task). */
  async purgeLocks(tx: TenantTx): Promise<number> {
    return tx.repo(HoldLock).delete({ updatedAt: LessThanOrEqual(new Date(this.clock.now().getTime() - 86_400_000)) });
  }

  private hmac(value: string): string {
    return createHmac('sha256', this.secret).update(value).digest('hex');
  }
}

/**
 * What counts against the caps of a group of bookings (CitizenCapsService.load): `check` refuses
 * (429) a booking whose citizen is at a cap, counting the group's earlier bookings that `add` took.
 */
export class CapsLedger {
  constructor(
    private readonly active: Array<{ emailKey: string; pending: boolean; serviceIds: string[] }>,
    private readonly clientHolds: string[],
  ) {}

  check(keys: CapKeys, serviceIds: string[], settings: BookingSettings): DomainError | null {
    if (keys.emailKey) {
      const mine = this.active.filter((b) => b.emailKey === keys.emailKey);
      // Unconfirmed holds first: confirming them is the way out the page can point to.
      if (mine.filter((b) => b.pending).length >= settings.maxPendingPerEmail) {
        return new DomainError(
          'HOLDS_UNCONFIRMED',
          `There are already ${settings.maxPendingPerEmail} unconfirmed bookings for this email address. Please confirm them first with the link in the mail we sent you, or wait until they lapse.`,
        );
      }
      for (const id of serviceIds) {
        if (mine.filter((b) => b.serviceIds.includes(id)).length >= settings.maxActivePerEmailAndService) {
          return new DomainError(
            'CAP_REACHED',
            `You already have ${settings.maxActivePerEmailAndService} open appointments for this service. Please cancel one first.`,
          );
        }
      }
    }
    if (keys.clientKey && this.clientHolds.filter((k) => k === keys.clientKey).length >= settings.maxPendingPerAddress) {
      return new DomainError(
        'HOLDS_UNCONFIRMED',
        'Too many unconfirmed bookings from your network. Please confirm your bookings first with the link in the mail we sent you, or wait until they lapse.',
      );
    }
    return null;
  }

  /** A pending booking of the group that got its units. */
  add(keys: CapKeys, serviceIds: string[]): void {
    if (keys.emailKey) this.active.push({ emailKey: keys.emailKey, pending: true, serviceIds });
    if (keys.clientKey) this.clientHolds.push(keys.clientKey);
  }
}
