import type { CatalogSnapshot } from '../../../apps/server/src/catalog/catalog.service.js';
import type { Locale, Translate } from '../../../apps/server/src/web/i18n.js';
import type { CounterBoard, PresenceView, TicketView, WorkplaceView } from '../queue.types.js';

/**
 * What the counter and presence pages show, from the engine's views: service names in the page's
 * language, written-out statuses, the appointment's name and reference beside its ticket (staff
 * only). Pure: the controllers hand in the catalog and the translator.
 */
export interface ViewContext {
  t: Translate;
  locale: Locale;
  catalog: CatalogSnapshot;
}

export function serviceName(c: ViewContext, id: string): string {
  const s = c.catalog.services.find((x) => x.id === id);
  if (!s) return '–';
  return c.locale === 'en' && s.nameEn ? s.nameEn : s.name;
}

export function serviceNames(c: ViewContext, ids: string[]): string {
  return ids.map((id) => serviceName(c, id)).join(', ');
}

/** The active services a location offers, by catalog position. */
export function locationServices(c: ViewContext, locationId: string, walkInOnly = false): Array<{ id: string; name: string }> {
  const offered = new Set(c.catalog.offerings.filter((o) => o.locationId === locationId).map((o) => o.serviceId));
  return c.catalog.services.filter((s) => s.active && offered.has(s.id) && (!walkInOnly || s.walkIn)).map((s) => ({ id: s.id, name: serviceName(c, s.id) }));
}

export function locationName(c: ViewContext, id: string): string {
  return c.catalog.locations.find((l) => l.id === id)?.name ?? '–';
}

function ticketRow(c: ViewContext, v: TicketView) {
  return {
    ...v,
    urgent: v.priority > 0,
    kindLabel: c.t(`counter.kind.${v.kind}`),
    statusLabel: c.t(`counter.status.${v.status}`),
    services: serviceNames(c, v.serviceIds),
    estimate:
      v.estimatedWaitMinutes === null ? null : v.estimatedWaitMinutes < 1 ? c.t('counter.soon') : c.t('counter.minutes', { min: v.estimatedWaitMinutes }),
  };
}

function workplaceHead(c: ViewContext, w: WorkplaceView) {
  // A workplace for everything the location offers (none chosen means all) says so in two words.
  const all = locationServices(c, w.locationId).every((s) => !w.serviceIds.length || w.serviceIds.includes(s.id));
  return {
    ...w,
    paused: w.status === 'paused',
    locationName: locationName(c, w.locationId),
    services: all ? c.t('counter.allServices') : serviceNames(c, w.serviceIds),
  };
}

/** The counter page's data: the workplace, its current visitor, the lists and the transfer targets. */
export function counterView(
  c: ViewContext,
  board: CounterBoard,
  transfer: { counters: Array<{ id: string; name: string }>; locations: Array<{ id: string; name: string }> },
) {
  const w = board.workplace!;
  const byBooking = new Map(board.appointments.map((a) => [a.bookingId, a]));
  const tickets = new Map([...board.waiting, ...board.parked, ...(w.current ? [w.current] : [])].map((x) => [x.id, x]));
  const cur = w.current;
  const appt = cur?.bookingId ? byBooking.get(cur.bookingId) : undefined;
  return {
    workplace: workplaceHead(c, w),
    current: cur && {
      ...ticketRow(c, cur),
      called: cur.status === 'called',
      serving: cur.status === 'serving',
      name: appt?.name ?? null,
      reference: appt?.reference ?? null,
      serviceChoices: cur.serviceIds.map((id) => ({ id, name: serviceName(c, id), checked: true })),
    },
    waiting: board.waiting.map((x) => ticketRow(c, x)),
    parked: board.parked.map((x) => ticketRow(c, x)),
    appointments: board.appointments.map((a) => ({
      ...a,
      services: serviceNames(c, a.serviceIds),
      arrivalLabel: c.t(`counter.arrival.${a.arrival}`),
      number: a.ticketId ? (tickets.get(a.ticketId)?.number ?? null) : null,
      // With a ticket (e.g. a no-show one) the visitor is brought back from the parked list ("zurückholen").
      canCheckIn: !a.ticketId && (a.arrival === 'not-yet' || a.arrival === 'late' || a.arrival === 'no-show'),
    })),
    mayCallSpecific: board.mayCallSpecific,
    mayPrioritize: board.mayPrioritize,
    // Calling a specific ticket needs a free, open workplace, as calling the next one does.
    mayCallNow: !cur && w.status === 'open',
    walkInServices: locationServices(c, w.locationId, true),
    transfer: {
      counters: transfer.counters.filter((x) => x.id !== w.counterId),
      services: locationServices(c, w.locationId),
      locations: transfer.locations.filter((l) => l.id !== w.locationId),
    },
  };
}

/** The presence page's data: each staffed counter with its state in words, the waiting tickets. */
export function presenceView(c: ViewContext, view: PresenceView) {
  return {
    workplaces: view.workplaces.map((w) => {
      const cur = w.current;
      const state = w.status === 'paused' ? 'paused' : cur?.status === 'serving' ? 'serving' : cur ? 'calling' : 'free';
      return {
        ...workplaceHead(c, w),
        state,
        stateKey: `presence.${state}`,
        stateInstant: state === 'serving' ? cur!.startedAt : state === 'calling' ? cur!.calledAt : w.since,
        number: cur?.number ?? null,
      };
    }),
    waiting: view.waiting.map((x) => ticketRow(c, x)),
  };
}
