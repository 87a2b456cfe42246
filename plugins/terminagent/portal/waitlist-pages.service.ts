import { Injectable } from '@nestjs/common';
import { fromRoot } from '../../../apps/server/src/common/project-root.js';
import { PageFrame, PluginPages } from '../../../apps/server/src/web/page-frame.service.js';

/**
 * The agent's citizen pages in the core's page frame, and its offers on other plugins' pages:
 * the waitlist, where the booking portal has no suitable or no free time.
 */
@Injectable()
export class WaitlistPages extends PluginPages {
  constructor(frame: PageFrame) {
    super(frame, { name: 'terminagent', dir: fromRoot('plugins/terminagent/portal') });
    frame.contribute({ plugin: 'terminagent', slot: 'offers.start', partial: 'waitlist-start', data: (p) => ({ href: `${p.base}/warteliste` }) });
    frame.contribute({
      plugin: 'terminagent',
      slot: 'offers.noFreeTime',
      partial: 'waitlist-no-time',
      data: (p, c) => ({ href: c.services ? `${p.base}/warteliste?services=${c.services}` : `${p.base}/warteliste` }),
    });
  }
}
