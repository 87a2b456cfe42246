import type { TicketKind, TicketSource, TicketStatus } from './queue.types.js';

/**
 * The queue's events (published: statistics and webhooks rely on their shape). A ticket is named by
 * its id only: no number, name, reference or booking token (invariant 6). Instants are ISO 8601 UTC.
 */
export interface TicketEventBase {
  ticketId: string;
  locationId: string;
  kind: TicketKind;
  serviceIds: string[];
  /** The appointment's booking (kind 'appointment'), for joining with booking events. */
  bookingId: string | null;
  at: string;
}

export interface TicketIssued extends TicketEventBase {
  source: TicketSource;
  /** Minutes before (+) or after (−) the appointment's start, for appointments. */
  minutesBeforeStart: number | null;
}
export interface TicketCalled extends TicketEventBase {
  counterId: string;
  callCount: number;
  /** Seconds from check-in / issue to this call (first calls only). */
  waitedSeconds: number | null;
}
export interface TicketStarted extends TicketEventBase {
  counterId: string;
  /** Seconds from the first call to the start (way time). */
  waySeconds: number;
}
export interface TicketFinished extends TicketEventBase {
  counterId: string;
  deliveredServiceIds: string[];
  serviceSeconds: number;
}
export interface TicketMoved extends TicketEventBase {
  from: TicketStatus;
  to: TicketStatus;
  counterId: string | null;
  /** 'staff': a clerk's or supervisor's action; 'day-end': closed by the nightly task (an earlier day's leftover). */
  reason: 'staff' | 'day-end';
}
/** A supervisor set a ticket's priority (urgent > 0). */
export interface TicketPriority extends TicketEventBase {
  from: number;
  to: number;
}
export interface TicketTransferred extends TicketEventBase {
  newTicketId: string;
  toLocationId: string;
  toCounterId: string | null;
  keptPlace: boolean;
}
/** A booked appointment nobody checked in for by its end plus the grace time. */
export interface AppointmentNoShow {
  bookingId: string;
  locationId: string;
  serviceIds: string[];
  start: string;
}

declare module '../../apps/server/src/events/event.types.js' {
  interface DomainEventMap {
    'queue.ticket-issued': TicketIssued;
    'queue.ticket-called': TicketCalled;
    'queue.ticket-started': TicketStarted;
    'queue.ticket-finished': TicketFinished;
    /** no-show, parked, back to waiting, cancelled, closed at the day's end. */
    'queue.ticket-moved': TicketMoved;
    'queue.ticket-priority': TicketPriority;
    'queue.ticket-transferred': TicketTransferred;
    'queue.appointment-no-show': AppointmentNoShow;
  }
}
