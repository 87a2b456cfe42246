import { definePlugin } from '../../apps/server/src/plugin-host/plugin.types.js';
import { displayManifest } from './display.manifest.js';
import { DisplayModule } from './display.module.js';
import { displayDeviceConfigSchema } from './display.settings.js';

export const displayPlugin = definePlugin({
  ...displayManifest,
  module: DisplayModule,
  entities: [],
  migrations: [],
  deviceConfig: { kind: 'display', schema: displayDeviceConfigSchema },
});
