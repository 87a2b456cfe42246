import type { PluginAdminResource } from '../../apps/server/src/plugin-host/plugin.types.js';
import { QueueLocationConfig } from './entities/location-config.entity.js';
import { LOCATION_OVERRIDES, queueSettingsSchema } from './queue.settings.js';

type Label = { de: string; en: string };

/** A location's column names are the settings' own labels (the tenant defaults they override). */
const settingLabels: Record<string, Label> = Object.fromEntries(
  Object.entries(queueSettingsSchema.shape).flatMap(([key, field]) => {
    const label = (field.meta() as { label?: Label } | undefined)?.label;
    return label ? [[key, label]] : [];
  }),
);

/** Each filled override against the tenant setting's own rules (an empty field keeps the tenant value). */
export function validateLocationConfig(draft: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const key of LOCATION_OVERRIDES) {
    const value = draft[key];
    if (value === null || value === undefined || value === '') continue;
    if (!queueSettingsSchema.shape[key].safeParse(value).success)
      errors[key] = key.endsWith('Prefix')
        ? 'Bitte bis zu drei Großbuchstaben A–Z angeben (oder leer lassen).'
        : 'Dieser Wert ist hier nicht erlaubt; bitte den Bereich der Einstellung beachten (oder leer lassen).';
  }
  return errors;
}

/** Administrators override the tenant's queue settings per location; an empty field keeps the tenant's value. */
export const queueAdminResources: PluginAdminResource[] = [
  {
    entity: QueueLocationConfig,
    navigation: 'plugins',
    validate: validateLocationConfig,
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
