import { createHash, randomUUID } from 'node:crypto';
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { In, IsNull, LessThanOrEqual } from 'typeorm';
import { CatalogService } from '../../apps/server/src/catalog/catalog.service.js';
import { Clock } from '../../apps/server/src/common/clock.js';
import { DomainError } from '../../apps/server/src/common/domain-error.js';
import { addDays, localDate, minutesOf, toLocalIso } from '../../apps/server/src/common/local-time.js';
import { isUniqueViolation } from '../../apps/server/src/database/db-errors.js';
import { PURGED_CONTACT } from '../../apps/server/src/notifications/citizen-contact.embeddable.js';
import { OutboxService } from '../../apps/server/src/notifications/outbox.service.js';
import { citizenPhone } from '../../apps/server/src/notifications/phone-number.js';
import { PluginHostService } from '../../apps/server/src/plugin-host/plugin-host.service.js';
import { TenantContext } from '../../apps/server/src/tenancy/tenant-context.js';
import { TenantDataService } from '../../apps/server/src/tenancy/tenant-data.service.js';
import { AgentCapacityService, CapacityService, resolveRequest } from '../booking/booking.api.js';
import { TerminagentOffer } from './entities/offer.entity.js';
import { TerminagentProposal } from './entities/proposal.entity.js';
import { OPEN_WISH, TerminagentWish, type WishedService, type WishStatus, type WishWindow } from './entities/wish.entity.js';
import { newSecret, sameSecret } from './secret.js';
import { TerminagentMailService } from './terminagent-mail.service.js';
import { bookingManifest } from '../booking/booking.manifest.js';
import { terminagentManifest } from './terminagent.manifest.js';

export interface CreateWishInput {
  services: WishedService[];
  locationIds: string[];
  windows: WishWindow[];
  earliestDate: string;
  latestDate: string;
  citizen: { name: string; email: string; phone?: string; sms?: boolean };
  consent: true;
  locale: 'de' | 'en';
}

export interface WishView {
  id: string;
  status: WishStatus;
  locale: 'de' | 'en';
  services: Array<WishedService & { name: string; nameEn: string | null }>;
  locations: Array<{ id: string; name: string }>;
  windows: WishWindow[];
  earliestDate: string;
  latestDate: string;
  /** Tenant-local ISO 8601; null until confirmed. */
  queuedAt: string | null;
  expiresAt: string;
  /** The open offer, while there is one. */
  offerId: string | null;
}

const NOT_FOUND = 'Wish not found, or the link is not valid.';
/** An unconfirmed wish lapses after a day; its confirm link stops working. */
export const CONFIRM_WITHIN_HOURS = 24;
export const DUPLICATE = 'You are already on the waiting list for these services. Registering again does not move you up; your place is kept.';
const DUPLICATE_UNCONFIRMED = 'You have already registered this wish. Please confirm it through the link in the email we sent you.';

/**
 * Wishes from registration to their end: double opt-in (the queue place is the confirmation
 * time), one open wish per email address and services, withdrawal, lapse after the lifetime, and
 * removal of personal data once a wish has ended.
 */
@Injectable()
export class WishService {
  constructor(
    private readonly data: TenantDataService,
    private readonly clock: Clock,
    private readonly host: PluginHostService,
    private readonly catalog: CatalogService,
    private readonly outbox: OutboxService,
    private readonly mails: TerminagentMailService,
    private readonly agent: AgentCapacityService,
    private readonly capacity: CapacityService,
  ) {}

  async create(input: CreateWishInput): Promise<WishView & { token: string }> {
    if (input.consent !== true) throw new DomainError('CONSENT_REQUIRED', 'Please agree to the privacy notice.');
    const tenant = TenantContext.current();
    const settings = await this.host.settings(terminagentManifest);
    const bookingSettings = await this.host.settings(bookingManifest);
    const resolved = await resolveRequest(this.catalog, input.services, bookingSettings, 'online');
    const locationIds = [...new Set(input.locationIds)];
    if (locationIds.length === 0) throw new BadRequestException('Choose at least one location.');
    if (locationIds.some((id) => !resolved.locationIds.includes(id))) {
      throw new BadRequestException('Every chosen location must offer all of the chosen services.');
    }
    const windows = checkWindows(input.windows);
    const today = localDate(this.clock.now(), tenant.timeZone);
    if (input.earliestDate > input.latestDate) throw new BadRequestException('The earliest date must not be after the latest date.');
    if (input.latestDate <= today) throw new BadRequestException('The latest date must be in the future.');
    if (input.earliestDate > addDays(today, settings.wishLifetimeDays)) {
      throw new BadRequestException(`The earliest date can be at most ${settings.wishLifetimeDays} days ahead.`);
    }
    const email = input.citizen.email.trim().toLowerCase();
    const phone = citizenPhone(input.citizen);
    const services = resolved.services.map((s) => ({ serviceId: s.service.id, quantity: s.quantity }));
    const dedupeKey = wishKey(email, services);
    const earlier = await this.data.repo(TerminagentWish).findOne({ select: { id: true, status: true }, where: { dedupeKey, status: In(OPEN_WISH) } });
    if (earlier)
      throw earlier.status === 'unconfirmed'
        ? new DomainError('WISH_DUPLICATE_UNCONFIRMED', DUPLICATE_UNCONFIRMED)
        : new DomainError('WISH_DUPLICATE', DUPLICATE);

    const now = this.clock.now();
    const wish = this.data.repo(TerminagentWish).create({
      id: randomUUID(),
      status: 'unconfirmed',
      token: newSecret(),
      services,
      minutes: resolved.minutes,
      locationIds,
      windows,
      earliestDate: input.earliestDate < today ? today : input.earliestDate,
      latestDate: input.latestDate,
      openKey: null,
      dedupeKey,
      queuedMs: null,
      firstOfferedMs: null,
      registeredAt: now,
      expiresAt: new Date(now.getTime() + settings.wishLifetimeDays * 86_400_000),
      endedAt: null,
      citizen: { name: input.citizen.name.trim(), email, phone, locale: input.locale, smsConsent: phone !== null && input.citizen.sms === true },
      anonymizedAt: null,
    });
    const view = await this.view(wish, null);
    await this.data.transaction(async (tx) => {
      await tx.repo(TerminagentWish).save(wish);
      await this.outbox.notify(tx, this.mails.wishConfirm, {
        key: `terminagent:wish:${wish.id}:confirm`,
        channel: 'email',
        to: email,
        locale: wish.citizen.locale,
        data: {
          name: wish.citizen.name,
          wishId: wish.id,
          token: wish.token,
          services: this.labels(view, wish.citizen.locale),
          locations: view.locations.map((l) => l.name),
          windows: wish.windows,
          earliestDate: wish.earliestDate,
          latestDate: wish.latestDate,
          expiresAt: wish.expiresAt,
        },
      });
    });
    return { ...view, token: wish.token };
  }

  async get(id: string, token: string): Promise<WishView> {
    const wish = await this.find(id, token);
    return this.view(wish, await this.openOfferId(wish));
  }

  /** Puts the wish into the queue; its place is this moment. Repeating it changes nothing. */
  async confirm(id: string, token: string): Promise<WishView> {
    const wish = await this.find(id, token);
    if (wish.status === 'waiting' || wish.status === 'offered' || wish.status === 'booked') return this.view(wish, await this.openOfferId(wish));
    if (wish.status !== 'unconfirmed') throw new DomainError('WISH_CLOSED', endedMessage(wish.status));
    const now = this.clock.now();
    if (wish.registeredAt.getTime() + CONFIRM_WITHIN_HOURS * 3_600_000 <= now.getTime()) {
      throw new DomainError('WISH_LINK_LAPSED', 'The confirmation link has lapsed. Please register your wish again.');
    }
    try {
      const changed = await this.data.transaction((tx) =>
        tx.repo(TerminagentWish).update({ id: wish.id, status: 'unconfirmed' }, { status: 'waiting', openKey: wish.dedupeKey, queuedMs: now.getTime() }),
      );
      if (changed !== 1) return this.get(id, token);
    } catch (err) {
      if (isUniqueViolation(err)) throw new DomainError('WISH_DUPLICATE', DUPLICATE);
      throw err;
    }
    return this.view({ ...wish, status: 'waiting', queuedMs: now.getTime() } as TerminagentWish, null);
  }

  /** Ends the wish at the citizen's request; an open offer's held times go back to the agent pool. */
  async withdraw(id: string, token: string): Promise<WishView> {
    const wish = await this.find(id, token);
    if (wish.status === 'withdrawn') return this.view(wish, null);
    if (!OPEN_WISH.includes(wish.status)) throw new DomainError('WISH_CLOSED', endedMessage(wish.status));
    const now = this.clock.now();
    await this.data.writeTx(async (tx) => {
      const changed = await tx.repo(TerminagentWish).update({ id: wish.id, status: wish.status }, { status: 'withdrawn', openKey: null, endedAt: now });
      if (changed !== 1) throw new DomainError('WISH_CHANGED', 'The wish changed meanwhile. Please reload.');
      const offers = await tx.repo(TerminagentOffer).findBy({ wishId: wish.id, status: 'open' });
      for (const offer of offers) {
        if ((await tx.repo(TerminagentOffer).update({ id: offer.id, status: 'open' }, { status: 'withdrawn', decidedAt: now })) !== 1) continue;
        const proposals = await tx.repo(TerminagentProposal).findBy({ offerId: offer.id });
        await this.agent.releaseMany(
          tx,
          proposals.map((p) => p.id),
        );
      }
    });
    return this.view({ ...wish, status: 'withdrawn' } as TerminagentWish, null);
  }

  /** Waiting wishes past their lifetime end; unconfirmed ones lapse after a day. */
  async lapseDue(limit = 1000): Promise<number> {
    const now = this.clock.now();
    const repo = this.data.repo(TerminagentWish);
    const due = await repo.find({ select: { id: true }, where: { status: 'waiting', expiresAt: LessThanOrEqual(now) }, take: limit });
    const stale = await repo.find({
      select: { id: true },
      where: { status: 'unconfirmed', registeredAt: LessThanOrEqual(new Date(now.getTime() - CONFIRM_WITHIN_HOURS * 3_600_000)) },
      take: limit,
    });
    let ended = 0;
    await this.data.transaction(async (tx) => {
      if (due.length)
        ended += await tx.repo(TerminagentWish).update({ id: In(due.map((w) => w.id)), status: 'waiting' }, { status: 'expired', openKey: null, endedAt: now });
      if (stale.length)
        ended += await tx.repo(TerminagentWish).update({ id: In(stale.map((w) => w.id)), status: 'unconfirmed' }, { status: 'expired', endedAt: now });
    });
    return ended;
  }

  /**
   * Privacy: a wish's contact data goes `retentionDays` after it ended (the status page keeps
   * working until then). What stays (services, locations, times) feeds the figures.
   */
  async applyRetention(retentionDays: number): Promise<number> {
    const now = this.clock.now();
    const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
    const repo = this.data.repo(TerminagentWish);
    const ended = await repo.find({ select: { id: true }, where: { endedAt: LessThanOrEqual(cutoff), anonymizedAt: IsNull() } });
    let done = 0;
    for (let i = 0; i < ended.length; i += 500) {
      const ids = ended.slice(i, i + 500).map((w) => w.id);
      done += await this.data.transaction((tx) =>
        tx.repo(TerminagentWish).update({ id: In(ids) }, { citizen: PURGED_CONTACT, dedupeKey: '', anonymizedAt: now }),
      );
    }
    return done;
  }

  async view(wish: TerminagentWish, offerId: string | null): Promise<WishView> {
    const zone = TenantContext.current().timeZone;
    const [services, locations] = await Promise.all([this.catalog.services(), this.catalog.locations()]);
    return {
      id: wish.id,
      status: wish.status,
      locale: wish.citizen.locale,
      services: wish.services.map((s) => {
        const found = services.find((x) => x.id === s.serviceId);
        return { ...s, name: found?.name ?? '—', nameEn: found?.nameEn ?? null };
      }),
      locations: wish.locationIds.map((id) => ({ id, name: locations.find((l) => l.id === id)?.name ?? '—' })),
      windows: wish.windows,
      earliestDate: wish.earliestDate,
      latestDate: wish.latestDate,
      queuedAt: wish.queuedMs ? toLocalIso(new Date(wish.queuedMs), zone) : null,
      expiresAt: toLocalIso(wish.expiresAt, zone),
      offerId,
    };
  }

  labels(view: WishView, locale: 'de' | 'en'): Array<{ name: string; quantity: number }> {
    return view.services.map((s) => ({ name: locale === 'en' ? (s.nameEn ?? s.name) : s.name, quantity: s.quantity }));
  }

  /** A wish by id and secret; a wrong secret looks exactly like an unknown id. */
  async find(id: string, token: string): Promise<TerminagentWish> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 64) throw new NotFoundException(NOT_FOUND);
    const wish = await this.data.repo(TerminagentWish).findById(id);
    if (!wish || !sameSecret(wish.token, token)) throw new NotFoundException(NOT_FOUND);
    return wish;
  }

  private async openOfferId(wish: TerminagentWish): Promise<string | null> {
    if (wish.status !== 'offered') return null;
    return (await this.data.repo(TerminagentOffer).findOne({ select: { id: true }, where: { wishId: wish.id, status: 'open' } }))?.id ?? null;
  }
}

export function wishKey(email: string, services: WishedService[]): string {
  const ids = services.map((s) => s.serviceId).sort();
  return createHash('sha256')
    .update(`${email}|${ids.join(',')}`)
    .digest('hex');
}

export function endedMessage(status: WishStatus): string {
  switch (status) {
    case 'booked':
      return 'This wish has already led to an appointment.';
    case 'withdrawn':
      return 'This wish was withdrawn.';
    case 'expired':
      return 'This wish has lapsed. Please register again if you still need an appointment.';
    default:
      return 'This wish is closed. Please register again if you still need an appointment.';
  }
}

function checkWindows(windows: WishWindow[]): WishWindow[] {
  if (windows.length === 0) throw new BadRequestException('Choose at least one weekday.');
  for (const w of windows) {
    if (minutesOf(w.from) >= minutesOf(w.to)) throw new BadRequestException('Each time window must end after it starts.');
  }
  return [...windows].sort((a, b) => a.weekday - b.weekday || a.from.localeCompare(b.from));
}
