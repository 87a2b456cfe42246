import { Injectable } from '@nestjs/common';
import { fromRoot } from '../../../apps/server/src/common/project-root.js';
import { AssetRegistry } from '../../../apps/server/src/web/assets.js';
import { PageFrame, PluginPages } from '../../../apps/server/src/web/page-frame.service.js';

const DIR = fromRoot('plugins/queue/workplace-pages');

/** The queue's staff pages (counter workplace, presence) in the core's staff frame, with their own script and styles. */
@Injectable()
export class QueueWorkplacePages extends PluginPages {
  constructor(frame: PageFrame, assets: AssetRegistry) {
    super(frame, { name: 'queue-workplace', dir: DIR });
    assets.register('queue-workplace', `${DIR}/assets`);
  }
}
