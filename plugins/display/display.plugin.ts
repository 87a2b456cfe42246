import { definePlugin } from '../../apps/server/src/plugin-host/plugin.types.js';
import { DisplayModule } from './display.module.js';
import { displaySettingsSchema } from './display.settings.js';

export const displayPlugin = definePlugin({
  name: 'display',
  label: { de: 'Aufrufanzeige', en: 'Call display' },
  module: DisplayModule,
  entities: [],
  migrations: [],
  settings: displaySettingsSchema,
});
