import { Module } from '@nestjs/common';
import { AgentCapacityService } from './agent-capacity.service.js';
import { AvailabilityService } from './availability.service.js';
import { BookingMailService } from './booking-mail.service.js';
import { BackofficeController } from './backoffice.controller.js';
import { BookingController } from './booking.controller.js';
import { BookingService } from './booking.service.js';
import { BotProtectionService } from './bot-protection.service.js';
import { CapacityService } from './capacity.service.js';
import { CitizenCapsService } from './citizen-caps.service.js';
import { PORTAL_CONTROLLERS, PortalModule } from './portal/portal.module.js';
import { ReleaseService } from './release.service.js';
import { ReminderService } from './reminder.service.js';

const PUBLISHED = [AvailabilityService, BookingService, CapacityService, ReleaseService, BookingMailService, AgentCapacityService];

/** Online appointments: capacity and release, availability, double-opt-in bookings, mails. */
@Module({
  // The citizen portal's pages use the services above; see portal/portal.module.ts.
  imports: [PortalModule],
  controllers: [BookingController, BackofficeController, ...PORTAL_CONTROLLERS],
  providers: [...PUBLISHED, BotProtectionService, CitizenCapsService, ReminderService],
  exports: PUBLISHED,
})
export class BookingModule {}
