import { definePluginManifest } from '../../apps/server/src/plugin-host/plugin.types.js';
import { bookingSettingsSchema } from './booking.settings.js';

/** The booking plugin's identity and typed handle (see plugin.types.ts); booking.plugin.ts adds the wiring. */
export const bookingManifest = definePluginManifest({
  name: 'booking',
  label: { de: 'Online-Terminbuchung', en: 'Online booking' },
  settings: bookingSettingsSchema,
});
