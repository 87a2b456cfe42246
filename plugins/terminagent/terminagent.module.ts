import { Module } from '@nestjs/common';
import { WebModule } from '../../apps/server/src/web/web.module.js';
import { BookingModule } from '../booking/booking.api.js';
import { CapacityEventsSubscriber } from './capacity-events.subscriber.js';
import { MatchingService } from './matching.service.js';
import { OfferService } from './offer.service.js';
import { StatsService } from './stats.service.js';
import { TerminagentDashboardFigures } from './terminagent-dashboard.js';
import { TerminagentMailService } from './terminagent-mail.service.js';
import { TerminagentController } from './terminagent.controller.js';
import { TerminagentTasks } from './terminagent.tasks.js';
import { FiguresController, FiguresRedirectController } from './portal/figures.controller.js';
import { WaitlistPages } from './portal/waitlist-pages.service.js';
import { WaitlistController } from './portal/waitlist.controller.js';
import { WishService } from './wish.service.js';

/** The waitlist agent: wishes, FIFO matching of the agent share, offers by mail, figures. */
@Module({
  // Capacity, appointments and their mails belong to the booking plugin; the agent uses its published services.
  // Its citizen pages render in the core's page frame (layout, branding, error pages).
  imports: [BookingModule, WebModule],
  controllers: [TerminagentController, WaitlistController, FiguresController, FiguresRedirectController],
  providers: [
    CapacityEventsSubscriber,
    TerminagentDashboardFigures,
    WishService,
    OfferService,
    MatchingService,
    StatsService,
    TerminagentMailService,
    WaitlistPages,
    TerminagentTasks,
  ],
  exports: [WishService, OfferService, MatchingService, StatsService],
})
export class TerminagentModule {}
