import { Injectable } from '@nestjs/common';
import { fromRoot } from '../../../apps/server/src/common/project-root.js';
import { PageFrame, PluginPages } from '../../../apps/server/src/web/page-frame.service.js';
import type { AvailabilityService } from '../availability.service.js';
import type { ServiceRequest } from '../booking-request.js';

/** Booking's staff pages (calendar) in the core's staff frame: views and messages of plugins/booking/staff-pages. */
@Injectable()
export class BookingStaffPages extends PluginPages {
  constructor(frame: PageFrame) {
    super(frame, { name: 'booking-staff', dir: fromRoot('plugins/booking/staff-pages') });
  }
}

/** The free times staff can book or move to on one day at one location: the phone share first, as the back office books. */
export async function freePhoneTimes(
  availability: AvailabilityService,
  services: ServiceRequest[],
  locationId: string,
  date: string,
): Promise<Array<{ start: string; hhmm: string }>> {
  const { days } = await availability.find({ services, locationIds: [locationId], from: date, to: date, channel: 'phone' });
  return days.flatMap((d) => d.starts.map((start) => ({ start, hhmm: start.slice(11, 16) })));
}
