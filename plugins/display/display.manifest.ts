import { definePluginManifest } from '../../apps/server/src/plugin-host/plugin.types.js';
import { queueManifest } from '../queue/queue.manifest.js';
import { displaySettingsSchema } from './display.settings.js';

/** The display plugin's identity and typed handle (see plugin.types.ts); display.plugin.ts adds the wiring. */
export const displayManifest = definePluginManifest({
  name: 'display',
  label: { de: 'Aufrufanzeige', en: 'Call display' },
  settings: displaySettingsSchema,
  dependsOn: [queueManifest],
});
