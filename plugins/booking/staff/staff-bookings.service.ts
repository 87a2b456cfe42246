import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { In, IsNull, type FindOptionsWhere } from 'typeorm';
import { AuditService } from '../../../apps/server/src/audit/audit.service.js';
import type { StaffRequest } from '../../../apps/server/src/auth/staff-auth.guard.js';
import { CatalogService } from '../../../apps/server/src/catalog/catalog.service.js';
import { Counter } from '../../../apps/server/src/catalog/entities/counter.entity.js';
import { Clock } from '../../../apps/server/src/common/clock.js';
import { DomainError } from '../../../apps/server/src/common/domain-error.js';
import { localTime } from '../../../apps/server/src/common/local-time.js';
import { normalisePhone } from '../../../apps/server/src/notifications/phone-number.js';
import { TenantContext } from '../../../apps/server/src/tenancy/tenant-context.js';
import { TenantDataService, type TenantTx } from '../../../apps/server/src/tenancy/tenant-data.service.js';
import { isUuidShaped } from '../../../apps/server/src/database/uuid-entity.js';
import { BookingService } from '../booking.service.js';
import { Booking } from '../entities/booking.entity.js';
import { CalendarService } from './calendar.service.js';
import type { CalendarPrintDay, StaffBookingDetail, StaffScope, StaffSearchResult } from './calendar.types.js';
import { LOCATION_FORBIDDEN, StaffAccessService } from './staff-access.service.js';

export const BOOKING_NOT_FOUND = 'Termin nicht gefunden.';
export const SEARCH_LIMIT = 50;
export const COUNTER_UNKNOWN = 'This counter does not exist at this location.';

/** Who acts: the staff member of the session. */
export interface StaffActor {
  id: string;
  email: string;
}

/** The actor of a request that passed StaffAuthGuard. */
export function staffActor(req: StaffRequest): StaffActor {
  return { id: req.staffUser.id, email: req.staffUser.email };
}

const REFERENCE = /^([A-Z0-9]{4})-?([A-Z0-9]{4})$/i;
const PHONE_LIKE = /^\+?[\d\s/().-]{5,}$/;

/**
 * One appointment for staff: open it with the personal data, search, and act for a caller
 * (cancel, move, counter, note). Every look at personal data and every change writes an audit
 * entry in the transaction that reads or changes the booking, so nothing is shown or changed
 * without its entry.
 */
@Injectable()
export class StaffBookingsService {
  constructor(
    private readonly data: TenantDataService,
    private readonly access: StaffAccessService,
    private readonly calendar: CalendarService,
    private readonly catalog: CatalogService,
    private readonly bookings: BookingService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The appointment with the citizen's data; the audit entry commits before anything is returned. */
  async open(scope: StaffScope, actor: StaffActor, id: string): Promise<StaffBookingDetail> {
    return this.data.transaction(async (tx) => {
      const booking = await this.load(scope, id, tx);
      await this.audit.writeInTx(tx, { actor, action: 'personal-data.viewed', resource: 'booking', recordId: booking.id, changes: {} });
      return this.detail(booking);
    });
  }

  /**
   * Search by reference (exact, any case, with or without the dash), email (exact), phone
   * (normalised to E.164, exact) or name (contains); only the scope's locations, at most
   * SEARCH_LIMIT hits, newest first. Anonymised bookings are found by reference only. The audit
   * entry records the kind and the number of hits; the query itself only when it is a reference.
   */
  async search(scope: StaffScope, actor: StaffActor, query: string): Promise<StaffSearchResult> {
    const q = query.trim();
    if (q.length < 2) throw new DomainError('SEARCH_TOO_SHORT', 'Please enter at least two characters.');
    const locations = (await this.access.locations(scope)).map((l) => l.id);
    return this.data.transaction(async (tx) => {
      const repo = tx.repo(Booking);
      const inScope = { locationId: In(locations) };
      let kind: StaffSearchResult['kind'];
      let rows: Booking[] = [];
      const personal = { ...inScope, anonymizedAt: IsNull() };
      const find = (where: FindOptionsWhere<Booking>) => repo.find({ where, order: { startAt: 'DESC', id: 'ASC' }, take: SEARCH_LIMIT + 1 });
      const reference = REFERENCE.exec(q);
      if (locations.length === 0) {
        kind = 'name';
      } else if (q.includes('@')) {
        kind = 'email';
        rows = await find({ ...personal, citizen: { email: q.toLowerCase() } });
      } else if (PHONE_LIKE.test(q)) {
        kind = 'phone';
        const phone = normalisePhone(q);
        if (!phone) throw new DomainError('PHONE_INVALID', 'Please enter a valid phone number.');
        rows = await find({ ...personal, citizen: { phone } });
      } else {
        rows = reference ? await find({ ...inScope, reference: `${reference[1]}-${reference[2]}`.toUpperCase() }) : [];
        kind = rows.length > 0 ? 'reference' : 'name';
        if (kind === 'name') {
          // '!' escapes the wildcards: a backslash would need escaping itself in MySQL's string literals.
          const pattern = `%${q.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
          rows = await repo
            .qb('b')
            .andWhere('b.locationId IN (:...locations)', { locations })
            .andWhere('b.anonymizedAt IS NULL')
            .andWhere("LOWER(b.citizenName) LIKE :pattern ESCAPE '!'", { pattern })
            .orderBy('b.startAt', 'DESC')
            .addOrderBy('b.id', 'ASC')
            .take(SEARCH_LIMIT + 1)
            .getMany();
        }
      }
      const changes: Record<string, [unknown, unknown]> = { kind: [null, kind], hits: [null, Math.min(rows.length, SEARCH_LIMIT)] };
      if (kind === 'reference') changes.reference = [null, rows[0].reference];
      await this.audit.writeInTx(tx, { actor, action: 'personal-data.searched', resource: 'booking', changes });
      const names = await this.serviceNames();
      const zone = TenantContext.current().timeZone;
      const now = this.clock.now();
      return {
        kind,
        truncated: rows.length > SEARCH_LIMIT,
        hits: rows.slice(0, SEARCH_LIMIT).map((b) => ({
          ...this.calendar.entry(b, zone, now, names),
          locationId: b.locationId,
          citizenName: b.anonymizedAt ? null : b.citizen.name,
        })),
      };
    });
  }

  /** Cancels for a caller through the citizen's flow (capacity, cancellation mail); cancelling twice is answered like once. */
  async cancel(scope: StaffScope, actor: StaffActor, id: string): Promise<StaffBookingDetail> {
    const booking = await this.load(scope, id);
    if (booking.status !== 'cancelled') {
      await this.bookings.cancelBooking(booking, (tx) =>
        this.audit.writeInTx(tx, { actor, action: 'booking.cancelled', resource: 'booking', recordId: id, changes: { status: [booking.status, 'cancelled'] } }),
      );
    }
    return this.detail(await this.load(scope, id));
  }

  /**
   * Moves for a caller to a free time (same or another location in scope) through the citizen's
   * flow (capacity, mail). `revision` is the one the staff member saw: a second click on the same
   * move finds the booking there already and gets the same answer; any other change in between is
   * a conflict. The counter is cleared: the new time is drawn into a free lane.
   */
  async move(scope: StaffScope, actor: StaffActor, id: string, to: { locationId: string; start: string; revision: number }): Promise<StaffBookingDetail> {
    await this.access.location(scope, to.locationId);
    const booking = await this.load(scope, id);
    if (booking.revision !== to.revision) {
      const there = booking.locationId === to.locationId && booking.startAt.getTime() === new Date(to.start).getTime();
      if (there && booking.revision === to.revision + 1) return this.detail(booking);
      throw new DomainError('BOOKING_CHANGED', 'The booking changed meanwhile. Please reload.');
    }
    const from = { locationId: booking.locationId, startAt: booking.startAt.toISOString() };
    await this.bookings.rebookBooking(booking, { locationId: to.locationId, start: to.start }, async (tx) => {
      await tx.repo(Booking).update({ id }, { counterId: null });
      await this.audit.writeInTx(tx, {
        actor,
        action: 'booking.moved',
        resource: 'booking',
        recordId: id,
        changes: { locationId: [from.locationId, to.locationId], startAt: [from.startAt, new Date(to.start).toISOString()] },
      });
    });
    return this.detail(await this.load(scope, id));
  }

  /** Puts the appointment at a counter of its location (null: back to the first free lane). */
  async setCounter(scope: StaffScope, actor: StaffActor, id: string, counterId: string | null): Promise<StaffBookingDetail> {
    return this.change(scope, actor, id, 'counterId', counterId, async (booking, tx) => {
      if (counterId === null) return;
      const counter = await tx.repo(Counter).findOneBy({ id: counterId, locationId: booking.locationId, active: true });
      if (!counter) throw new DomainError('COUNTER_UNKNOWN', COUNTER_UNKNOWN);
    });
  }

  /** Adds, changes or (empty) removes the staff note. */
  async setNote(scope: StaffScope, actor: StaffActor, id: string, note: string): Promise<StaffBookingDetail> {
    const text = note.trim();
    return this.change(scope, actor, id, 'staffNote', text === '' ? null : text);
  }

  /** The day list to print: the day in time order with names and counters; one audit entry per list. */
  async printDay(scope: StaffScope, actor: StaffActor, locationId: string, date?: string): Promise<CalendarPrintDay> {
    const day = await this.calendar.day(scope, locationId, date);
    // After packing, every entry's counter is one of the day's lanes (active counters) or none.
    const counters = new Map(day.lanes.filter((l) => l.counterId !== null).map((l) => [l.counterId!, l.room ? `${l.name} (${l.room})` : l.name] as const));
    return this.data.transaction(async (tx) => {
      const ids = day.entries.map((e) => e.id);
      const people = ids.length
        ? await tx.repo(Booking).find({ where: { id: In(ids) }, select: { id: true, citizen: { name: true }, anonymizedAt: true } })
        : [];
      await this.audit.writeInTx(tx, {
        actor,
        action: 'personal-data.printed',
        resource: 'booking',
        changes: { locationId: [null, locationId], date: [null, day.date], rows: [null, ids.length] },
      });
      const nameOf = new Map(people.map((p) => [p.id, p.anonymizedAt ? null : p.citizen.name]));
      return {
        ...day,
        rows: day.entries.map((e) => ({ ...e, citizenName: nameOf.get(e.id) ?? null, counterName: e.counterId ? (counters.get(e.counterId) ?? null) : null })),
      };
    });
  }

  /** A conditional update of one staff field with its audit entry; the same value again changes nothing. */
  private async change<K extends 'counterId' | 'staffNote'>(
    scope: StaffScope,
    actor: StaffActor,
    id: string,
    field: K,
    value: Booking[K],
    check?: (booking: Booking, tx: TenantTx) => Promise<void>,
  ): Promise<StaffBookingDetail> {
    const booking = await this.data.writeTx(async (tx) => {
      const current = await this.load(scope, id, tx);
      if (current[field] === value) return current;
      await check?.(current, tx);
      const changed = await tx.repo(Booking).update({ id, revision: current.revision, [field]: current[field] ?? IsNull() }, { [field]: value });
      if (changed !== 1) throw new DomainError('BOOKING_CHANGED', 'The booking changed meanwhile. Please reload.');
      await this.audit.writeInTx(tx, {
        actor,
        action: `booking.${field === 'counterId' ? 'counter' : 'note'}-set`,
        resource: 'booking',
        recordId: id,
        changes: { [field]: [current[field], value] },
      });
      return { ...current, [field]: value } as Booking;
    });
    return this.detail(booking);
  }

  /** The booking if it is the tenant's (404 otherwise, the same for any unknown id) and at a location of the scope (403). */
  private async load(scope: StaffScope, id: string, tx?: TenantTx): Promise<Booking> {
    const booking = isUuidShaped(id) ? await (tx?.repo(Booking) ?? this.data.repo(Booking)).findOneBy({ id }) : null;
    if (!booking) throw new NotFoundException(BOOKING_NOT_FOUND);
    if (!this.access.covers(scope, booking.locationId)) throw new ForbiddenException(LOCATION_FORBIDDEN);
    return booking;
  }

  private async detail(b: Booking): Promise<StaffBookingDetail> {
    const zone = TenantContext.current().timeZone;
    const now = this.clock.now();
    const location = (await this.catalog.snapshot()).locations.find((l) => l.id === b.locationId);
    const entry = this.calendar.entry(b, zone, now, await this.serviceNames());
    return {
      ...entry,
      location: { id: b.locationId, name: location?.name ?? '—' },
      revision: b.revision,
      citizen: b.anonymizedAt
        ? null
        : { name: b.citizen.name, email: b.citizen.email, phone: b.citizen.phone, locale: b.citizen.locale, sms: b.citizen.smsConsent },
      checkedIn: b.checkedInAt && entry.status === 'checked-in' ? localTime(b.checkedInAt, zone) : null,
      // A pending or confirmed appointment not begun yet, checked in or not: a move resets the check-in, the queue closes its ticket.
      changeable: (entry.status === 'pending' || b.status === 'confirmed') && b.startAt > now,
    };
  }

  private async serviceNames(): Promise<Map<string, string>> {
    return new Map((await this.catalog.snapshot()).services.map((s) => [s.id, s.name]));
  }
}
