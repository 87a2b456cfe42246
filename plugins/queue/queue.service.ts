import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { In, IsNull, LessThan, MoreThanOrEqual, Not } from 'typeorm';
import { CatalogService } from '../../apps/server/src/catalog/catalog.service.js';
import { Counter } from '../../apps/server/src/catalog/entities/counter.entity.js';
import { Clock } from '../../apps/server/src/common/clock.js';
import { DomainError, type DomainErrorCode } from '../../apps/server/src/common/domain-error.js';
import { addDays, localDate, localTime, startOfLocalDay } from '../../apps/server/src/common/local-time.js';
import { EventBusService } from '../../apps/server/src/events/event-bus.service.js';
import { TenantContext } from '../../apps/server/src/tenancy/tenant-context.js';
import { TenantDataService, type TenantReader, type TenantTx } from '../../apps/server/src/tenancy/tenant-data.service.js';
import { BookingAttendanceService, StaffAccessService, type AttendanceAppointment, type StaffScope } from '../booking/booking.api.js';
import { QueueLocationState } from './entities/location-state.entity.js';
import { QueueNumber } from './entities/number.entity.js';
import { QueueTicket } from './entities/ticket.entity.js';
import { QueueWorkplace } from './entities/workplace.entity.js';
import { QueueChanges } from './queue-changes.js';
import { QueueConfigService, type LocationQueueSettings } from './queue-config.service.js';
import { AT_COUNTER, ticketNumber, toEntry, toView } from './queue-model.js';
import type { TicketEventBase } from './queue.events.js';
import type {
  CounterBoard,
  DayAppointmentView,
  DisplayState,
  PresenceView,
  QueueEntry,
  TicketKind,
  TicketSource,
  TicketStatus,
  TicketView,
  TransferTarget,
  WorkplaceView,
} from './queue.types.js';
import { mayCall, orderQueue, pickNext } from './ordering.js';
import { serviceMinutesFrom, type FinishedVisit } from './service-times.js';
import { estimateWaits, expectedEnd, type CounterLoad, type ServiceMinutes } from './wait-estimate.js';

/** The staff member acting: who, under which name, with which locations and role. */
export interface QueueActor {
  userId: string;
  name: string;
  scope: StaffScope;
}

/**
 * The one way to build the actor (API and pages): the user's display name, unless it is only the
 * town's name (what `title` falls back to for accounts without one), then the e-mail address.
 */
export function queueActor(user: { id: string; title?: string | null; email: string; tenantName?: string | null }, scope: StaffScope): QueueActor {
  const name = user.title && user.title !== user.tenantName ? user.title : user.email;
  return { userId: user.id, name, scope };
}

export interface WalkInInput {
  locationId: string;
  serviceIds: string[];
  /** 0 normal; higher is urgent (staff only). */
  priority?: number;
  source: TicketSource;
}

export interface CheckInInput {
  /** The booking, by id (the counter's list) or by reference (what the citizen shows). */
  bookingId?: string;
  reference?: string;
  /** The location checking in (a counter's or a kiosk's): another location's appointment is refused. */
  locationId?: string;
  source: TicketSource;
}

export interface OpenWorkplaceInput {
  locationId: string;
  counterId: string;
  /** Services handled today; empty: all of the location's. */
  serviceIds: string[];
}

const TICKET_NOT_FOUND = 'Wartemarke nicht gefunden.';
const NOT_AT_YOUR_COUNTER = 'Diese Wartemarke ist nicht bei Ihnen am Schalter; das dürfen nur Teamleitung und Admins.';
const SUPERVISORS_ONLY = 'Diese Aktion ist der Teamleitung und den Kommunen-Admins vorbehalten.';
/** Minutes per visit when no service says (no catalog duration). */
const DEFAULT_VISIT_MINUTES = 10;
/** The finished visits the rolling service times look at: the newest of the last two weeks. */
const HISTORY_DAYS = 14;
const HISTORY_VISITS = 400;
/** Candidates callNext tries when another counter took its pick first. */
const CALL_ATTEMPTS = 8;

function refuse(code: DomainErrorCode, message: string): never {
  throw new DomainError(code, message);
}

/** The location's open queue as the views need it, read in one go. */
interface LocationSnapshot {
  version: number;
  appointmentsInRow: number;
  tickets: QueueTicket[];
  /** Waiting tickets in call order (whole location), with position and estimate. */
  order: QueueEntry[];
  places: Map<string, { position: number; estimatedWaitMinutes: number | null }>;
  workplaces: QueueWorkplace[];
  counters: Map<string, Counter>;
  loads: CounterLoad[];
  minutes: ServiceMinutes;
  settings: LocationQueueSettings;
}

/**
 * The queue engine: tickets, counters' calls and the views of the counter page, the presence
 * overview and the call display. Every change runs in one write transaction that first locks the
 * location's state row (MySQL/MariaDB: the row lock orders a location's changes across instances;
 * SQLite: one writer), moves tickets with conditional updates (`status = :from`), bumps the
 * location's version and publishes its events.
 */
@Injectable()
export class QueueService {
  constructor(
    private readonly data: TenantDataService,
    private readonly config: QueueConfigService,
    private readonly catalog: CatalogService,
    private readonly access: StaffAccessService,
    private readonly attendance: BookingAttendanceService,
    private readonly events: EventBusService,
    private readonly changes: QueueChanges,
    private readonly clock: Clock,
  ) {}

  /** Today in the tenant's time zone. */
  today(now = this.clock.now()): string {
    return localDate(now, TenantContext.current().timeZone);
  }

  // ---- workplaces -----------------------------------------------------------------------------

  async openWorkplace(actor: QueueActor, input: OpenWorkplaceInput): Promise<WorkplaceView> {
    await this.access.location(actor.scope, input.locationId);
    const counter = await this.data.repo(Counter).findOneBy({ id: input.counterId, locationId: input.locationId, active: true });
    if (!counter) refuse('QUEUE_COUNTER_UNKNOWN', 'Diesen Schalter gibt es an diesem Standort nicht.');
    const serviceIds = await this.offeredServices(input.locationId, input.serviceIds, true);
    const before = await this.data.repo(QueueWorkplace).findOneBy({ userId: actor.userId });
    const now = this.clock.now();
    const today = this.today(now);
    await this.inLocations([input.locationId, ...(before ? [before.locationId] : [])], async (tx) => {
      const places = tx.repo(QueueWorkplace);
      const own = await places.findOneBy({ userId: actor.userId });
      const moving = own && (own.counterId !== input.counterId || own.locationId !== input.locationId);
      if (moving && own.currentTicketId) refuse('QUEUE_WORKPLACE_BUSY', 'Bitte schließen Sie zuerst den aktuellen Vorgang ab.');
      for (const other of await places.findBy({ counterId: input.counterId, userId: Not(actor.userId) })) {
        // Whoever left the counter open on an earlier day does not block it today.
        if (localDate(other.since, TenantContext.current().timeZone) === today) refuse('QUEUE_COUNTER_TAKEN', 'An diesem Schalter arbeitet bereits jemand.');
        if (other.currentTicketId) await this.endLeftover(tx, other.currentTicketId, now);
        await places.delete({ id: other.id });
      }
      const row = own ?? places.create({ userId: actor.userId, currentTicketId: null });
      Object.assign(row, { userName: actor.name, locationId: input.locationId, counterId: input.counterId, serviceIds, status: 'open', since: now });
      await places.save(row);
    });
    return (await this.workplaceViews(input.locationId, actor.userId))[0]!;
  }

  pauseWorkplace(actor: QueueActor): Promise<WorkplaceView> {
    return this.setWorkplaceStatus(actor, 'paused');
  }

  resumeWorkplace(actor: QueueActor): Promise<WorkplaceView> {
    return this.setWorkplaceStatus(actor, 'open');
  }

  async closeWorkplace(actor: QueueActor): Promise<void> {
    const wp = await this.ownWorkplace(actor.userId);
    await this.inLocations([wp.locationId], async (tx) => {
      if ((await tx.repo(QueueWorkplace).delete({ id: wp.id, currentTicketId: IsNull() })) === 0)
        refuse('QUEUE_WORKPLACE_BUSY', 'Bitte schließen Sie zuerst den aktuellen Vorgang ab.');
    });
  }

  private async setWorkplaceStatus(actor: QueueActor, status: 'open' | 'paused'): Promise<WorkplaceView> {
    const wp = await this.ownWorkplace(actor.userId);
    await this.inLocations([wp.locationId], async (tx) => {
      await tx.repo(QueueWorkplace).update({ id: wp.id }, { status, since: this.clock.now() });
    });
    return (await this.workplaceViews(wp.locationId, actor.userId))[0]!;
  }

  private async ownWorkplace(userId: string, reader: TenantReader = this.data): Promise<QueueWorkplace> {
    const wp = await reader.repo(QueueWorkplace).findOneBy({ userId });
    if (!wp) refuse('QUEUE_NO_WORKPLACE', 'Bitte melden Sie sich zuerst an einem Schalter an.');
    return wp;
  }

  // ---- issuing --------------------------------------------------------------------------------

  /** A walk-in ticket (Wartemarke), issued by staff (actor) or a kiosk device (actor null). */
  async issueWalkIn(input: WalkInInput, actor: QueueActor | null): Promise<TicketView> {
    // Urgent is a supervisor's call, here as in setPriority (kiosks never send a priority).
    if ((input.priority ?? 0) > 0 && (!actor || actor.scope.role === 'staff')) throw new ForbiddenException(SUPERVISORS_ONLY);
    await this.locationFor(actor, input.locationId);
    const serviceIds = await this.offeredServices(input.locationId, input.serviceIds, false);
    const settings = await this.config.forLocation(input.locationId);
    const now = this.clock.now();
    const ticket = await this.inLocations([input.locationId], async (tx) => {
      const { seq, number } = await this.draw(tx, input.locationId, settings.walkInPrefix, settings, now);
      const row = tx.repo(QueueTicket).create({
        ...this.blankTicket(),
        locationId: input.locationId,
        day: this.today(now),
        number,
        prefix: settings.walkInPrefix,
        seq,
        kind: 'walk-in',
        status: 'waiting',
        priority: input.priority ?? 0,
        serviceIds,
        source: input.source,
        sortAt: now,
        issuedAt: now,
      });
      await tx.repo(QueueTicket).insert([row]);
      await this.events.publish(tx, 'queue.ticket-issued', { ...this.eventBase(row, now), source: input.source, minutesBeforeStart: null });
      return row;
    });
    return this.placed(ticket);
  }

  /**
   * An appointment's arrival: a ticket in the appointment line, and booking's attendance set in the
   * same transaction. A second check-in returns the ticket of the first.
   */
  async checkIn(input: CheckInInput, actor: QueueActor | null): Promise<TicketView> {
    const appointment = input.bookingId
      ? await this.attendance.find(input.bookingId)
      : input.reference
        ? await this.attendance.findByReference(input.reference)
        : null;
    if (!appointment || (actor && !this.access.covers(actor.scope, appointment.locationId))) throw new NotFoundException('Termin nicht gefunden.');
    const existing = await this.data.repo(QueueTicket).findOneBy({ bookingKey: appointment.bookingId });
    if (existing?.status === 'no-show')
      refuse('QUEUE_CHECK_IN_STATE', 'Dieser Termin wurde bereits als nicht erschienen vermerkt; bitte die Wartemarke zurückholen.');
    if (existing) return this.placed(existing);
    this.assertCheckInAllowed(appointment, input.locationId);
    const settings = await this.config.forLocation(appointment.locationId);
    const now = this.clock.now();
    const ticket = await this.inLocations([appointment.locationId], async (tx) => {
      const again = await tx.repo(QueueTicket).findOneBy({ bookingKey: appointment.bookingId });
      if (again?.status === 'no-show')
        refuse('QUEUE_CHECK_IN_STATE', 'Dieser Termin wurde bereits als nicht erschienen vermerkt; bitte die Wartemarke zurückholen.');
      if (again) return again;
      if (!(await this.attendance.markCheckedIn(tx, appointment.bookingId, now)))
        refuse('QUEUE_CHECK_IN_STATE', 'Dieser Termin kann nicht (mehr) eingecheckt werden.');
      const { seq, number } = await this.draw(tx, appointment.locationId, settings.appointmentPrefix, settings, now);
      const row = tx.repo(QueueTicket).create({
        ...this.blankTicket(),
        locationId: appointment.locationId,
        day: this.today(now),
        number,
        prefix: settings.appointmentPrefix,
        seq,
        kind: 'appointment',
        status: 'waiting',
        serviceIds: appointment.serviceIds,
        bookingId: appointment.bookingId,
        bookingKey: appointment.bookingId,
        source: input.source,
        sortAt: now,
        issuedAt: now,
        appointmentStart: appointment.start,
        appointmentEnd: appointment.end,
      });
      await tx.repo(QueueTicket).insert([row]);
      const minutesBeforeStart = Math.round((appointment.start.getTime() - now.getTime()) / 60_000);
      await this.events.publish(tx, 'queue.ticket-issued', { ...this.eventBase(row, now), source: input.source, minutesBeforeStart });
      return row;
    });
    return this.placed(ticket);
  }

  private assertCheckInAllowed(appointment: AttendanceAppointment, locationId: string | undefined): void {
    if (appointment.status === 'cancelled') refuse('QUEUE_CHECK_IN_CANCELLED', 'Dieser Termin wurde storniert.');
    if (appointment.status !== 'confirmed' || appointment.attendance === 'served')
      refuse('QUEUE_CHECK_IN_STATE', 'Dieser Termin kann nicht (mehr) eingecheckt werden.');
    if (localDate(appointment.start, TenantContext.current().timeZone) !== this.today()) refuse('QUEUE_CHECK_IN_WRONG_DAY', 'Dieser Termin ist nicht heute.');
    if (locationId && locationId !== appointment.locationId) refuse('QUEUE_CHECK_IN_WRONG_LOCATION', 'Dieser Termin gehört zu einem anderen Standort.');
  }

  // ---- calls ----------------------------------------------------------------------------------

  /** The next ticket for the actor's counter by the location's ordering; null when nobody it may call waits. */
  async callNext(actor: QueueActor): Promise<TicketView | null> {
    const wp = await this.ownWorkplace(actor.userId);
    const settings = await this.config.forLocation(wp.locationId);
    const now = this.clock.now();
    const called = await this.inLocations([wp.locationId], async (tx, unchanged) => {
      const w = await this.readyWorkplace(tx, actor.userId);
      const state = await tx.repo(QueueLocationState).findOneBy({ locationId: w.locationId });
      const waiting = await tx.repo(QueueTicket).findBy({ locationId: w.locationId, day: this.today(now), status: 'waiting' });
      let pool = waiting.map(toEntry);
      const ctx = {
        now,
        rules: settings.rules,
        appointmentsInRow: state?.appointmentsInRow ?? 0,
        counterId: w.counterId,
        serviceIds: w.serviceIds.length ? w.serviceIds : null,
      };
      for (let attempt = 0; attempt < CALL_ATTEMPTS; attempt++) {
        const next = pickNext(pool, ctx);
        if (!next) break;
        const ticket = waiting.find((t) => t.id === next.id)!;
        if (await this.call(tx, ticket, w, actor, now, ['waiting'])) return ticket;
        pool = pool.filter((e) => e.id !== next.id);
      }
      unchanged();
      return null;
    });
    return called && toView(called);
  }

  /** Calls one ticket to the actor's counter: supervisors and admins, or clerks where the location allows it. */
  async callTicket(actor: QueueActor, ticketId: string): Promise<TicketView> {
    const found = await this.ticketFor(actor, ticketId);
    const settings = await this.config.forLocation(found.locationId);
    if (actor.scope.role === 'staff' && !settings.clerksMayCallSpecific) throw new ForbiddenException(SUPERVISORS_ONLY);
    const now = this.clock.now();
    return toView(
      await this.inLocations([found.locationId], async (tx) => {
        const w = await this.readyWorkplace(tx, actor.userId);
        const ticket = await this.fresh(tx, ticketId);
        if (w.locationId !== ticket.locationId) refuse('QUEUE_WRONG_LOCATION', 'Diese Wartemarke gehört zu einem anderen Standort.');
        if (ticket.day !== this.today(now)) this.changed();
        // Clerks call what their counter may call (a transfer to another counter is not theirs).
        if (actor.scope.role === 'staff' && !mayCall(toEntry(ticket), w.counterId, w.serviceIds.length ? w.serviceIds : null))
          throw new ForbiddenException(NOT_AT_YOUR_COUNTER);
        if (!(await this.call(tx, ticket, w, actor, now, ['waiting']))) this.changed();
        return ticket;
      }),
    );
  }

  /**
   * Calls the current ticket again (not before `recallPauseSeconds` since the last call); the call
   * after `callCountMax` calls makes it a no-show instead.
   */
  async recall(actor: QueueActor, ticketId: string): Promise<TicketView> {
    const found = await this.ticketFor(actor, ticketId);
    const settings = await this.config.forLocation(found.locationId);
    const now = this.clock.now();
    return toView(
      await this.inLocations([found.locationId], async (tx) => {
        const ticket = await this.atCounter(tx, actor, ticketId, ['called']);
        if (ticket.callCount >= settings.callCountMax) return this.toNoShow(tx, ticket, now);
        if (now.getTime() - ticket.calledAt!.getTime() < settings.recallPauseSeconds * 1000)
          refuse('QUEUE_RECALL_TOO_SOON', 'Bitte warten Sie vor dem erneuten Aufruf noch einen Moment.');
        const patch = { calledAt: now, callCount: ticket.callCount + 1 };
        await this.move(tx, ticket, ['called'], patch, 'callCount = :n', { n: ticket.callCount });
        await this.events.publish(tx, 'queue.ticket-called', {
          ...this.eventBase(ticket, now),
          counterId: ticket.counterId!,
          callCount: ticket.callCount,
          waitedSeconds: null,
        });
        return ticket;
      }),
    );
  }

  async start(actor: QueueActor, ticketId: string): Promise<TicketView> {
    const found = await this.ticketFor(actor, ticketId);
    const now = this.clock.now();
    return toView(
      await this.inLocations([found.locationId], async (tx) => {
        const ticket = await this.atCounter(tx, actor, ticketId, ['called']);
        await this.move(tx, ticket, ['called'], { status: 'serving', startedAt: now });
        const waySeconds = Math.round((now.getTime() - (ticket.firstCalledAt ?? now).getTime()) / 1000);
        await this.events.publish(tx, 'queue.ticket-started', { ...this.eventBase(ticket, now), counterId: ticket.counterId!, waySeconds });
        return ticket;
      }),
    );
  }

  /**
   * The visit is done: the services actually delivered are recorded (default: the ticket's); an
   * appointment is marked served and, finished before its end, gives its unused time back.
   */
  async finish(actor: QueueActor, ticketId: string, deliveredServiceIds?: string[]): Promise<TicketView> {
    const found = await this.ticketFor(actor, ticketId);
    // Not given: the ticket's services. Given, at least one, and offered at the location.
    if (deliveredServiceIds && deliveredServiceIds.length === 0) refuse('QUEUE_SERVICE_UNKNOWN', 'Bitte mindestens ein erbrachtes Anliegen wählen.');
    const delivered = deliveredServiceIds ? await this.offeredServices(found.locationId, deliveredServiceIds, false) : found.serviceIds;
    const now = this.clock.now();
    return toView(
      await this.inLocations([found.locationId], async (tx) => {
        const ticket = await this.atCounter(tx, actor, ticketId, AT_COUNTER);
        const startedAt = ticket.startedAt ?? ticket.calledAt ?? now;
        await this.move(tx, ticket, AT_COUNTER, { status: 'done', startedAt, finishedAt: now, deliveredServiceIds: delivered });
        await this.freeCounter(tx, ticket.id);
        if (ticket.bookingId) {
          await this.attendance.markServed(tx, ticket.bookingId);
          if (ticket.appointmentEnd && ticket.appointmentEnd > now) await this.attendance.giveBackUnusedTime(tx, ticket.bookingId, now);
        }
        await this.events.publish(tx, 'queue.ticket-finished', {
          ...this.eventBase(ticket, now),
          counterId: ticket.counterId!,
          deliveredServiceIds: delivered,
          serviceSeconds: Math.round((now.getTime() - startedAt.getTime()) / 1000),
        });
        return ticket;
      }),
    );
  }

  /** The called visitor did not come. */
  async noShow(actor: QueueActor, ticketId: string): Promise<TicketView> {
    const found = await this.ticketFor(actor, ticketId);
    const now = this.clock.now();
    return toView(await this.inLocations([found.locationId], async (tx) => this.toNoShow(tx, await this.atCounter(tx, actor, ticketId, ['called']), now)));
  }

  /** Sets the visitor aside (e.g. to fetch a document); the counter is free again. */
  async park(actor: QueueActor, ticketId: string): Promise<TicketView> {
    return this.moveAtCounter(actor, ticketId, AT_COUNTER, 'parked');
  }

  /** Cancels a ticket: the clerk their current one, supervisors any open one of their locations. */
  async cancel(actor: QueueActor, ticketId: string): Promise<TicketView> {
    return this.moveAtCounter(actor, ticketId, ['waiting', 'called', 'serving', 'parked', 'no-show'], 'cancelled');
  }

  /** A no-show or parked ticket goes back to waiting, at its old place in line. */
  async restore(actor: QueueActor, ticketId: string): Promise<TicketView> {
    const found = await this.ticketFor(actor, ticketId);
    const now = this.clock.now();
    return toView(
      await this.inLocations([found.locationId], async (tx) => {
        const ticket = await this.fresh(tx, ticketId);
        const from = ticket.status;
        if (from !== 'no-show' && from !== 'parked') this.changed();
        // A fresh count: the visitor is called up to callCountMax times again. A parked visitor
        // comes back to the counter that parked them (counterId stays as where they were parked).
        const back = from === 'parked' && ticket.counterId ? { targetCounterId: ticket.counterId } : { counterId: null };
        await this.move(tx, ticket, [from], { status: 'waiting', callCount: 0, calledAt: null, ...back });
        if (from === 'no-show' && ticket.bookingId) await this.attendance.markCheckedIn(tx, ticket.bookingId, now);
        await this.publishMoved(tx, ticket, from, now);
        return ticket;
      }),
    );
  }

  /** Urgent (priority > 0) goes first; supervisors and admins only. */
  async setPriority(actor: QueueActor, ticketId: string, priority: number): Promise<TicketView> {
    if (actor.scope.role === 'staff') throw new ForbiddenException(SUPERVISORS_ONLY);
    const found = await this.ticketFor(actor, ticketId);
    return toView(
      await this.inLocations([found.locationId], async (tx) => {
        const ticket = await this.fresh(tx, ticketId);
        const was = ticket.priority;
        await this.move(tx, ticket, ['waiting', 'parked', 'no-show'], { priority });
        await this.events.publish(tx, 'queue.ticket-priority', { ...this.eventBase(ticket, this.clock.now()), from: was, to: priority });
        return ticket;
      }),
    );
  }

  /**
   * Ends this leg ('transferred') and continues the visit in a new waiting ticket: at another
   * counter, for other services or at another location (a new number there). `keep` keeps the
   * place in line, `end` queues it now.
   */
  async transfer(actor: QueueActor, ticketId: string, target: TransferTarget): Promise<TicketView> {
    const found = await this.ticketFor(actor, ticketId);
    const toLocation = target.locationId ?? found.locationId;
    if (!(await this.catalog.snapshot()).locations.some((l) => l.id === toLocation)) refuse('QUEUE_TRANSFER_TARGET', 'Diesen Standort gibt es nicht.');
    // Forward only within the actor's own locations (the page offers no others).
    await this.access.location(actor.scope, toLocation);
    if (target.counterId && (await this.data.repo(Counter).countBy({ id: target.counterId, locationId: toLocation, active: true })) === 0)
      refuse('QUEUE_TRANSFER_TARGET', 'Diesen Schalter gibt es am Zielstandort nicht.');
    const serviceIds = target.serviceIds?.length ? await this.offeredServices(toLocation, target.serviceIds, false) : found.serviceIds;
    const settings = await this.config.forLocation(toLocation);
    const now = this.clock.now();
    const next = await this.inLocations([found.locationId, toLocation], async (tx) => {
      const ticket = await this.fresh(tx, ticketId);
      if (ticket.status === 'waiting' || ticket.status === 'parked') {
        if (actor.scope.role === 'staff') throw new ForbiddenException(NOT_AT_YOUR_COUNTER);
      } else await this.atCounter(tx, actor, ticketId, AT_COUNTER);
      const from = ticket.status;
      await this.move(tx, ticket, [from], { status: 'transferred', finishedAt: now });
      await this.freeCounter(tx, ticket.id);
      const sameLocation = toLocation === ticket.locationId;
      const prefix = ticket.kind === 'appointment' ? settings.appointmentPrefix : settings.walkInPrefix;
      const numbered = sameLocation
        ? { seq: ticket.seq, number: ticket.number, prefix: ticket.prefix }
        : { ...(await this.draw(tx, toLocation, prefix, settings, now)), prefix };
      const row = tx.repo(QueueTicket).create({
        ...this.blankTicket(),
        ...numbered,
        locationId: toLocation,
        day: ticket.day,
        kind: ticket.kind,
        status: 'waiting',
        priority: ticket.priority,
        serviceIds,
        bookingId: ticket.bookingId,
        source: ticket.source,
        sortAt: target.position === 'keep' ? ticket.sortAt : now,
        issuedAt: now,
        appointmentStart: ticket.appointmentStart,
        appointmentEnd: ticket.appointmentEnd,
        parentId: ticket.id,
        targetCounterId: target.counterId ?? null,
      });
      await tx.repo(QueueTicket).insert([row]);
      await this.events.publish(tx, 'queue.ticket-transferred', {
        ...this.eventBase(ticket, now),
        newTicketId: row.id,
        toLocationId: toLocation,
        toCounterId: row.targetCounterId,
        keptPlace: target.position === 'keep',
      });
      return row;
    });
    return this.placed(next);
  }

  // ---- views ----------------------------------------------------------------------------------

  /** What the counter page shows: the actor's workplace, or a location's lists before opening one. */
  async counterBoard(actor: QueueActor, locationId?: string): Promise<CounterBoard> {
    const wp = await this.data.repo(QueueWorkplace).findOneBy({ userId: actor.userId });
    const at = wp?.locationId ?? locationId;
    if (!at) return { version: 0, workplace: null, waiting: [], parked: [], appointments: [], mayCallSpecific: false, mayPrioritize: false };
    if (!wp) await this.access.location(actor.scope, at);
    const snap = await this.snapshot(at);
    const serviceIds = wp?.serviceIds.length ? wp.serviceIds : null;
    const byId = new Map(snap.tickets.map((t) => [t.id, t] as const));
    const waiting = snap.order.filter((e) => !wp || mayCall(e, wp.counterId, serviceIds)).map((e) => toView(byId.get(e.id)!, snap.places.get(e.id)));
    return {
      version: snap.version,
      workplace: wp ? this.workplaceView(wp, snap) : null,
      waiting,
      parked: snap.tickets.filter((t) => t.status === 'parked' || t.status === 'no-show').map((t) => toView(t)),
      appointments: await this.dayAppointments(at, snap.tickets),
      mayCallSpecific: actor.scope.role !== 'staff' || snap.settings.clerksMayCallSpecific,
      mayPrioritize: actor.scope.role !== 'staff',
    };
  }

  /**
   * What the counter board depends on, cheaply (two primary-key reads): the location's version and
   * the workplace. The HTTP layer answers 304 on it without building the board.
   */
  async boardTag(actor: QueueActor, locationId?: string): Promise<string> {
    const wp = await this.data.repo(QueueWorkplace).findOneBy({ userId: actor.userId });
    const at = wp?.locationId ?? locationId;
    if (!wp && at) await this.access.location(actor.scope, at);
    return at ? `${at}-${await this.locationVersion(at)}-${wp?.counterId ?? 'none'}` : 'none';
  }

  /** Supervisors' overview of one location. */
  async presence(actor: QueueActor, locationId: string): Promise<PresenceView> {
    this.access.assertSupervisor(actor.scope);
    await this.access.location(actor.scope, locationId);
    const snap = await this.snapshot(locationId);
    const byId = new Map(snap.tickets.map((t) => [t.id, t] as const));
    return {
      version: snap.version,
      locationId,
      waiting: snap.order.map((e) => toView(byId.get(e.id)!, snap.places.get(e.id))),
      workplaces: snap.workplaces.map((w) => this.workplaceView(w, snap)),
    };
  }

  /** What a call display shows: numbers and counters only, never names; the last `recentCalls` calls, newest first. */
  async displayState(locationId: string, recentCalls = 6): Promise<DisplayState> {
    const location = (await this.catalog.snapshot()).locations.find((l) => l.id === locationId);
    if (!location) throw new NotFoundException('Standort nicht gefunden.');
    const snap = await this.snapshot(locationId);
    const calls = await this.data.repo(QueueTicket).find({
      where: { locationId, day: this.today(), status: In(['called', 'serving', 'done']), calledAt: Not(IsNull()) },
      order: { calledAt: 'DESC', id: 'ASC' },
      take: recentCalls,
    });
    return {
      locationId,
      locationName: location.name,
      version: snap.version,
      calls: calls.map((t) => {
        const counter = t.counterId ? snap.counters.get(t.counterId) : undefined;
        return {
          ticketId: t.id,
          number: t.number,
          counterName: counter?.name ?? '',
          room: counter?.room ?? null,
          calledAt: t.calledAt!.toISOString(),
          callCount: t.callCount,
        };
      }),
      waitingCount: snap.order.length,
      estimatedWaitMinutes: this.waitForNewcomer(snap),
    };
  }

  /** The location's queue version (0 before its first change). */
  async locationVersion(locationId: string): Promise<number> {
    return (await this.data.repo(QueueLocationState).findOneBy({ locationId }))?.version ?? 0;
  }

  private waitForNewcomer(snap: LocationSnapshot): number | null {
    if (snap.loads.length === 0) return null;
    const newcomer: QueueEntry = {
      id: '\uffff',
      kind: 'walk-in',
      priority: 0,
      sortAt: this.clock.now(),
      appointmentStart: null,
      serviceIds: [],
      targetCounterId: null,
    };
    return (
      estimateWaits([...snap.order, newcomer], snap.loads, snap.minutes, this.clock.now(), {
        rules: snap.settings.rules,
        appointmentsInRow: snap.appointmentsInRow,
      }).get(newcomer.id) ?? null
    );
  }

  private async snapshot(locationId: string): Promise<LocationSnapshot> {
    const now = this.clock.now();
    const [state, tickets, workplaces, counters, settings, catalog, history] = await Promise.all([
      this.data.repo(QueueLocationState).findOneBy({ locationId }),
      this.data.repo(QueueTicket).findBy({ locationId, day: this.today(now), status: In(['waiting', 'called', 'serving', 'parked', 'no-show']) }),
      this.data.repo(QueueWorkplace).find({ where: { locationId }, order: { since: 'ASC', id: 'ASC' } }),
      this.data.repo(Counter).findBy({ locationId }),
      this.config.forLocation(locationId),
      this.catalog.snapshot(),
      this.recentVisits(locationId, now),
    ]);
    const durations = new Map(catalog.services.map((s) => [s.id, s.durationMinutes] as const));
    const minutes = serviceMinutesFrom(history, { now, configuredMinutes: (id) => durations.get(id) ?? null, defaultMinutes: DEFAULT_VISIT_MINUTES });
    const appointmentsInRow = state?.appointmentsInRow ?? 0;
    const order = orderQueue(tickets.filter((t) => t.status === 'waiting').map(toEntry), {
      now,
      rules: settings.rules,
      appointmentsInRow,
      counterId: null,
      serviceIds: null,
    });
    const byId = new Map(tickets.map((t) => [t.id, t] as const));
    const loads: CounterLoad[] = workplaces
      .filter((w) => w.status === 'open')
      .map((w) => {
        const current = w.currentTicketId ? byId.get(w.currentTicketId) : undefined;
        const since = current?.startedAt ?? current?.calledAt;
        return {
          counterId: w.counterId,
          serviceIds: w.serviceIds.length ? w.serviceIds : null,
          busyUntil: current && since ? expectedEnd(since, minutes(current.serviceIds), now) : null,
        };
      });
    const waits = estimateWaits(order, loads, minutes, now, { rules: settings.rules, appointmentsInRow });
    const places = new Map(order.map((e, i) => [e.id, { position: i + 1, estimatedWaitMinutes: waits.get(e.id) ?? null }] as const));
    return {
      version: state?.version ?? 0,
      appointmentsInRow,
      tickets,
      order,
      places,
      workplaces,
      counters: new Map(counters.map((c) => [c.id, c] as const)),
      loads,
      minutes,
      settings,
    };
  }

  /** The location's finished visits of the last two weeks (newest first), for the rolling service times. */
  private async recentVisits(locationId: string, now: Date): Promise<FinishedVisit[]> {
    const rows = await this.data.repo(QueueTicket).find({
      select: { id: true, serviceIds: true, deliveredServiceIds: true, startedAt: true, finishedAt: true },
      where: { locationId, status: 'done', day: MoreThanOrEqual(addDays(this.today(now), -HISTORY_DAYS)) },
      order: { finishedAt: 'DESC', id: 'ASC' },
      take: HISTORY_VISITS,
    });
    return rows
      .filter((r) => r.startedAt && r.finishedAt)
      .map((r) => ({ serviceIds: r.deliveredServiceIds ?? r.serviceIds, startedAt: r.startedAt!, finishedAt: r.finishedAt! }));
  }

  private workplaceView(w: QueueWorkplace, snap: LocationSnapshot): WorkplaceView {
    const current = w.currentTicketId ? snap.tickets.find((t) => t.id === w.currentTicketId) : undefined;
    return {
      userId: w.userId,
      userName: w.userName,
      locationId: w.locationId,
      counterId: w.counterId,
      counterName: snap.counters.get(w.counterId)?.name ?? '',
      serviceIds: w.serviceIds,
      status: w.status,
      since: w.since.toISOString(),
      current: current ? toView(current) : null,
    };
  }

  private async workplaceViews(locationId: string, userId: string): Promise<WorkplaceView[]> {
    const snap = await this.snapshot(locationId);
    return snap.workplaces.filter((w) => w.userId === userId).map((w) => this.workplaceView(w, snap));
  }

  private async dayAppointments(locationId: string, open: QueueTicket[]): Promise<DayAppointmentView[]> {
    const now = this.clock.now();
    const zone = TenantContext.current().timeZone;
    const appointments = await this.attendance.dayAppointments(locationId, this.today(now));
    if (appointments.length === 0) return [];
    const legs = await this.data.repo(QueueTicket).find({
      where: { bookingId: In(appointments.map((a) => a.bookingId)) },
      order: { issuedAt: 'ASC', id: 'ASC' },
    });
    // Only legs of the appointment's current time: a moved appointment's old ticket is not its arrival.
    const startOf = new Map(appointments.map((a) => [a.bookingId, a.start.getTime()] as const));
    const latest = new Map(legs.filter((t) => t.appointmentStart?.getTime() === startOf.get(t.bookingId!)).map((t) => [t.bookingId!, t] as const));
    const openIds = new Set(open.map((t) => t.id));
    return appointments.map((a) => {
      const ticket = latest.get(a.bookingId) ?? null;
      const arrival: DayAppointmentView['arrival'] =
        a.attendance === 'served' || (ticket?.status === 'done' && !openIds.has(ticket.id))
          ? 'done'
          : a.attendance === 'no-show'
            ? 'no-show'
            : a.attendance === 'checked-in'
              ? 'arrived'
              : a.start < now
                ? 'late'
                : 'not-yet';
      return {
        bookingId: a.bookingId,
        reference: a.reference,
        name: a.name,
        serviceIds: a.serviceIds,
        start: a.start.toISOString(),
        end: a.end.toISOString(),
        localStart: localTime(a.start, zone),
        arrival,
        ticketId: ticket?.id ?? null,
      };
    });
  }

  // ---- tasks ----------------------------------------------------------------------------------

  /** Appointments nobody checked in for by their end plus the grace time: booking's no-show, and the event. Idempotent. */
  async markUnattendedNoShows(): Promise<number> {
    const settings = await this.config.tenantDefaults();
    const now = this.clock.now();
    const zone = TenantContext.current().timeZone;
    // From yesterday's start: a run missed overnight still catches the evening; older history is left alone.
    const since = startOfLocalDay(addDays(localDate(now, zone), -1), zone);
    const due = await this.attendance.unattendedEndedBetween(since, new Date(now.getTime() - settings.noShowGraceMinutes * 60_000), 200);
    let marked = 0;
    for (const a of due) {
      await this.data.writeTx(async (tx) => {
        // Only from no attendance: a visitor who checked in since the list was read stays checked in.
        if (!(await this.attendance.markUnattendedNoShow(tx, a.bookingId))) return;
        marked++;
        await this.events.publish(tx, 'queue.appointment-no-show', {
          bookingId: a.bookingId,
          locationId: a.locationId,
          serviceIds: a.serviceIds,
          start: a.start.toISOString(),
        });
      });
    }
    return marked;
  }

  /**
   * Closes what an earlier day left open: serving tickets as done, the others cancelled, with
   * closedReason 'day-end'; workplaces opened on an earlier day are closed. Idempotent.
   */
  async closePastDays(): Promise<number> {
    const now = this.clock.now();
    const today = this.today(now);
    const past = await this.data.repo(QueueTicket).find({
      where: { status: In(['waiting', 'called', 'serving', 'parked']), day: LessThan(today) },
      order: { day: 'ASC', id: 'ASC' },
      take: 500,
    });
    const zone = TenantContext.current().timeZone;
    const staleWorkplaces = (await this.data.repo(QueueWorkplace).find()).filter((w) => localDate(w.since, zone) < today);
    const locations = new Set([...past.map((t) => t.locationId), ...staleWorkplaces.map((w) => w.locationId)]);
    let closed = 0;
    for (const locationId of locations) {
      await this.inLocations([locationId], async (tx) => {
        for (const t of past.filter((p) => p.locationId === locationId)) if (await this.endLeftover(tx, t.id, now)) closed++;
        for (const w of staleWorkplaces.filter((s) => s.locationId === locationId)) await tx.repo(QueueWorkplace).delete({ id: w.id });
      });
    }
    return closed;
  }

  /** Ends a ticket of an earlier day: done when it was being served, else cancelled. */
  private async endLeftover(tx: TenantTx, ticketId: string, now: Date): Promise<boolean> {
    const t = await tx.repo(QueueTicket).findById(ticketId);
    if (!t || !['waiting', 'called', 'serving', 'parked'].includes(t.status) || t.day >= this.today(now)) return false;
    const to: TicketStatus = t.status === 'serving' ? 'done' : 'cancelled';
    const n = await tx.repo(QueueTicket).updateWhere({ status: to, closedReason: 'day-end', finishedAt: now }, 'id = :id AND status = :from', {
      id: t.id,
      from: t.status,
    });
    if (n === 0) return false;
    const from = t.status;
    t.status = to;
    await this.freeCounter(tx, t.id);
    // The appointment's attendance is closed too: served when it was at a counter, else no-show.
    if (t.bookingId) {
      if (to === 'done') await this.attendance.markServed(tx, t.bookingId);
      else await this.attendance.markNoShow(tx, t.bookingId);
    }
    await this.publishMoved(tx, t, from, now, 'day-end');
    return true;
  }

  // ---- building blocks ------------------------------------------------------------------------

  /**
   * One write transaction on the queues of `locationIds`: their state rows are locked first (in id
   * order, so two transfers cannot deadlock), each version rises at the end unless `fn` says
   * nothing changed, and this instance hears of it after the commit.
   */
  private async inLocations<R>(locationIds: string[], fn: (tx: TenantTx, unchanged: () => void) => Promise<R>): Promise<R> {
    const ids = [...new Set(locationIds)].sort();
    return this.data.writeTx(async (tx) => {
      const states = tx.repo(QueueLocationState);
      for (const locationId of ids) {
        await states.insertOrUpdate(states.create({ locationId, version: 0, appointmentsInRow: 0 }), ['locationId'], ['locationId']);
      }
      let changed = true;
      const result = await fn(tx, () => (changed = false));
      if (changed) {
        for (const locationId of ids) await states.updateWhere({ version: () => 'version + 1' }, 'locationId = :locationId', { locationId });
        tx.afterCommit(() => ids.forEach((id) => this.changes.emit(id)));
      }
      return result;
    });
  }

  /** The actor's workplace, open and free, inside the transaction. */
  private async readyWorkplace(tx: TenantTx, userId: string): Promise<QueueWorkplace> {
    const w = await this.ownWorkplace(userId, tx);
    if (w.status !== 'open') refuse('QUEUE_WORKPLACE_PAUSED', 'Ihr Schalter ist in Pause.');
    if (w.currentTicketId) refuse('QUEUE_WORKPLACE_BUSY', 'Bitte schließen Sie zuerst den aktuellen Vorgang ab.');
    return w;
  }

  /** Moves `ticket` from one of `from` to called at `w`; false when someone else moved it first. */
  private async call(tx: TenantTx, ticket: QueueTicket, w: QueueWorkplace, actor: QueueActor, now: Date, from: TicketStatus[]): Promise<boolean> {
    const patch = {
      status: 'called' as const,
      counterId: w.counterId,
      calledByUserId: actor.userId,
      calledAt: now,
      firstCalledAt: ticket.firstCalledAt ?? now,
      callCount: ticket.callCount + 1,
    };
    const n = await tx.repo(QueueTicket).updateWhere(patch, 'id = :id AND status IN (:...from)', { id: ticket.id, from });
    if (n === 0) return false;
    const first = ticket.firstCalledAt === null;
    Object.assign(ticket, patch);
    // One current visitor per workplace, even against a second tab of the same clerk.
    const taken = await tx.repo(QueueWorkplace).updateWhere({ currentTicketId: ticket.id }, 'id = :id AND currentTicketId IS NULL', { id: w.id });
    if (taken === 0) refuse('QUEUE_WORKPLACE_BUSY', 'Bitte schließen Sie zuerst den aktuellen Vorgang ab.');
    const states = tx.repo(QueueLocationState);
    await states.updateWhere({ appointmentsInRow: ticket.kind === 'appointment' ? () => 'appointmentsInRow + 1' : 0 }, 'locationId = :locationId', {
      locationId: ticket.locationId,
    });
    await this.events.publish(tx, 'queue.ticket-called', {
      ...this.eventBase(ticket, now),
      counterId: w.counterId,
      callCount: ticket.callCount,
      waitedSeconds: first ? Math.round((now.getTime() - ticket.issuedAt.getTime()) / 1000) : null,
    });
    return true;
  }

  /** The ticket, if it is at one of the actor's locations; otherwise the same 404 as for an unknown id. */
  private async ticketFor(actor: QueueActor | null, ticketId: string): Promise<QueueTicket> {
    const ticket = await this.data.repo(QueueTicket).findById(ticketId);
    if (!ticket || (actor && !this.access.covers(actor.scope, ticket.locationId))) throw new NotFoundException(TICKET_NOT_FOUND);
    return ticket;
  }

  private async fresh(tx: TenantTx, ticketId: string): Promise<QueueTicket> {
    const ticket = await tx.repo(QueueTicket).findById(ticketId);
    if (!ticket) throw new NotFoundException(TICKET_NOT_FOUND);
    return ticket;
  }

  /**
   * The ticket inside the transaction, in one of `from`, at a counter the actor may act for: a
   * clerk only their own current visitor, supervisors and admins any counter of their locations.
   */
  private async atCounter(tx: TenantTx, actor: QueueActor, ticketId: string, from: TicketStatus[]): Promise<QueueTicket> {
    const ticket = await this.fresh(tx, ticketId);
    if (actor.scope.role === 'staff') {
      const own = await tx.repo(QueueWorkplace).findOneBy({ userId: actor.userId });
      if (own?.currentTicketId !== ticket.id) throw new ForbiddenException(NOT_AT_YOUR_COUNTER);
    }
    if (!from.includes(ticket.status)) this.changed();
    return ticket;
  }

  private async moveAtCounter(actor: QueueActor, ticketId: string, from: TicketStatus[], to: TicketStatus): Promise<TicketView> {
    const found = await this.ticketFor(actor, ticketId);
    const now = this.clock.now();
    return toView(
      await this.inLocations([found.locationId], async (tx) => {
        const ticket = await this.atCounter(tx, actor, ticketId, from);
        const was = ticket.status;
        await this.move(tx, ticket, [was], { status: to, ...(to === 'cancelled' ? { finishedAt: now } : {}) });
        await this.freeCounter(tx, ticket.id);
        await this.publishMoved(tx, ticket, was, now);
        return ticket;
      }),
    );
  }

  private async toNoShow(tx: TenantTx, ticket: QueueTicket, now: Date): Promise<QueueTicket> {
    await this.move(tx, ticket, ['called'], { status: 'no-show' });
    await this.freeCounter(tx, ticket.id);
    if (ticket.bookingId) await this.attendance.markNoShow(tx, ticket.bookingId);
    await this.publishMoved(tx, ticket, 'called', now);
    return ticket;
  }

  /** The conditional update of a transition: only from the expected status (and `extra`), else QUEUE_TICKET_CHANGED. */
  private async move(
    tx: TenantTx,
    ticket: QueueTicket,
    from: TicketStatus[],
    patch: Partial<QueueTicket>,
    extra?: string,
    extraParams: Record<string, unknown> = {},
  ): Promise<void> {
    const condition = `id = :id AND status IN (:...from)${extra ? ` AND ${extra}` : ''}`;
    const n = await tx.repo(QueueTicket).updateWhere(patch, condition, { ...extraParams, id: ticket.id, from });
    if (n === 0) this.changed();
    Object.assign(ticket, patch);
  }

  private changed(): never {
    refuse('QUEUE_TICKET_CHANGED', 'Diese Wartemarke wurde inzwischen geändert.');
  }

  private async freeCounter(tx: TenantTx, ticketId: string): Promise<void> {
    await tx.repo(QueueWorkplace).update({ currentTicketId: ticketId }, { currentTicketId: null });
  }

  /** The next number of a location, day and prefix (numbers wrap in the range; a new day starts a new row). */
  private async draw(tx: TenantTx, locationId: string, prefix: string, settings: LocationQueueSettings, now: Date) {
    const numbers = tx.repo(QueueNumber);
    const day = this.today(now);
    await numbers.insertOrUpdate(numbers.create({ locationId, day, prefix, drawn: 0 }), ['locationId'], ['locationId', 'day', 'prefix']);
    await numbers.updateWhere({ drawn: () => 'drawn + 1' }, 'locationId = :locationId AND day = :day AND prefix = :prefix', { locationId, day, prefix });
    const row = (await numbers.findOneBy({ locationId, day, prefix }))!;
    return ticketNumber(row.drawn, prefix, settings);
  }

  private blankTicket(): Partial<QueueTicket> {
    return {
      priority: 0,
      bookingId: null,
      bookingKey: null,
      appointmentStart: null,
      appointmentEnd: null,
      calledAt: null,
      firstCalledAt: null,
      callCount: 0,
      counterId: null,
      calledByUserId: null,
      startedAt: null,
      finishedAt: null,
      deliveredServiceIds: null,
      parentId: null,
      targetCounterId: null,
      closedReason: null,
    };
  }

  /** The ticket's view with its place in the location's line. */
  private async placed(ticket: QueueTicket): Promise<TicketView> {
    if (ticket.status !== 'waiting') return toView(ticket);
    return toView(ticket, (await this.snapshot(ticket.locationId)).places.get(ticket.id));
  }

  private async locationFor(actor: QueueActor | null, locationId: string): Promise<void> {
    if (actor) {
      await this.access.location(actor.scope, locationId);
      return;
    }
    if (!(await this.catalog.snapshot()).locations.some((l) => l.id === locationId)) throw new NotFoundException('Standort nicht gefunden.');
  }

  /**
   * Services offered at the location, in the catalog's order; refuses an unknown one. `emptyMeansAll`:
   * a workplace with no choice handles everything (stored as []); a ticket needs at least one service.
   */
  private async offeredServices(locationId: string, serviceIds: string[], emptyMeansAll: boolean): Promise<string[]> {
    if (serviceIds.length === 0) {
      if (emptyMeansAll) return [];
      refuse('QUEUE_SERVICE_UNKNOWN', 'Bitte mindestens ein Anliegen wählen.');
    }
    const catalog = await this.catalog.snapshot();
    const offered = new Set(catalog.offerings.filter((o) => o.locationId === locationId).map((o) => o.serviceId));
    const wanted = new Set(serviceIds);
    if ([...wanted].some((id) => !offered.has(id))) refuse('QUEUE_SERVICE_UNKNOWN', 'Mindestens ein Anliegen wird an diesem Standort nicht angeboten.');
    return catalog.services.filter((s) => wanted.has(s.id)).map((s) => s.id);
  }

  private eventBase(t: QueueTicket, at: Date): TicketEventBase {
    return { ticketId: t.id, locationId: t.locationId, kind: t.kind as TicketKind, serviceIds: t.serviceIds, bookingId: t.bookingId, at: at.toISOString() };
  }

  private publishMoved(tx: TenantTx, t: QueueTicket, from: TicketStatus, now: Date, reason: 'staff' | 'day-end' = 'staff'): Promise<string> {
    return this.events.publish(tx, 'queue.ticket-moved', { ...this.eventBase(t, now), from, to: t.status, counterId: t.counterId, reason });
  }

  /**
   * The appointment was cancelled or moved (`reason`) away from its time `visitStart`: the tickets
   * of that visit end. Open ones (waiting, called, parked, or a restorable no-show) are cancelled;
   * a serving visit is left to the clerk. Their booking key is released, so a moved appointment
   * checks in anew on its new day. Legs are matched by the old time, so a redelivered event never
   * touches a ticket checked in for the new one; each change is a conditional update, and a second
   * run finds nothing and changes nothing.
   */
  async closeForBooking(bookingId: string, reason: 'booking-cancelled' | 'booking-moved', visitStart: Date): Promise<number> {
    const legs = (await this.data.repo(QueueTicket).find({ where: { bookingId }, order: { issuedAt: 'ASC', id: 'ASC' } })).filter(
      (t) => t.appointmentStart?.getTime() === visitStart.getTime(),
    );
    const locations = [...new Set(legs.filter((t) => t.status !== 'serving').map((t) => t.locationId))];
    if (locations.length === 0) return 0;
    const now = this.clock.now();
    return this.inLocations(locations, async (tx, unchanged) => {
      let closed = 0;
      let released = 0;
      for (const leg of legs) {
        const t = await tx.repo(QueueTicket).findById(leg.id);
        if (!t || t.status === 'serving') continue;
        if (t.bookingKey !== null)
          released += await tx.repo(QueueTicket).updateWhere({ bookingKey: null }, 'id = :id AND bookingKey IS NOT NULL', { id: t.id });
        const from = t.status;
        if (!['waiting', 'called', 'parked', 'no-show'].includes(from)) continue;
        const n = await tx.repo(QueueTicket).updateWhere({ status: 'cancelled', closedReason: reason, finishedAt: now }, 'id = :id AND status = :from', {
          id: t.id,
          from,
        });
        if (n === 0) continue;
        Object.assign(t, { status: 'cancelled', closedReason: reason, finishedAt: now });
        await this.freeCounter(tx, t.id);
        await this.publishMoved(tx, t, from, now);
        closed++;
      }
      if (closed === 0 && released === 0) unchanged();
      return closed;
    });
  }
}
