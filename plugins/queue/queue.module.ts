import { Module } from '@nestjs/common';
import { BookingModule } from '../booking/booking.api.js';
import { DisplayFeedService } from './display-feed.service.js';
import { QueueChanges } from './queue-changes.js';
import { QueueConfigService } from './queue-config.service.js';
import { QueueVersionsService } from './queue-versions.service.js';
import { QueueController } from './queue.controller.js';
import { QueueService } from './queue.service.js';
import { QueueTasks } from './queue.tasks.js';

const PUBLISHED = [QueueService, QueueChanges, QueueVersionsService, QueueConfigService, DisplayFeedService];

/** The waiting queue: tickets, counters' calls, the staff JSON API and the views of counters, presence and displays. */
@Module({
  // Appointments' attendance and the staff's location scope belong to booking (its published services).
  imports: [BookingModule],
  controllers: [QueueController],
  providers: [...PUBLISHED, QueueTasks],
  exports: PUBLISHED,
})
export class QueueModule {}
