import { definePluginManifest } from '../../apps/server/src/plugin-host/plugin.types.js';
import { queueManifest } from '../queue/queue.manifest.js';
import { kioskSettingsSchema } from './kiosk.settings.js';

/** The kiosk plugin's identity and typed handle (see plugin.types.ts); kiosk.plugin.ts adds the wiring. */
export const kioskManifest = definePluginManifest({
  name: 'kiosk',
  label: { de: 'Kiosk (Check-in, Wartemarken)', en: 'Kiosk (check-in, tickets)' },
  // The devices' pages and API come with the kiosk and display issues; until then nothing to switch on.
  inPreparation: true,
  settings: kioskSettingsSchema,
  dependsOn: [queueManifest],
});
