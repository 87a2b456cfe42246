import { definePlugin } from '../../apps/server/src/plugin-host/plugin.types.js';
import { DisplayStateRoute } from './display-state.route.js';
import { displayManifest } from './display.manifest.js';
import { DisplayModule } from './display.module.js';
import { displayDeviceConfigSchema } from './display.settings.js';

export const displayPlugin = definePlugin({
  ...displayManifest,
  module: DisplayModule,
  entities: [],
  migrations: [],
  deviceConfig: { kind: 'display', schema: displayDeviceConfigSchema },
  // The poll of every screen every few seconds skips the shared pipeline (docs/display.md).
  fastRoutes: [DisplayStateRoute],
});
