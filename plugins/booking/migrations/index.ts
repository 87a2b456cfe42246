import { BookingAvailabilityCoveringIndex1795330041648 } from './1795330041648-availability-covering-index.migration.js';
import { BookingBookingInitial1795321516585 } from './1795321516585-booking-initial.migration.js';
import { BookingCalendarFeeds1796202878769 } from './1796202878769-calendar-feeds.migration.js';
import { BookingCapacityBlocks1796202441999 } from './1796202441999-capacity-blocks.migration.js';
import { BookingCheckInCodeSms1796170138706 } from './1796170138706-check-in-code-sms.migration.js';
import { BookingCitizenCaps1796160261537 } from './1796160261537-citizen-caps.migration.js';
import { BookingReleaseCatalogStamp1795323740551 } from './1795323740551-release-catalog-stamp.migration.js';
import { BookingStaffCalendar1796201564198 } from './1796201564198-staff-calendar.migration.js';
export const BOOKING_MIGRATIONS: Function[] = [BookingBookingInitial1795321516585, BookingReleaseCatalogStamp1795323740551, BookingAvailabilityCoveringIndex1795330041648, BookingCitizenCaps1796160261537, BookingCheckInCodeSms1796170138706, BookingStaffCalendar1796201564198, BookingCapacityBlocks1796202441999, BookingCalendarFeeds1796202878769];
