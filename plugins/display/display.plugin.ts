import { definePlugin } from '../../apps/server/src/plugin-host/plugin.types.js';
import { displayManifest } from './display.manifest.js';
import { DisplayModule } from './display.module.js';

export const displayPlugin = definePlugin({
  ...displayManifest,
  module: DisplayModule,
  entities: [],
  migrations: [],
});
