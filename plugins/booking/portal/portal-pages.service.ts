import { Injectable } from '@nestjs/common';
import { fromRoot } from '../../../apps/server/src/common/project-root.js';
import { PageFrame, PluginPages } from '../../../apps/server/src/web/page-frame.service.js';

export const BOOKING_STEPS = 6;

/** The booking portal's pages in the core's page frame: views, partials and messages of plugins/booking/portal. */
@Injectable()
export class PortalPages extends PluginPages {
  constructor(frame: PageFrame) {
    super(frame, { name: 'booking', dir: fromRoot('plugins/booking/portal'), steps: BOOKING_STEPS });
  }
}
