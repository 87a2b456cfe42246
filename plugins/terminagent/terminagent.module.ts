import { Module } from '@nestjs/common';
import { BookingModule } from '../booking/booking.module.js';
import { PortalModule } from '../booking/portal/portal.module.js';
import { CapacityEventsSubscriber } from './capacity-events.subscriber.js';
import { MatchingService } from './matching.service.js';
import { OfferService } from './offer.service.js';
import { StatsService } from './stats.service.js';
import { TerminagentMailService } from './terminagent-mail.service.js';
import { TerminagentController } from './terminagent.controller.js';
import { FiguresController } from './portal/figures.controller.js';
import { WaitlistPages } from './portal/waitlist-pages.service.js';
import { WaitlistController } from './portal/waitlist.controller.js';
import { WishService } from './wish.service.js';

/** The waitlist agent: wishes, FIFO matching of the agent share, offers by mail, figures. */
@Module({
  // Capacity, appointments and their mails belong to the booking plugin; the agent uses its published services.
  // Its citizen pages live in the booking portal's frame (layout, branding, error pages).
  imports: [BookingModule, PortalModule],
  controllers: [TerminagentController, WaitlistController, FiguresController],
  providers: [CapacityEventsSubscriber, WishService, OfferService, MatchingService, StatsService, TerminagentMailService, WaitlistPages],
  exports: [WishService, OfferService, MatchingService, StatsService],
})
export class TerminagentModule {}
