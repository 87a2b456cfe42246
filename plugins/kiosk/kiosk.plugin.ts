import { definePlugin } from '../../apps/server/src/plugin-host/plugin.types.js';
import { kioskManifest } from './kiosk.manifest.js';
import { KioskModule } from './kiosk.module.js';

export const kioskPlugin = definePlugin({
  ...kioskManifest,
  module: KioskModule,
  entities: [],
  migrations: [],
});
