import { Injectable } from '@nestjs/common';
import type { EventSubscriber, PublishedEvent } from '../../apps/server/src/events/event.types.js';
import '../booking/booking.api.js';
import { MatchingService } from './matching.service.js';
import { OfferService } from './offer.service.js';
import { WishService } from './wish.service.js';

type CapacityEvent = 'booking.capacity-freed' | 'booking.capacity-released';

/**
 * Matches as soon as agent capacity appears (released, or given back by a cancellation, a decline
 * or an expiry) instead of waiting for the minute task. A round brings the state up to date, so a
 * redelivered event only runs a round that finds nothing changed.
 */
@Injectable()
export class CapacityEventsSubscriber implements EventSubscriber<CapacityEvent> {
  readonly events = ['booking.capacity-freed', 'booking.capacity-released'] as const;

  constructor(
    private readonly offers: OfferService,
    private readonly wishes: WishService,
    private readonly matching: MatchingService,
  ) {}

  async handle(event: PublishedEvent<CapacityEvent>): Promise<void> {
    const agentShare = event.type === 'booking.capacity-released' ? event.payload.units.agent > 0 : event.payload.slots.some((s) => s.channel === 'agent');
    if (agentShare) await this.round();
  }

  /**
   * Ends expired offers and lapsed wishes first, so their times are matched in the same run, then
   * mails the new offers. The minute task runs the same round.
   */
  async round(): Promise<void> {
    await this.offers.expireDue();
    await this.wishes.lapseDue();
    await this.matching.run();
    await this.offers.mailPending();
  }
}
