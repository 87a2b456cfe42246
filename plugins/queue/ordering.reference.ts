import type { OrderingContext, QueueEntry } from './queue.types.js';

/*
 * The queue's ordering rules, written to be read, not to be fast (ordering.ts is the production
 * version; ordering.spec.ts checks that both agree). Each rule is set per location (tenant defaults
 * in the queue settings).
 *
 * Who a counter may call at all:
 *   1. A ticket transferred to a counter is called by that counter only.
 *   2. A counter calls only tickets all of whose services it handles today, except a ticket
 *      transferred (or a parked visitor brought back) to that very counter: the explicit target
 *      overrides the service filter, else nobody could ever call it.
 *   Tickets a counter may not call are not in its order at all.
 *
 * Place in line:
 *   3. A walk-in's place is when it was drawn (or the place a transfer kept).
 *   4. An appointment's place is its start time; if the holder checked in after the start, or a
 *      transfer sent the ticket to the end, its later check-in / transfer time.
 *
 * Who goes next (the first rule that applies decides):
 *   5. Urgent tickets (priority above 0, set by staff) first, even an early arrival: higher
 *      priority first, then by place.
 *   6. An appointment is due from `callableMinutesBeforeStart` minutes before its start; before
 *      that it is an early arrival.
 *   7. Anti-starvation: when both a due appointment and a walk-in wait, the walk-in waiting longest
 *      goes next if `maxAppointmentsInRow` appointments have been called in a row since the last
 *      walk-in, or if it has waited `walkInMaxWaitMinutes` and the last call was an appointment
 *      (0 switches either rule off). So when every walk-in has waited that long (a counter short on
 *      a busy day), walk-ins and appointments take turns instead of the appointments starving.
 *   8. With `appointmentsFirst` (Wickede), due appointments go before walk-ins, by place; without
 *      it, due appointments and walk-ins share one line by place.
 *   9. Walk-ins among themselves: first come, first served.
 *  10. Early arrivals are called ahead of their time only when no due appointment and no walk-in
 *      waits, and only with `callEarlyArrivals` (Alzey: most holders come early, and calling them
 *      when the counter would otherwise idle frees their slot for the same day); by place.
 *      An early arrival is not yet owed a call, a waiting walk-in is: the walk-in goes first.
 *  11. Ties: the smaller ticket id first, so the same queue always gives the same order.
 *
 * The location's order (positions, estimates) is what one counter would call one after another
 * with the clock standing still, counting appointments in a row as it goes; early arrivals it
 * would not call yet come last, by place.
 */

const MINUTE = 60_000;

function counterMayCall(ticket: QueueEntry, ctx: OrderingContext): boolean {
  // Rule 1 (a location-wide order, counterId null, includes every counter's transfers).
  if (ticket.targetCounterId !== null && ctx.counterId !== null && ticket.targetCounterId !== ctx.counterId) return false;
  // Rule 2 (not for a ticket sent to this very counter).
  if (ctx.serviceIds === null || (ticket.targetCounterId !== null && ticket.targetCounterId === ctx.counterId)) return true;
  for (const service of ticket.serviceIds) if (!ctx.serviceIds.includes(service)) return false;
  return true;
}

function place(ticket: QueueEntry): number {
  if (ticket.kind === 'walk-in' || ticket.appointmentStart === null) return ticket.sortAt.getTime(); // rule 3
  return Math.max(ticket.appointmentStart.getTime(), ticket.sortAt.getTime()); // rule 4
}

function isDue(ticket: QueueEntry, ctx: OrderingContext): boolean {
  if (ticket.appointmentStart === null) return true;
  return ticket.appointmentStart.getTime() - ctx.rules.callableMinutesBeforeStart * MINUTE <= ctx.now.getTime(); // rule 6
}

function byId(a: QueueEntry, b: QueueEntry): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0; // rule 11
}

function byPlace(a: QueueEntry, b: QueueEntry): number {
  return place(a) - place(b) || byId(a, b);
}

export function referencePickNext(entries: readonly QueueEntry[], ctx: OrderingContext): QueueEntry | null {
  const mine = entries.filter((t) => counterMayCall(t, ctx));

  const urgent = mine.filter((t) => t.priority > 0);
  if (urgent.length > 0) return urgent.sort((a, b) => b.priority - a.priority || byPlace(a, b))[0]!; // rule 5

  const walkIns = mine.filter((t) => t.kind === 'walk-in').sort(byPlace); // rule 9
  const due = mine.filter((t) => t.kind === 'appointment' && isDue(t, ctx)).sort(byPlace);
  const early = mine.filter((t) => t.kind === 'appointment' && !isDue(t, ctx)).sort(byPlace);

  if (due.length > 0 && walkIns.length > 0) {
    const longestWaiting = walkIns[0]!;
    const tooManyInRow = ctx.rules.maxAppointmentsInRow > 0 && ctx.appointmentsInRow >= ctx.rules.maxAppointmentsInRow;
    const waitedTooLong =
      ctx.rules.walkInMaxWaitMinutes > 0 &&
      ctx.now.getTime() - longestWaiting.sortAt.getTime() >= ctx.rules.walkInMaxWaitMinutes * MINUTE &&
      ctx.appointmentsInRow > 0;
    if (tooManyInRow || waitedTooLong) return longestWaiting; // rule 7
    if (ctx.rules.appointmentsFirst) return due[0]!; // rule 8
    return [due[0]!, longestWaiting].sort(byPlace)[0]!; // rule 8, one line
  }
  if (due.length > 0) return due[0]!;
  if (walkIns.length > 0) return walkIns[0]!;
  if (ctx.rules.callEarlyArrivals && early.length > 0) return early[0]!; // rule 10
  return null;
}

export function referenceOrderQueue(entries: readonly QueueEntry[], ctx: OrderingContext): QueueEntry[] {
  const left = entries.filter((t) => counterMayCall(t, ctx));
  const order: QueueEntry[] = [];
  let appointmentsInRow = ctx.appointmentsInRow;
  for (;;) {
    const next = referencePickNext(left, { ...ctx, appointmentsInRow });
    if (next === null) break;
    order.push(next);
    left.splice(left.indexOf(next), 1);
    appointmentsInRow = next.kind === 'appointment' ? appointmentsInRow + 1 : 0;
  }
  return order.concat(left.sort(byPlace));
}
