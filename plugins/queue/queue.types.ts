// The queue's shared shapes: the engine (queue.service), the pure ordering and waiting-time math
// (ordering.ts, wait-estimate.ts), the counter workplace and presence pages, the display feed and,
// next, the kiosk build against these. No personal data leaves the engine through the display or
// events: a ticket is named by its number.

export type TicketKind = 'appointment' | 'walk-in';

export type TicketStatus = 'waiting' | 'called' | 'serving' | 'done' | 'no-show' | 'parked' | 'transferred' | 'cancelled';

/** Who issued a ticket: staff at the front desk or a counter, or a kiosk device. */
export type TicketSource = 'staff' | 'kiosk';

/**
 * How a location orders its queue (per location, tenant defaults in the plugin settings).
 * Minutes of 0 switch a rule off where noted.
 */
export interface OrderingRules {
  /** Callable appointment holders go before walk-ins (Wickede). */
  appointmentsFirst: boolean;
  /** An appointment becomes callable this many minutes before its start. */
  callableMinutesBeforeStart: number;
  /** Early arrivals may be called ahead of their time when no due appointment waits (Alzey). */
  callEarlyArrivals: boolean;
  /** After this many appointments in a row, a waiting walk-in goes next (0: off). */
  maxAppointmentsInRow: number;
  /** A walk-in that has waited this long goes next (0: off). */
  walkInMaxWaitMinutes: number;
}

/** One waiting ticket as the ordering sees it. */
export interface QueueEntry {
  id: string;
  kind: TicketKind;
  /** 0 normal; higher is more urgent (explicit priority by staff) and goes first. */
  priority: number;
  /** Place in line: check-in or issue time, or the kept place of a transfer. */
  sortAt: Date;
  /** Appointment start (kind 'appointment' only). */
  appointmentStart: Date | null;
  serviceIds: string[];
  /** Only this counter may call it (a transfer to a counter), else null. */
  targetCounterId: string | null;
}

/** What a counter asks the ordering for. */
export interface OrderingContext {
  now: Date;
  rules: OrderingRules;
  /** Appointments called in a row at this location since the last walk-in. */
  appointmentsInRow: number;
  /** The asking counter (null: ordering for the whole location, e.g. positions and estimates). */
  counterId: string | null;
  /** Services the counter handles today; null: all. */
  serviceIds: string[] | null;
}

export interface TicketView {
  id: string;
  number: string;
  kind: TicketKind;
  status: TicketStatus;
  priority: number;
  locationId: string;
  serviceIds: string[];
  bookingId: string | null;
  /** ISO instants (UTC). */
  issuedAt: string;
  sortAt: string;
  appointmentStart: string | null;
  calledAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  callCount: number;
  counterId: string | null;
  targetCounterId: string | null;
  /** Estimated minutes until the call (waiting tickets only), from the live queue. */
  estimatedWaitMinutes: number | null;
  /** 1-based place in the location's order (waiting tickets only). */
  position: number | null;
}

/** One call on the display: number → counter, never a name. */
export interface DisplayCall {
  ticketId: string;
  number: string;
  counterName: string;
  room: string | null;
  /** ISO instant of the latest call (recalls move it). */
  calledAt: string;
  callCount: number;
}

/** What a display device of a location shows; `version` changes with every change of the queue. */
export interface DisplayState {
  locationId: string;
  locationName: string;
  version: number;
  calls: DisplayCall[];
  waitingCount: number;
  /** Estimated wait of a ticket drawn now, minutes (null: no data yet). */
  estimatedWaitMinutes: number | null;
}

/** A clerk's place for today: a counter of a location and the services handled there. */
export interface WorkplaceView {
  userId: string;
  userName: string;
  locationId: string;
  counterId: string;
  counterName: string;
  serviceIds: string[];
  status: 'open' | 'paused';
  /** ISO instant of the last status change (for "since"). */
  since: string;
  current: TicketView | null;
}

/** One of today's appointments at the location, for the counter's list (arrived / not yet / late). */
export interface DayAppointmentView {
  bookingId: string;
  reference: string;
  /** The citizen's name, shown to staff only (never on a display or in an event). */
  name: string;
  serviceIds: string[];
  start: string;
  end: string;
  localStart: string;
  arrival: 'arrived' | 'not-yet' | 'late' | 'no-show' | 'done';
  ticketId: string | null;
}

/** What the counter page shows: one poll answers it all. */
export interface CounterBoard {
  version: number;
  workplace: WorkplaceView | null;
  /** Waiting tickets this counter may call, in call order (position, estimate). */
  waiting: TicketView[];
  /** Parked and no-show tickets of the location today (staff may bring them back). */
  parked: TicketView[];
  appointments: DayAppointmentView[];
  /** The caller may call a specific ticket (supervisor, or a tenant setting for clerks). */
  mayCallSpecific: boolean;
  /** The caller may issue urgent tickets and set priorities (supervisors and admins). */
  mayPrioritize: boolean;
}

/** Supervisors' overview of a location (who waits, who is at which counter, since when). */
export interface PresenceView {
  version: number;
  locationId: string;
  waiting: TicketView[];
  workplaces: WorkplaceView[];
}

export type TransferTarget = {
  /** Another counter of the same location, another service, or another location's queue. */
  counterId?: string | null;
  serviceIds?: string[];
  locationId?: string;
  /** Keep the ticket's place in line, or go to the end. */
  position: 'keep' | 'end';
};
