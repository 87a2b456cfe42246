import type { BookingChannel, BookingStatus } from './entities/booking.entity.js';
import type { Channel } from './entities/capacity-unit.entity.js';

/**
 * The booking plugin's events (published: other plugins and webhooks rely on their shape). They
 * name the appointment by its id only: no reference, token, name, address or phone (invariant 6).
 * Instants are ISO 8601 in UTC.
 */
export interface BookingEventBase {
  bookingId: string;
  channel: BookingChannel;
  locationId: string;
  serviceIds: string[];
  start: string;
  end: string;
}

export interface BookingCreated extends BookingEventBase {
  /** pending (waits for the citizen's confirmation) or confirmed (staff, kiosk, Terminagent). */
  status: BookingStatus;
  holdUntil: string | null;
}

export type BookingConfirmed = BookingEventBase;

export interface BookingCancelled extends BookingEventBase {
  previousStatus: BookingStatus;
}

export interface BookingRebooked extends BookingEventBase {
  from: { locationId: string; start: string; end: string };
}

/** A pending hold that was not confirmed in time. */
export type BookingLapsed = BookingEventBase;

/** New units were opened (the release task) at a location, per channel. */
export interface CapacityReleased {
  locationId: string;
  days: string[];
  units: Record<Channel, number>;
}

/** Units came back (a cancellation, a lapsed hold, a declined or expired offer, a delayed return). */
export interface CapacityFreed {
  slots: Array<{ locationId: string; channel: Channel; start: string }>;
}

declare module '../../apps/server/src/events/event.types.js' {
  interface DomainEventMap {
    'booking.created': BookingCreated;
    'booking.confirmed': BookingConfirmed;
    'booking.cancelled': BookingCancelled;
    'booking.rebooked': BookingRebooked;
    'booking.lapsed': BookingLapsed;
    'booking.capacity-released': CapacityReleased;
    'booking.capacity-freed': CapacityFreed;
  }
}

/** The event fields of an appointment. */
export function bookingEventBase(b: {
  id: string;
  channel: BookingChannel;
  locationId: string;
  services: Array<{ serviceId: string }>;
  startAt: Date;
  endAt: Date;
}): BookingEventBase {
  return {
    bookingId: b.id,
    channel: b.channel,
    locationId: b.locationId,
    serviceIds: b.services.map((s) => s.serviceId),
    start: b.startAt.toISOString(),
    end: b.endAt.toISOString(),
  };
}
