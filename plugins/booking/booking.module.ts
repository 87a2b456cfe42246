import { Module } from '@nestjs/common';
import { WebModule } from '../../apps/server/src/web/web.module.js';
import { AgentCapacityService } from './agent-capacity.service.js';
import { AvailabilityService } from './availability.service.js';
import { BookingAttendanceService } from './booking-attendance.service.js';
import { BookingDashboardFigures } from './booking-dashboard.js';
import { BookingMailService } from './booking-mail.service.js';
import { BackofficeController } from './backoffice.controller.js';
import { BookingController } from './booking.controller.js';
import { BookingService } from './booking.service.js';
import { BookingTasks } from './booking.tasks.js';
import { BotProtectionService } from './bot-protection.service.js';
import { CapacityService } from './capacity.service.js';
import { BookingWriterService } from './booking-writer.service.js';
import { CitizenCapsService } from './citizen-caps.service.js';
import { AppointmentController } from './portal/appointment.controller.js';
import { BookingFlowController } from './portal/booking-flow.controller.js';
import { PortalPages } from './portal/portal-pages.service.js';
import { ReleaseService } from './release.service.js';
import { ReminderService } from './reminder.service.js';
import { CalendarService } from './staff/calendar.service.js';
import { StaffAccessService } from './staff/staff-access.service.js';
import { CalendarFeedAdminController, CalendarFeedController } from './staff/calendar-feed.controller.js';
import { CalendarFeedService } from './staff/calendar-feed.service.js';
import { CapacityBlockController } from './staff/capacity-block.controller.js';
import { CapacityBlockService } from './staff/capacity-block.service.js';
import { StaffBookingsController } from './staff/staff-bookings.controller.js';
import { StaffBookingsService } from './staff/staff-bookings.service.js';
import { StaffCalendarController } from './staff/staff-calendar.controller.js';
import { AppointmentPagesController } from './staff-pages/appointment-pages.controller.js';
import { BlockPagesController } from './staff-pages/block-pages.controller.js';
import { CalendarPagesController } from './staff-pages/calendar-pages.controller.js';
import { CallerBookingPagesController } from './staff-pages/caller-booking-pages.controller.js';
import { FeedPagesController } from './staff-pages/feed-pages.controller.js';
import { SearchPagesController } from './staff-pages/search-pages.controller.js';
import { BookingStaffPages } from './staff-pages/staff-pages.service.js';

/** The authority's calendar (staff/): services the staff JSON API and the staff pages share. */
const STAFF = [StaffAccessService, CalendarService, StaffBookingsService, CapacityBlockService, CalendarFeedService];

/** The staff pages (staff-pages/), in the core's staff frame. */
const STAFF_PAGE_CONTROLLERS = [
  CalendarPagesController,
  AppointmentPagesController,
  SearchPagesController,
  CallerBookingPagesController,
  BlockPagesController,
  FeedPagesController,
];

const PUBLISHED = [AvailabilityService, BookingService, CapacityService, ReleaseService, BookingMailService, AgentCapacityService, BookingAttendanceService];

/** Online appointments: capacity and release, availability, double-opt-in bookings, mails. */
@Module({
  // The citizen portal's pages (portal/) render in the core's page frame.
  imports: [WebModule],
  controllers: [
    BookingController,
    BackofficeController,
    StaffCalendarController,
    StaffBookingsController,
    CapacityBlockController,
    CalendarFeedAdminController,
    CalendarFeedController,
    BookingFlowController,
    AppointmentController,
    ...STAFF_PAGE_CONTROLLERS,
  ],
  providers: [
    ...PUBLISHED,
    ...STAFF,
    BookingDashboardFigures,
    BotProtectionService,
    CitizenCapsService,
    BookingWriterService,
    PortalPages,
    BookingStaffPages,
    BookingTasks,
    ReminderService,
  ],
  exports: [...PUBLISHED, StaffAccessService],
})
export class BookingModule {}
