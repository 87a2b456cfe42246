import { Injectable } from '@nestjs/common';
import type { EventSubscriber, PublishedEvent } from '../../apps/server/src/events/event.types.js';
import '../booking/booking.api.js';
import { QueueService } from './queue.service.js';

type AppointmentChange = 'booking.cancelled' | 'booking.rebooked';

/**
 * A cancelled or moved appointment leaves no ticket behind: its open legs are cancelled and its
 * booking key released (a moved appointment is a new visit and checks in again on its new day).
 * Only the legs of the appointment's old time are touched, so a redelivered event (delivery is at
 * least once) neither repeats a change nor closes a ticket checked in for the new time.
 */
@Injectable()
export class BookingEventsSubscriber implements EventSubscriber<AppointmentChange> {
  readonly events = ['booking.cancelled', 'booking.rebooked'] as const;

  constructor(private readonly queue: QueueService) {}

  async handle(event: PublishedEvent<AppointmentChange>): Promise<void> {
    const { payload } = event;
    if (event.type === 'booking.rebooked') await this.queue.closeForBooking(payload.bookingId, 'booking-moved', new Date(event.payload.from.start));
    else await this.queue.closeForBooking(payload.bookingId, 'booking-cancelled', new Date(payload.start));
  }
}
