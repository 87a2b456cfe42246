import { definePlugin } from '../../apps/server/src/plugin-host/plugin.types.js';
import { KioskModule } from './kiosk.module.js';
import { kioskSettingsSchema } from './kiosk.settings.js';

export const kioskPlugin = definePlugin({
  name: 'kiosk',
  label: { de: 'Kiosk (Check-in, Wartemarken)', en: 'Kiosk (check-in, tickets)' },
  module: KioskModule,
  entities: [],
  migrations: [],
  settings: kioskSettingsSchema,
});
