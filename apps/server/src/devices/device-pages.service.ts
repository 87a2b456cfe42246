import { Injectable } from '@nestjs/common';
import { fromRoot } from '../common/project-root.js';
import { AssetRegistry } from '../web/assets.js';
import { PageFrame, PluginPages } from '../web/page-frame.service.js';

const DIR = fromRoot('apps/server/src/devices/portal');

/**
 * The pairing page in the portal frame, and the `devices` assets: the page's script and the
 * browser helper the device pages of the plugins share (`/assets/devices/device-client.js`).
 */
@Injectable()
export class DevicePages extends PluginPages {
  constructor(frame: PageFrame, assets: AssetRegistry) {
    super(frame, { name: 'devices', dir: DIR });
    assets.register('devices', `${DIR}/assets`);
  }
}
