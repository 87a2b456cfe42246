import type { Type } from '@nestjs/common';

/**
 * The payload type of every event, by type name. Plugins add their events by declaration merging:
 *
 *   declare module '../../apps/server/src/events/event.types.js' {
 *     interface DomainEventMap { 'booking.cancelled': BookingCancelled }
 *   }
 *
 * Payloads carry ids, instants, channel, location and service ids only: never a name, an address,
 * a phone number, a token or a reference that grants access (events are kept and sent to webhooks).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DomainEventMap {}

export type DomainEventType = keyof DomainEventMap & string;

/** An event as a subscriber receives it; `id` is the key a handler deduplicates on. */
export type PublishedEvent<K extends DomainEventType = DomainEventType> = {
  [T in K]: { id: string; type: T; tenantId: string; occurredAt: Date; payload: DomainEventMap[T] };
}[K];

/**
 * A subscriber: a Nest provider of a plugin (listed in the plugin's `subscribers`) or of the core.
 * Delivery is at least once: after a crash or a lost lease a handler may see the same event again,
 * so `handle` must be idempotent by `event.id`. It runs inside the event's tenant context; a
 * failure is retried with backoff.
 */
export interface EventSubscriber<K extends DomainEventType = DomainEventType> {
  readonly events: readonly K[];
  handle(event: PublishedEvent<K>): Promise<void>;
}

export type EventSubscriberClass = Type<EventSubscriber>;
