import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { Clock } from '../../apps/server/src/common/clock.js';
import { DomainError } from '../../apps/server/src/common/domain-error.js';
import { minutesOf } from '../../apps/server/src/common/local-time.js';
import { EventBusService } from '../../apps/server/src/events/event-bus.service.js';
import type { CitizenContact } from '../../apps/server/src/notifications/citizen-contact.embeddable.js';
import { TenantDataService, type TenantTx } from '../../apps/server/src/tenancy/tenant-data.service.js';
import { newReference } from './booking-reference.js';
import { BookingMailService } from './booking-mail.service.js';
import { bookingEventBase } from './booking.events.js';
import { BookingService, type BookingView } from './booking.service.js';
import { emailKey } from './citizen-keys.js';
import { CAPACITY_GONE, CapacityService } from './capacity.service.js';
import { Booking, type BookedService } from './entities/booking.entity.js';
import { CapacityAllocation } from './entities/capacity-allocation.entity.js';
import { CapacityUnit } from './entities/capacity-unit.entity.js';
import { randomToken } from '../../apps/server/src/common/random-token.js';

/** A slot row of the agent share with free units. */
export interface AgentSlot {
  unitId: string;
  locationId: string;
  /** UTC epoch ms. */
  start: number;
  slotMinutes: number;
  localDate: string;
  /** Minutes after local midnight of the start. */
  localMinute: number;
  free: number;
}

export interface AgentHold {
  ownerId: string;
  /** One unit per slot; a unit may appear in several holds (a slot with several counters). */
  unitIds: string[];
}

export interface AgentBookingInput {
  locationId: string;
  startAt: Date;
  endAt: Date;
  services: BookedService[];
  /** The wish's contact, carried over (SMS consent included). */
  citizen: CitizenContact;
}

export interface PreparedAgentBooking {
  booking: Booking;
  token: string;
  view: BookingView;
}

const CHUNK = 300;

/**
 * The batch interface over the agent share of booking capacity, for the terminagent: read the free
 * agent slots at once, hold the units of many proposals in a few statements, and turn a held
 * proposal into a confirmed appointment (channel 'agent') with the booking's confirmation mail.
 * Counts still only move through conditional updates (`used + n <= capacity`), as in
 * CapacityService; a batch that loses a race throws 409 and its transaction rolls back whole.
 */
@Injectable()
export class AgentCapacityService {
  constructor(
    private readonly data: TenantDataService,
    private readonly clock: Clock,
    private readonly capacity: CapacityService,
    private readonly bookings: BookingService,
    private readonly mails: BookingMailService,
    private readonly events: EventBusService,
  ) {}

  /** Agent slots with free units starting at or after `from`, ordered by start. */
  async freeSlots(from: Date): Promise<AgentSlot[]> {
    const rows = await this.data
      .repo(CapacityUnit)
      .qb('u')
      .select([
        'u.id AS id',
        'u.locationId AS locationId',
        'u.slotStart AS slotStart',
        'u.slotMinutes AS slotMinutes',
        'u.localDate AS localDate',
        'u.localStart AS localStart',
        'u.capacity - u.used AS free',
      ])
      .andWhere("u.channel = 'agent' AND u.used < u.capacity AND u.slotStart >= :from", { from })
      .orderBy('u.slotStart', 'ASC')
      .getRawMany<{ id: string; locationId: string; slotStart: Date | string; slotMinutes: number; localDate: string; localStart: string; free: number }>();
    return rows.map((r) => ({
      unitId: r.id,
      locationId: r.locationId,
      start: toDate(r.slotStart).getTime(),
      slotMinutes: Number(r.slotMinutes),
      localDate: r.localDate,
      localMinute: minutesOf(r.localStart),
      free: Number(r.free),
    }));
  }

  /** Changes whenever free agent capacity from `from` on changes (released, held, given back). */
  async signature(from: Date): Promise<string> {
    const row = await this.data
      .repo(CapacityUnit)
      .qb('u')
      .select(['COUNT(*) AS n', 'COALESCE(SUM(u.capacity), 0) AS capacity', 'COALESCE(SUM(u.used), 0) AS used', 'MAX(u.updatedAt) AS changed'])
      .andWhere("u.channel = 'agent' AND u.slotStart >= :from", { from })
      .getRawOne<{ n: number; capacity: number; used: number; changed: Date | string | null }>();
    const changed = row?.changed ? toDate(row.changed).getTime() : 0;
    return `${row?.n ?? 0}:${row?.capacity ?? 0}:${row?.used ?? 0}:${changed}`;
  }

  /** Takes the units of many holds at once, all or nothing (409 when any unit is gone). */
  async holdMany(tx: TenantTx, holds: AgentHold[]): Promise<void> {
    const counts = new Map<string, number>();
    for (const h of holds) for (const id of h.unitIds) counts.set(id, (counts.get(id) ?? 0) + 1);
    const ids = [...counts.keys()];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const params: Record<string, unknown> = { ids: chunk };
      const cases = chunk.map((id, j) => {
        params[`u${j}`] = id;
        params[`c${j}`] = counts.get(id);
        return `WHEN :u${j} THEN :c${j}`;
      });
      const add = `(CASE id ${cases.join(' ')} ELSE 0 END)`;
      const taken = await tx
        .repo(CapacityUnit)
        .updateWhere({ used: () => `used + ${add}` }, `channel = 'agent' AND id IN (:...ids) AND used + ${add} <= capacity`, params);
      if (taken !== chunk.length) throw new DomainError('CAPACITY_GONE', CAPACITY_GONE);
    }
    const now = this.clock.now();
    const rows = holds.flatMap((h) =>
      h.unitIds.map((unitId) => ({ id: randomUUID(), unitId, ownerId: h.ownerId, releaseAt: null, createdAt: now, updatedAt: now })),
    );
    await tx.repo(CapacityAllocation).insert(rows, { chunk: CHUNK });
  }

  /** Gives back what the owners hold, at once. */
  async releaseMany(tx: TenantTx, ownerIds: string[]): Promise<number> {
    let freed = 0;
    for (const ownerId of ownerIds) freed += await this.capacity.releaseUnits(tx, ownerId);
    return freed;
  }

  /** The confirmed appointment as it will be written, built before the transaction. */
  async prepareBooking(input: AgentBookingInput): Promise<PreparedAgentBooking> {
    const now = this.clock.now();
    const token = randomToken(24);
    const booking = this.data.repo(Booking).create({
      id: randomUUID(),
      reference: newReference(),
      token,
      status: 'confirmed',
      channel: 'agent',
      locationId: input.locationId,
      startAt: input.startAt,
      endAt: input.endAt,
      minutes: Math.round((input.endAt.getTime() - input.startAt.getTime()) / 60_000),
      services: input.services,
      holdUntil: null,
      confirmedAt: now,
      cancelledAt: null,
      revision: 1,
      citizen: { ...input.citizen },
      // Placed in a batch by the matching; the kiosk finds these appointments by reference.
      checkInCode: null,
      checkInDay: null,
      citizenEmailKey: input.citizen.email ? emailKey(input.citizen.email) : null,
      clientKey: null,
      anonymizedAt: null,
    });
    return { booking, token, view: await this.bookings.view(booking) };
  }

  /**
   * Turns the units a holder (a proposal) has into the appointment's, inside the caller's
   * transaction, and queues the same confirmation mail a booking gets. 409 if the holder has none.
   */
  async confirmHeld(tx: TenantTx, prepared: PreparedAgentBooking, holderId: string): Promise<void> {
    const moved = await tx.repo(CapacityAllocation).update({ ownerId: holderId, releaseAt: IsNull() }, { ownerId: prepared.booking.id });
    if (moved === 0) throw new DomainError('CAPACITY_GONE', CAPACITY_GONE);
    await tx.repo(Booking).save(prepared.booking);
    await this.events.publish(tx, 'booking.created', { ...bookingEventBase(prepared.booking), status: 'confirmed', holdUntil: null });
    await this.mails.notify(tx, 'confirmation', prepared.booking, { view: prepared.view, token: prepared.token });
  }
}

function toDate(value: Date | string): Date {
  if (value instanceof Date) return value;
  // SQLite hands back 'YYYY-MM-DD HH:MM:SS[.SSS]' in UTC.
  return new Date(`${value.replace(' ', 'T')}${/Z|[+-]\d\d:?\d\d$/.test(value) ? '' : 'Z'}`);
}
