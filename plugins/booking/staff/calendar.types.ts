// The contract between the authority's calendar (service and JSON API) and the staff pages that
// render it: both sides build against these shapes.

/** What staff see of an appointment's state; 'checked-in' and 'no-show' come from the attendance the queue records. */
export type CalendarStatus = 'pending' | 'confirmed' | 'checked-in' | 'no-show' | 'cancelled' | 'expired';

export interface CalendarService {
  serviceId: string;
  name: string;
  quantity: number;
}

/** One appointment in a day or week view: no personal data (that is opened one by one, audited). */
export interface CalendarEntry {
  id: string;
  reference: string;
  status: CalendarStatus;
  channel: 'online' | 'phone' | 'kiosk' | 'agent';
  /** UTC instants (ISO 8601) and their tenant-local wall-clock times (HH:MM). */
  startAt: string;
  endAt: string;
  localStart: string;
  localEnd: string;
  services: CalendarService[];
  /** The counter (lane) the appointment is drawn in; null when no counter is set up. */
  counterId: string | null;
  /** A staff note, if any (free text written by staff, shown to staff only). */
  note: string | null;
}

/** A counter of the location (a column of the day view), or the single lane of a location without counters. */
export interface CalendarLane {
  counterId: string | null;
  name: string;
  room: string | null;
}

/** A stretch of blocked capacity (a slot, a counter for a day, the whole location for some hours). */
export interface CalendarBlock {
  id: string;
  counterId: string | null;
  startAt: string;
  endAt: string;
  localStart: string;
  localEnd: string;
  reason: string;
}

export interface CalendarDay {
  /** Tenant-local date YYYY-MM-DD. */
  date: string;
  location: { id: string; name: string };
  /**
   * Opening ranges of the day in tenant-local HH:MM (empty on a closed day, with closedReason):
   * how many counters are staffed and the length of a slot (a range starts a slot every slotMinutes).
   */
  open: { start: string; end: string; counters: number; slotMinutes: number }[];
  closedReason: string | null;
  lanes: CalendarLane[];
  entries: CalendarEntry[];
  blocks: CalendarBlock[];
}

export interface CalendarWeek {
  /** Monday … Sunday of the ISO week, tenant-local dates. */
  from: string;
  to: string;
  days: CalendarDay[];
}

/**
 * The locations a staff member may work with: a clerk's own, or all of the tenant for supervisors
 * and tenant-admins. The tenant is the request's (TenantContext), never carried here: plugin code
 * names no tenant (test/scoped-query-builders).
 */
export interface StaffScope {
  userId: string;
  role: 'staff' | 'supervisor' | 'tenant-admin' | 'super-admin';
  locationIds: string[] | 'all';
}

/** One appointment opened by staff, with the citizen's personal data (each opening is audited). */
export interface StaffBookingDetail extends CalendarEntry {
  location: { id: string; name: string };
  /** Optimistic concurrency: a move names the revision it was based on. */
  revision: number;
  /** Null once the personal data was removed after the retention period. */
  citizen: { name: string; email: string | null; phone: string | null; locale: 'de' | 'en'; sms: boolean } | null;
  /** Tenant-local time (HH:MM) the citizen checked in (kiosk or front desk), if they did. */
  checkedIn: string | null;
  /** Whether staff can still cancel or move it (pending or confirmed, not yet begun). */
  changeable: boolean;
}

/** A search hit: enough to pick the right person (the name), the rest is opened one by one. */
export interface StaffSearchHit extends CalendarEntry {
  locationId: string;
  citizenName: string | null;
}

export interface StaffSearchResult {
  /** How the query was read; the audit log records this kind, not a personal query itself. */
  kind: 'reference' | 'name' | 'email' | 'phone';
  hits: StaffSearchHit[];
  /** More than the limit matched: refine the query. */
  truncated: boolean;
}

/** The day list for printing (A4): the day's appointments in time order with the names (audited). */
export interface CalendarPrintDay extends CalendarDay {
  rows: Array<CalendarEntry & { citizenName: string | null; counterName: string | null }>;
}

/** An appointment a block hits (confirmed, in the blocked counter's lane or anywhere at a blocked location). */
export interface BlockAffected extends CalendarEntry {
  /** Tenant-local date of the appointment. */
  date: string;
  citizenName: string | null;
  /** Whether the citizen can be mailed an offer; otherwise staff call (phone, if known). */
  hasEmail: boolean;
  phone: string | null;
}

export interface BlockResult {
  block: CalendarBlock;
  /** Units of capacity taken out at once (booked ones follow when they are freed). */
  removedUnits: number;
  affected: BlockAffected[];
}

export interface BlockOfferResult {
  /** References whose citizens were mailed an offer of a new time (empty when offered before). */
  mailed: string[];
  /** Affected appointments without an email address: to be called. */
  callList: BlockAffected[];
  /** True when the offer had been sent before; nothing was sent again. */
  alreadyOffered: boolean;
}
