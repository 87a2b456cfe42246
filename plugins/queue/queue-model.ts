import type { QueueTicket } from './entities/ticket.entity.js';
import type { QueueSettings } from './queue.settings.js';
import type { QueueEntry, TicketStatus, TicketView } from './queue.types.js';

/** Statuses in which a ticket still belongs to the day's queue (the day-end task closes them). */
export const OPEN_STATUSES: TicketStatus[] = ['waiting', 'called', 'serving', 'parked'];

/** Statuses of a ticket at a counter: the workplace's current visitor. */
export const AT_COUNTER: TicketStatus[] = ['called', 'serving'];

/**
 * The n-th number drawn (1-based) of a day: the range start..end, wrapping around after the end,
 * with the prefix and padded to the configured digits ("T017").
 */
export function ticketNumber(drawn: number, prefix: string, s: Pick<QueueSettings, 'numberRangeStart' | 'numberRangeEnd' | 'numberPadding'>) {
  const size = s.numberRangeEnd - s.numberRangeStart + 1;
  const seq = s.numberRangeStart + ((drawn - 1) % size);
  return { seq, number: `${prefix}${String(seq).padStart(s.numberPadding, '0')}` };
}

export function toEntry(t: QueueTicket): QueueEntry {
  return {
    id: t.id,
    kind: t.kind,
    priority: t.priority,
    sortAt: t.sortAt,
    appointmentStart: t.appointmentStart,
    serviceIds: t.serviceIds,
    targetCounterId: t.targetCounterId,
  };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toView(t: QueueTicket, place?: { position: number; estimatedWaitMinutes: number | null }): TicketView {
  return {
    id: t.id,
    number: t.number,
    kind: t.kind,
    status: t.status,
    priority: t.priority,
    locationId: t.locationId,
    serviceIds: t.serviceIds,
    bookingId: t.bookingId,
    issuedAt: t.issuedAt.toISOString(),
    sortAt: t.sortAt.toISOString(),
    appointmentStart: iso(t.appointmentStart),
    calledAt: iso(t.calledAt),
    startedAt: iso(t.startedAt),
    finishedAt: iso(t.finishedAt),
    callCount: t.callCount,
    counterId: t.counterId,
    targetCounterId: t.targetCounterId,
    estimatedWaitMinutes: place?.estimatedWaitMinutes ?? null,
    position: place?.position ?? null,
  };
}
