import { Module } from '@nestjs/common';
import { WebModule } from '../../apps/server/src/web/web.module.js';
import { BookingModule } from '../booking/booking.api.js';
import { BookingEventsSubscriber } from './booking-events.subscriber.js';
import { DisplayFeedService } from './display-feed.service.js';
import { QueueChanges } from './queue-changes.js';
import { QueueConfigService } from './queue-config.service.js';
import { QueueVersionsService } from './queue-versions.service.js';
import { QueueController } from './queue.controller.js';
import { QueueService } from './queue.service.js';
import { QueueTasks } from './queue.tasks.js';
import { CounterPagesController } from './workplace-pages/counter-pages.controller.js';
import { PresencePagesController } from './workplace-pages/presence-pages.controller.js';
import { WorkplaceChoicesService } from './workplace-pages/workplace-choices.service.js';
import { QueueWorkplacePages } from './workplace-pages/workplace-pages.service.js';

const PUBLISHED = [QueueService, QueueChanges, QueueVersionsService, QueueConfigService, DisplayFeedService];

/** The waiting queue: tickets, counters' calls, the staff JSON API and the views of counters, presence and displays. */
@Module({
  // Appointments' attendance and the staff's location scope belong to booking (its published services).
  // The counter and presence pages (workplace-pages/) render in the core's staff frame.
  imports: [BookingModule, WebModule],
  controllers: [QueueController, CounterPagesController, PresencePagesController],
  providers: [...PUBLISHED, QueueTasks, BookingEventsSubscriber, QueueWorkplacePages, WorkplaceChoicesService],
  exports: PUBLISHED,
})
export class QueueModule {}
