import { BadRequestException, Injectable } from '@nestjs/common';
import { And, Between, IsNull, LessThan, MoreThanOrEqual } from 'typeorm';
import { addDays, isIsoDate, startOfLocalDay } from '../../apps/server/src/common/local-time.js';
import { isUuidShaped } from '../../apps/server/src/database/uuid-entity.js';
import { PluginHostService } from '../../apps/server/src/plugin-host/plugin-host.service.js';
import { TenantContext } from '../../apps/server/src/tenancy/tenant-context.js';
import { TenantDataService, type TenantTx } from '../../apps/server/src/tenancy/tenant-data.service.js';
import { KIOSK_CHECK_IN } from './booking-mail.service.js';
import { CapacityService } from './capacity.service.js';
import { Booking, type Attendance, type BookingStatus } from './entities/booking.entity.js';

/** A booked appointment as the queue sees it: for staff at the counter, never for displays or events. */
export interface AttendanceAppointment {
  bookingId: string;
  reference: string;
  /** The citizen's name for staff ('' once anonymised). */
  name: string;
  locationId: string;
  serviceIds: string[];
  start: Date;
  end: Date;
  status: BookingStatus;
  attendance: Attendance | null;
  checkedInAt: Date | null;
}

/** A reference as typed or read out: any case, spaces or none, dash or none ('k7m2 qx4p' → 'K7M2-QX4P'). */
const REFERENCE = /^([A-Z0-9]{4})-?([A-Z0-9]{4})$/;

/**
 * Attendance of appointments, published for the queue (booking does not know the queue): the
 * confirmed appointments of a day, look-ups by id, reference and check-in code, and the conditional
 * marks checked-in, no-show and served, each in the caller's transaction so it commits with the
 * caller's ticket. Everything is the current tenant's: another tenant's id is simply not found.
 */
@Injectable()
export class BookingAttendanceService {
  constructor(
    private readonly data: TenantDataService,
    private readonly host: PluginHostService,
    private readonly capacity: CapacityService,
  ) {}

  /** The confirmed appointments starting on a tenant-local day at a location, by start. */
  async dayAppointments(locationId: string, localDay: string): Promise<AttendanceAppointment[]> {
    if (!isIsoDate(localDay)) throw new BadRequestException('The day must be a date YYYY-MM-DD.');
    const zone = TenantContext.current().timeZone;
    const from = startOfLocalDay(localDay, zone);
    const to = new Date(startOfLocalDay(addDays(localDay, 1), zone).getTime() - 1);
    const rows = await this.data.repo(Booking).find({
      where: { locationId, status: 'confirmed', startAt: Between(from, to) },
      order: { startAt: 'ASC', id: 'ASC' },
    });
    return rows.map(toAppointment);
  }

  async find(bookingId: string): Promise<AttendanceAppointment | null> {
    if (!isUuidShaped(bookingId)) return null;
    return toAppointmentOrNull(await this.data.repo(Booking).findOneBy({ id: bookingId }));
  }

  /** For staff checking a citizen in by reference: any case, with or without spaces and the dash. */
  async findByReference(reference: string): Promise<AttendanceAppointment | null> {
    const match = REFERENCE.exec(String(reference).replace(/\s+/g, '').toUpperCase());
    if (!match) return null;
    return toAppointmentOrNull(await this.data.repo(Booking).findOneBy({ reference: `${match[1]}-${match[2]}` }));
  }

  /** The appointment whose check-in code (unique per location and day) was typed at the kiosk. */
  async findByCheckInCode(locationId: string, localDay: string, code: string): Promise<AttendanceAppointment | null> {
    const digits = String(code).replace(/\s+/g, '');
    if (!/^\d{1,8}$/.test(digits) || !isIsoDate(localDay) || !isUuidShaped(locationId)) return null;
    return toAppointmentOrNull(await this.data.repo(Booking).findOneBy({ locationId, checkInDay: localDay, checkInCode: digits }));
  }

  /** Checks a confirmed appointment in (also one marked no-show that staff bring back); false when it is not in that state. */
  async markCheckedIn(tx: TenantTx, bookingId: string, at: Date): Promise<boolean> {
    return this.mark(tx, bookingId, { attendance: 'checked-in', checkedInAt: at }, ['no-show']);
  }

  /** The citizen did not come (or did not answer the call): a confirmed appointment not served yet. */
  async markNoShow(tx: TenantTx, bookingId: string): Promise<boolean> {
    return this.mark(tx, bookingId, { attendance: 'no-show' }, ['checked-in']);
  }

  /**
   * The no-show sweep's mark: only an appointment with no attendance at all. A visitor who checked
   * in after the sweep read its list stays checked in (markNoShow, the counter's, also takes checked-in).
   */
  async markUnattendedNoShow(tx: TenantTx, bookingId: string): Promise<boolean> {
    return this.mark(tx, bookingId, { attendance: 'no-show' }, []);
  }

  /** The appointment was served at a counter; false when it is not confirmed, marked no-show or served already. */
  async markServed(tx: TenantTx, bookingId: string): Promise<boolean> {
    return this.mark(tx, bookingId, { attendance: 'served' }, ['checked-in']);
  }

  /**
   * Confirmed appointments of the tenant that ended in [since, instant) with no attendance recorded,
   * oldest end first. The lower bound keeps appointments from before the counter recorded arrivals
   * (history, a queue switched on later) from being counted as no-shows.
   */
  async unattendedEndedBetween(since: Date, instant: Date, limit: number): Promise<AttendanceAppointment[]> {
    const rows = await this.data.repo(Booking).find({
      where: { status: 'confirmed', attendance: IsNull(), endAt: And(MoreThanOrEqual(since), LessThan(instant)) },
      order: { endAt: 'ASC', id: 'ASC' },
      take: limit,
    });
    return rows.map(toAppointment);
  }

  /**
   * A clerk finished early: the appointment's units in slots starting at or after `from` (so the
   * slot under way stays taken) are freed once and go to the same-day channel (kiosk when a plugin
   * checks appointments in at a terminal, else online). Returns the number of units given back;
   * 0 for an appointment that is not confirmed or was given back already.
   */
  async giveBackUnusedTime(tx: TenantTx, bookingId: string, from: Date): Promise<number> {
    if (!isUuidShaped(bookingId)) return 0;
    const booking = await tx.repo(Booking).findOne({ select: { id: true, status: true }, where: { id: bookingId } });
    if (booking?.status !== 'confirmed') return 0;
    const channel = (await this.host.hasCapability(TenantContext.current().id, KIOSK_CHECK_IN)) ? 'kiosk' : 'online';
    return this.capacity.giveBackFrom(tx, bookingId, from, channel);
  }

  private async mark(tx: TenantTx, bookingId: string, patch: Partial<Pick<Booking, 'attendance' | 'checkedInAt'>>, from: Attendance[]): Promise<boolean> {
    if (!isUuidShaped(bookingId)) return false;
    const condition = from.length ? '(attendance IS NULL OR attendance IN (:...from))' : 'attendance IS NULL';
    const changed = await tx.repo(Booking).updateWhere(patch, `id = :id AND status = 'confirmed' AND ${condition}`, { id: bookingId, from });
    return changed === 1;
  }
}

function toAppointment(b: Booking): AttendanceAppointment {
  return {
    bookingId: b.id,
    reference: b.reference,
    name: b.citizen.name,
    locationId: b.locationId,
    serviceIds: b.services.map((s) => s.serviceId),
    start: b.startAt,
    end: b.endAt,
    status: b.status,
    attendance: b.attendance,
    checkedInAt: b.checkedInAt,
  };
}

function toAppointmentOrNull(b: Booking | null): AttendanceAppointment | null {
  return b ? toAppointment(b) : null;
}
