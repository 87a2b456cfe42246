import type { PluginAdminResource } from '../../apps/server/src/plugin-host/plugin.types.js';
import { QueueLocationConfig } from './entities/location-config.entity.js';
import { queueSettingsSchema } from './queue.settings.js';

type Label = { de: string; en: string };

/** A location's column names are the settings' own labels (the tenant defaults they override). */
const settingLabels: Record<string, Label> = Object.fromEntries(
  Object.entries(queueSettingsSchema.shape).flatMap(([key, field]) => {
    const label = (field.meta() as { label?: Label } | undefined)?.label;
    return label ? [[key, label]] : [];
  }),
);

/** Administrators override the tenant's queue settings per location; an empty field keeps the tenant's value. */
export const queueAdminResources: PluginAdminResource[] = [
  {
    entity: QueueLocationConfig,
    navigation: 'plugins',
    options: {
      id: 'QueueLocationConfig',
      listProperties: ['locationId', 'appointmentsFirst', 'callableMinutesBeforeStart', 'maxAppointmentsInRow', 'walkInMaxWaitMinutes', 'updatedAt'],
      filterProperties: ['locationId'],
      sort: { sortBy: 'updatedAt', direction: 'desc' },
    },
    labels: {
      label: { de: 'Warteschlange je Standort', en: 'Queue per location' },
      properties: {
        ...settingLabels,
        locationId: { de: 'Standort', en: 'Location' },
        updatedAt: { de: 'Geändert', en: 'Changed' },
      },
    },
  },
];
