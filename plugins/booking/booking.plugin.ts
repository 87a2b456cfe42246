import { definePlugin } from '../../apps/server/src/plugin-host/plugin.types.js';
import { BookingDashboardFigures } from './booking-dashboard.js';
import { bookingErrors } from './booking.errors.js';
import { bookingMailTemplates } from './booking.mail-templates.js';
import { bookingManifest } from './booking.manifest.js';
import { BookingModule } from './booking.module.js';
import { bookingTasks } from './booking.tasks.js';
import { Booking } from './entities/booking.entity.js';
import { CapacityBlock, CapacityBlockUnit } from './entities/capacity-block.entity.js';
import { CalendarFeed } from './entities/calendar-feed.entity.js';
import { CapacityAllocation } from './entities/capacity-allocation.entity.js';
import { CapacityUnit } from './entities/capacity-unit.entity.js';
import { HoldLock } from './entities/hold-lock.entity.js';
import { ReleaseState } from './entities/release-state.entity.js';
import { BOOKING_MIGRATIONS } from './migrations/index.js';

export const bookingPlugin = definePlugin({
  ...bookingManifest,
  module: BookingModule,
  dashboard: BookingDashboardFigures,
  entities: [CapacityUnit, CapacityAllocation, Booking, ReleaseState, HoldLock, CapacityBlock, CapacityBlockUnit, CalendarFeed],
  migrations: BOOKING_MIGRATIONS,
  tasks: bookingTasks,
  errors: bookingErrors,
  mailTemplates: bookingMailTemplates,
  staffPages: [
    { label: { de: 'Kalender', en: 'Calendar' }, path: (slug) => `/${slug}/mitarbeiter/kalender` },
    { label: { de: 'Suche', en: 'Search' }, path: (slug) => `/${slug}/mitarbeiter/suche` },
    { label: { de: 'Termin für Anrufer buchen', en: 'Book for a caller' }, path: (slug) => `/${slug}/mitarbeiter/buchen` },
    { label: { de: 'Kapazität sperren', en: 'Block capacity' }, path: (slug) => `/${slug}/mitarbeiter/sperren` },
    {
      label: { de: 'Kalender-Abo', en: 'Calendar subscription' },
      path: (slug) => `/${slug}/mitarbeiter/kalender-abo`,
      roles: ['supervisor', 'tenant-admin', 'super-admin'],
    },
  ],
});
