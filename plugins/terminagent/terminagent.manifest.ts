import { definePluginManifest } from '../../apps/server/src/plugin-host/plugin.types.js';
import { bookingManifest } from '../booking/booking.manifest.js';
import { terminagentSettingsSchema } from './terminagent.settings.js';

/** The terminagent plugin's identity and typed handle (see plugin.types.ts); terminagent.plugin.ts adds the wiring. */
export const terminagentManifest = definePluginManifest({
  name: 'terminagent',
  label: { de: 'Terminagent (Warteliste)', en: 'Appointment agent (waitlist)' },
  settings: terminagentSettingsSchema,
  // Offers hold booking's capacity units and become bookings.
  dependsOn: [bookingManifest],
});
