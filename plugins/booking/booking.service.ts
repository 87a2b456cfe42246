import { randomUUID, timingSafeEqual } from 'node:crypto';
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { In, IsNull, LessThanOrEqual } from 'typeorm';
import { CatalogService } from '../../apps/server/src/catalog/catalog.service.js';
import { Clock } from '../../apps/server/src/common/clock.js';
import { DomainError } from '../../apps/server/src/common/domain-error.js';
import { parseOffsetInstant, toLocalIso } from '../../apps/server/src/common/local-time.js';
import { isUniqueViolation } from '../../apps/server/src/database/db-errors.js';
import { EventBusService } from '../../apps/server/src/events/event-bus.service.js';
import { IdempotencyService, parseIdempotencyKey, type IdempotencyClaim } from '../../apps/server/src/idempotency/idempotency.service.js';
import { PURGED_CONTACT } from '../../apps/server/src/notifications/citizen-contact.embeddable.js';
import { citizenPhone } from '../../apps/server/src/notifications/phone-number.js';
import { PluginHostService } from '../../apps/server/src/plugin-host/plugin-host.service.js';
import { TenantContext } from '../../apps/server/src/tenancy/tenant-context.js';
import { TenantDataService, type TenantTx } from '../../apps/server/src/tenancy/tenant-data.service.js';
import { assertLocationOffers, resolveRequest, type ResolvedRequest } from './booking-request.js';
import { BookingMailService } from './booking-mail.service.js';
import { bookingEventBase } from './booking.events.js';
import type { BookingSettings } from './booking.settings.js';
import type { BookingView, CreateBookingInput } from './booking.types.js';
import { BotProtectionService } from './bot-protection.service.js';
import { CapacityService, type PrecheckedSlots, CHANNEL_FALLBACK, type Channel } from './capacity.service.js';
import { BookingWriterService } from './booking-writer.service.js';
import { CitizenCapsService, type CapKeys } from './citizen-caps.service.js';
import { Booking } from './entities/booking.entity.js';
import { MAX_HORIZON_DAYS, ReleaseService } from './release.service.js';
import { newReference } from './booking-reference.js';
import { bookingManifest } from './booking.manifest.js';
import { newCheckInCode } from './check-in-code.js';
import { randomToken } from '../../apps/server/src/common/random-token.js';

export type { BookingView, CreateBookingInput };

export type TrustedBookingInput = Omit<CreateBookingInput, 'channel' | 'citizen' | 'altcha' | 'ip'> & {
  citizen: { name: string; email?: string; phone?: string; sms?: boolean };
  /** Who books (the staff user, the kiosk device): an Idempotency-Key is bound to them. */
  actorId?: string;
};

const NOT_FOUND = 'Booking not found, or the link is not valid.';
// No 0/O, 1/I/L: the reference is read out on the phone and typed at the kiosk.

/**
 * Bookings with double opt-in: create holds capacity as 'pending' and mails the confirm link;
 * confirm makes it binding and mails everything for the visit; cancel and rebook move capacity.
 * Each change and the mail it causes are written in one transaction (outbox).
 */
@Injectable()
export class BookingService {
  constructor(
    private readonly data: TenantDataService,
    private readonly clock: Clock,
    private readonly host: PluginHostService,
    private readonly capacity: CapacityService,
    private readonly release: ReleaseService,
    private readonly catalog: CatalogService,
    private readonly mails: BookingMailService,
    private readonly bots: BotProtectionService,
    private readonly caps: CitizenCapsService,
    private readonly writer: BookingWriterService,
    private readonly idempotency: IdempotencyService,
    private readonly events: EventBusService,
  ) {}

  /** An online (or kiosk) booking: a pending hold until the citizen confirms by mail. */
  async create(input: CreateBookingInput): Promise<BookingView & { token: string }> {
    return this.book(input, false);
  }

  /**
   * A back-office booking on behalf of a caller (channel phone): binding at once, since staff
   * spoke to the person; the confirmation mail goes out when an address was given.
   */
  async createByStaff(input: TrustedBookingInput): Promise<BookingView & { token: string }> {
    return this.createTrusted('phone', input);
  }

  /**
   * A booking made where the person is known to be present: by staff (phone) or at an
   * authenticated kiosk (kiosk share first, then online). No captcha, caps or double opt-in.
   */
  async createTrusted(channel: 'phone' | 'kiosk', input: TrustedBookingInput): Promise<BookingView & { token: string }> {
    return this.book({ ...input, channel, citizen: { ...input.citizen, email: input.citizen.email ?? '' } }, true);
  }

  private async book(input: CreateBookingInput & { actorId?: string }, byStaff: boolean): Promise<BookingView & { token: string }> {
    const settings = await this.host.settings(bookingManifest);
    const key = parseIdempotencyKey(input.idempotencyKey);
    // The key is bound to what the request asks for and who asks; the captcha answer is proof, not request.
    const request = key
      ? {
          scope: 'booking.create',
          key,
          fingerprint: {
            channel: input.channel,
            actor: input.actorId ?? null,
            services: input.services,
            locationId: input.locationId,
            start: input.start,
            citizen: input.citizen,
            consent: input.consent,
            locale: input.locale,
          },
        }
      : null;
    // Taken first, so a double submit cannot race past it; only a true replay skips bot defence.
    const begun = request ? await this.idempotency.begin<BookingView & { token: string }>(request) : null;
    if (begun?.kind === 'replay') return begun.response;
    const claim = begun?.kind === 'claimed' ? begun.claim : null;
    try {
      if (!byStaff) await this.bots.check(settings, input.ip, input.altcha);
      if (begun?.kind === 'mismatch') throw begun.error;
      if (input.consent !== true) throw new DomainError('CONSENT_REQUIRED', 'Please agree to the privacy notice.');
      const resolved = await resolveRequest(this.catalog, input.services, settings, input.channel);
      assertLocationOffers(resolved, input.locationId);
      const start = this.parseStart(input.start, input.channel === 'online' ? settings.minLeadMinutes : 0);
      const email = input.citizen.email.trim().toLowerCase() || null;
      const phone = citizenPhone(input.citizen);
      const channels = CHANNEL_FALLBACK[input.channel];
      // In a rush most requests find the time gone: tell them before any further query or rendering.
      const slots = await this.capacity.precheck({ locationId: input.locationId, start, minutes: resolved.minutes, channels });
      // Trusted bookings carry no client address; their mailbox key counts against later online bookings.
      return await this.insert(input, byStaff, settings, { resolved, start, slots, email, phone, channels, keys: this.caps.keysFor(email, input.ip), claim });
    } catch (err) {
      // A request that failed frees its key, so the client may retry with it.
      if (claim) await this.idempotency.release(claim);
      throw err;
    }
  }

  private async insert(
    input: CreateBookingInput,
    byStaff: boolean,
    settings: BookingSettings,
    {
      resolved,
      start,
      slots,
      email,
      phone,
      channels,
      keys,
      claim,
    }: {
      resolved: ResolvedRequest;
      start: Date;
      slots: PrecheckedSlots;
      email: string | null;
      phone: string | null;
      channels: Channel[];
      keys: CapKeys;
      claim: IdempotencyClaim | null;
    },
  ): Promise<BookingView & { token: string }> {
    const now = this.clock.now();
    for (let attempt = 0; ; attempt++) {
      const booking = this.data.repo(Booking).create({
        id: randomUUID(),
        reference: newReference(),
        token: randomToken(24),
        status: byStaff ? 'confirmed' : 'pending',
        channel: input.channel,
        locationId: input.locationId,
        startAt: start,
        // Slots may be longer than the services need; the booking ends where its last slot ends.
        endAt: slots.end,
        minutes: resolved.minutes,
        services: resolved.services.map((s) => ({ serviceId: s.service.id, quantity: s.quantity })),
        holdUntil: byStaff ? null : new Date(now.getTime() + settings.holdMinutes * 60_000),
        confirmedAt: byStaff ? now : null,
        cancelledAt: null,
        revision: byStaff ? 1 : 0,
        citizen: { name: input.citizen.name.trim(), email, phone, locale: input.locale, smsConsent: phone !== null && input.citizen.sms === true },
        ...newCheckInCode(start, TenantContext.current().timeZone),
        citizenEmailKey: keys.emailKey,
        clientKey: keys.clientKey,
        anonymizedAt: null,
      });
      const kind = byStaff ? 'confirmation' : 'receipt';
      const view = await this.view(booking);
      try {
        await this.writer.write({
          hold: { locationId: booking.locationId, start, minutes: booking.minutes, channels, ownerId: booking.id },
          slots,
          caps: byStaff ? null : { keys, serviceIds: resolved.services.map((s) => s.service.id), settings },
          rows: async (tx) => {
            await tx.repo(Booking).insert([booking]);
            const written = await this.mails.notify(tx, kind, booking, { view, token: booking.token });
            // The key's answer commits with the booking, so a committed booking never leaves its key free.
            if (claim) await this.idempotency.complete(tx, claim, { ...view, token: booking.token });
            await this.events.publish(tx, 'booking.created', {
              ...bookingEventBase(booking),
              status: booking.status,
              holdUntil: booking.holdUntil?.toISOString() ?? null,
            });
            return written;
          },
        });
        return { ...view, token: booking.token };
      } catch (err) {
        // A reference collision three times running is not luck.
        if (!isUniqueViolation(err) || attempt >= 3) throw err;
      }
    }
  }

  async get(reference: string, token: string): Promise<BookingView> {
    return this.view(await this.find(reference, token));
  }

  async confirm(reference: string, token: string): Promise<BookingView> {
    const booking = await this.find(reference, token);
    if (booking.status === 'confirmed') return this.view(booking);
    if (booking.status !== 'pending') throw this.stateError(booking);
    if (booking.holdUntil && booking.holdUntil <= this.clock.now()) {
      throw new DomainError('HOLD_LAPSED', 'The reservation was not confirmed in time and has lapsed. Please book again.');
    }
    const next = { ...booking, status: 'confirmed' as const, confirmedAt: this.clock.now(), holdUntil: null, revision: booking.revision + 1 };
    const view = await this.view(next as Booking);
    await this.data.writeTx(async (tx) => {
      const changed = await tx
        .repo(Booking)
        .update(
          { id: booking.id, status: 'pending', revision: booking.revision },
          { status: 'confirmed', confirmedAt: next.confirmedAt, holdUntil: null, clientKey: null, revision: next.revision },
        );
      if (changed !== 1) throw new DomainError('BOOKING_CHANGED', 'The booking changed meanwhile. Please reload.');
      await this.mails.notify(tx, 'confirmation', booking, { view, token: booking.token });
      await this.events.publish(tx, 'booking.confirmed', bookingEventBase(booking));
    });
    return view;
  }

  async cancel(reference: string, token: string): Promise<BookingView> {
    return this.cancelBooking(await this.find(reference, token));
  }

  /**
   * Cancels a booking the caller has loaded and may change (the citizen by link, staff by scope);
   * `within` runs in the same transaction (the staff calendar's audit entry).
   */
  async cancelBooking(booking: Booking, within?: (tx: TenantTx) => Promise<void>): Promise<BookingView> {
    if (booking.status === 'cancelled') return this.view(booking);
    this.assertChangeable(booking);
    const policy = (await this.release.policies([booking.locationId])).get(booking.locationId)!;
    const next = { ...booking, status: 'cancelled' as const, cancelledAt: this.clock.now(), holdUntil: null, revision: booking.revision + 1 };
    const view = await this.view(next as Booking);
    await this.data.writeTx(async (tx) => {
      const changed = await tx
        .repo(Booking)
        .update(
          { id: booking.id, status: booking.status, revision: booking.revision },
          { status: 'cancelled', cancelledAt: next.cancelledAt, holdUntil: null, clientKey: null, revision: next.revision },
        );
      if (changed !== 1) throw new DomainError('BOOKING_CHANGED', 'The booking changed meanwhile. Please reload.');
      // Against slot trading: a confirmed appointment's time comes back only after a delay.
      await this.capacity.releaseUnits(tx, booking.id, { delayMinutes: booking.status === 'confirmed' ? policy.cancelReturnDelayMinutes : 0 });
      await this.mails.notify(tx, 'cancellation', booking, { view, token: booking.token, cancelsCalendarEntry: booking.status === 'confirmed' });
      await this.events.publish(tx, 'booking.cancelled', { ...bookingEventBase(booking), previousStatus: booking.status });
      await within?.(tx);
    });
    return view;
  }

  /** Moves the appointment in one step; the old time is given back only if the new one is taken. */
  async rebook(reference: string, token: string, to: { locationId: string; start: string }): Promise<BookingView> {
    return this.rebookBooking(await this.find(reference, token), to);
  }

  /** Moves a booking the caller has loaded and may change; `within` runs in the move's transaction. */
  async rebookBooking(booking: Booking, to: { locationId: string; start: string }, within?: (tx: TenantTx) => Promise<void>): Promise<BookingView> {
    this.assertChangeable(booking);
    const settings = await this.host.settings(bookingManifest);
    const resolved = await resolveRequest(this.catalog, booking.services, settings, booking.channel === 'agent' ? 'phone' : booking.channel);
    assertLocationOffers(resolved, to.locationId);
    // A citizen moving an online (or agent-placed) appointment books on the online share: its lead time applies.
    const start = this.parseStart(to.start, booking.channel === 'online' || booking.channel === 'agent' ? settings.minLeadMinutes : 0);
    const policy = (await this.release.policies([booking.locationId])).get(booking.locationId)!;
    const zone = TenantContext.current().timeZone;
    const next = {
      ...booking,
      locationId: to.locationId,
      startAt: start,
      endAt: new Date(start.getTime() + booking.minutes * 60_000),
      revision: booking.revision + 1,
      attendance: null,
      checkedInAt: null,
    } as Booking;
    const sameDay = booking.locationId === next.locationId && booking.checkInDay === newCheckInCode(start, zone).checkInDay && booking.checkInCode !== null;
    for (let attempt = 0; ; attempt++) {
      // Another place or day: a code of that day (drawn again if it collides there).
      if (!sameDay) Object.assign(next, newCheckInCode(start, zone));
      try {
        await this.data.writeTx(async (tx) => {
          const changed = await tx.repo(Booking).update(
            { id: booking.id, status: booking.status, revision: booking.revision },
            {
              locationId: next.locationId,
              startAt: next.startAt,
              endAt: next.endAt,
              revision: next.revision,
              checkInCode: next.checkInCode,
              checkInDay: next.checkInDay,
              // The moved appointment is a new visit: an earlier check-in belonged to the old time.
              attendance: null,
              checkedInAt: null,
            },
          );
          if (changed !== 1) throw new DomainError('BOOKING_CHANGED', 'The booking changed meanwhile. Please reload.');
          const { end } = await this.capacity.moveHold(
            tx,
            // An appointment placed by the terminagent is moved by the citizen: on the online share.
            {
              locationId: next.locationId,
              start,
              minutes: booking.minutes,
              channels: CHANNEL_FALLBACK[booking.channel === 'agent' ? 'online' : booking.channel],
              ownerId: booking.id,
            },
            booking.status === 'confirmed' ? policy.cancelReturnDelayMinutes : 0,
          );
          if (end.getTime() !== next.endAt.getTime()) await tx.repo(Booking).update({ id: booking.id }, { endAt: end });
          next.endAt = end;
          if (booking.status === 'confirmed')
            await this.mails.notify(tx, 'confirmation', booking, {
              view: await this.view(next),
              token: booking.token,
              movedFrom: {
                start: toLocalIso(booking.startAt, zone),
                end: toLocalIso(booking.endAt, zone),
                locationName: (await this.catalog.location(booking.locationId)).name,
              },
            });
          await this.events.publish(tx, 'booking.rebooked', {
            ...bookingEventBase(next),
            from: { locationId: booking.locationId, start: booking.startAt.toISOString(), end: booking.endAt.toISOString() },
          });
          await within?.(tx);
        });
        break;
      } catch (err) {
        if (sameDay || !isUniqueViolation(err) || attempt >= 3) throw err;
      }
    }
    return this.view(next);
  }

  async icsFor(reference: string, token: string): Promise<string> {
    const booking = await this.find(reference, token);
    if (booking.status !== 'confirmed' && booking.status !== 'cancelled') {
      throw new DomainError('CALENDAR_NOT_READY', 'The calendar entry is available once the appointment is confirmed.');
    }
    return this.mails.ics(await this.view(booking), booking.token);
  }

  /** Lapsed holds become 'expired' and free their capacity at once (run every minute). */
  async expireHolds(limit = 500): Promise<number> {
    const lapsed = await this.data.repo(Booking).find({
      where: { status: 'pending', holdUntil: LessThanOrEqual(this.clock.now()) },
      take: limit,
    });
    let expired = 0;
    for (const b of lapsed) {
      await this.data.writeTx(async (tx) => {
        // holdUntil stays: the privacy task purges lapsed holds a day after it.
        if ((await tx.repo(Booking).update({ id: b.id, status: 'pending', revision: b.revision }, { status: 'expired', clientKey: null })) !== 1) return;
        await this.capacity.releaseUnits(tx, b.id);
        await this.events.publish(tx, 'booking.lapsed', bookingEventBase(b));
        expired += 1;
      });
    }
    return expired;
  }

  /**
   * Privacy: personal data goes `retentionDays` after the appointment; lapsed holds are deleted
   * after a day. What stays (services, location, times, status) carries no person and feeds the
   * statistics' counts.
   */
  async applyRetention(retentionDays: number): Promise<{ anonymized: number; purged: number }> {
    const now = this.clock.now();
    const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
    let anonymized = 0;
    let purged = 0;
    await this.data.writeTx(async (tx) => {
      const repo = tx.repo(Booking);
      const old = await repo.find({ select: { id: true }, where: { endAt: LessThanOrEqual(cutoff), anonymizedAt: IsNull() } });
      const ids = old.map((b) => b.id);
      for (let i = 0; i < ids.length; i += 200) {
        anonymized += await repo.update(
          { id: In(ids.slice(i, i + 200)) },
          { citizen: PURGED_CONTACT, citizenEmailKey: null, clientKey: null, anonymizedAt: now },
        );
      }
      purged = await repo.delete({ status: 'expired', holdUntil: LessThanOrEqual(new Date(now.getTime() - 86_400_000)) });
      await this.caps.purgeLocks(tx);
    });
    return { anonymized, purged };
  }

  async view(b: Booking): Promise<BookingView> {
    const tenant = TenantContext.current();
    const serviceIds = b.services.map((l) => l.serviceId);
    const [location, catalog] = await Promise.all([this.catalog.location(b.locationId), this.catalog.snapshot()]);
    const services = catalog.services.filter((s) => serviceIds.includes(s.id));
    const checklist = catalog.checklist.filter((i) => serviceIds.includes(i.serviceId));
    const now = this.clock.now();
    // A lapsed hold is expired even before the housekeeping task has written it down.
    const status = b.status === 'pending' && b.holdUntil && b.holdUntil <= now ? 'expired' : b.status;
    const changeable = (status === 'pending' || status === 'confirmed') && b.startAt > now;
    return {
      reference: b.reference,
      status,
      channel: b.channel,
      locale: b.citizen.locale,
      start: toLocalIso(b.startAt, tenant.timeZone),
      end: toLocalIso(b.endAt, tenant.timeZone),
      holdUntil: status === 'pending' && b.holdUntil ? toLocalIso(b.holdUntil, tenant.timeZone) : null,
      minutes: b.minutes,
      revision: b.revision,
      location,
      services: b.services.map((line) => {
        const s = services.find((x) => x.id === line.serviceId);
        return {
          serviceId: line.serviceId,
          name: s?.name ?? '—',
          nameEn: s?.nameEn ?? null,
          quantity: line.quantity,
          durationMinutes: s?.durationMinutes ?? 0,
          fee: s?.feeCents == null ? null : s.feeCents / 100,
          checklist: checklist.filter((c) => c.serviceId === line.serviceId).map((c) => ({ text: c.text, textEn: c.textEn })),
        };
      }),
      citizen: { name: b.citizen.name, email: b.citizen.email, phone: b.citizen.phone, sms: b.citizen.smsConsent },
      checkInCode: b.checkInCode,
      qrPayload: `AMTSZEIT:${tenant.slug}:${b.reference}`,
      canCancel: changeable,
      canRebook: changeable,
    };
  }

  private async find(reference: string, token: string): Promise<Booking> {
    if (typeof reference !== 'string' || typeof token !== 'string' || reference.length > 12 || token.length > 64) {
      throw new NotFoundException(NOT_FOUND);
    }
    const booking = await this.data.repo(Booking).findOneBy({ reference: reference.toUpperCase() });
    if (!booking || !sameSecret(booking.token, token)) throw new NotFoundException(NOT_FOUND);
    return booking;
  }

  private parseStart(value: string, leadMinutes: number): Date {
    const start = parseOffsetInstant(String(value));
    if (!start) throw new BadRequestException('start must be an ISO 8601 date-time with offset, e.g. 2026-11-24T08:15:00+01:00.');
    const now = this.clock.now();
    if (start <= now) throw new DomainError('SLOT_IN_PAST', 'This time is in the past. Please choose another time.');
    // As the offered times: a start exactly at the end of the lead time is too soon too.
    if (start.getTime() <= now.getTime() + leadMinutes * 60_000) {
      throw new DomainError('SLOT_TOO_SOON', `Online bookings start at least ${leadMinutes} minutes from now. Please choose a later time.`);
    }
    if (start.getTime() > now.getTime() + (MAX_HORIZON_DAYS + 1) * 86_400_000) {
      throw new DomainError('BEYOND_HORIZON', `Appointments can be booked at most ${MAX_HORIZON_DAYS} days ahead.`);
    }
    return start;
  }

  private assertChangeable(b: Booking): void {
    if (b.status !== 'pending' && b.status !== 'confirmed') throw this.stateError(b);
    if (b.startAt <= this.clock.now()) throw new DomainError('APPOINTMENT_STARTED', 'This appointment has already begun and can no longer be changed.');
    if (b.status === 'pending' && b.holdUntil && b.holdUntil <= this.clock.now()) {
      throw new DomainError('HOLD_LAPSED', 'The reservation was not confirmed in time and has lapsed. Please book again.');
    }
  }

  private stateError(b: Booking): DomainError {
    return b.status === 'cancelled'
      ? new DomainError('BOOKING_CANCELLED', 'This appointment was cancelled.')
      : b.status === 'expired'
        ? new DomainError('HOLD_LAPSED', 'The reservation was not confirmed in time and has lapsed. Please book again.')
        : new DomainError('BOOKING_STATE', 'The appointment cannot be changed in its current state.');
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
