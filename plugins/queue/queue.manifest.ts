import { definePluginManifest } from '../../apps/server/src/plugin-host/plugin.types.js';
import { bookingManifest } from '../booking/booking.manifest.js';
import { queueSettingsSchema } from './queue.settings.js';

/** The waiting queue of a town hall: tickets, counters' calls, ordering (queue.plugin.ts adds the wiring). */
export const queueManifest = definePluginManifest({
  name: 'queue',
  label: { de: 'Warteschlange und Aufruf', en: 'Waiting queue and calls' },
  settings: queueSettingsSchema,
  dependsOn: [bookingManifest],
});
