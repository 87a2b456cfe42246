import { Injectable } from '@nestjs/common';
import { fromRoot } from '../../../apps/server/src/common/project-root.js';
import { PageFrame, PluginPages } from '../../../apps/server/src/web/page-frame.service.js';

/** Booking's staff pages (calendar) in the core's staff frame: views and messages of plugins/booking/staff-pages. */
@Injectable()
export class BookingStaffPages extends PluginPages {
  constructor(frame: PageFrame) {
    super(frame, { name: 'booking-staff', dir: fromRoot('plugins/booking/staff-pages') });
  }
}
