import type { PluginAdminResource } from '../../apps/server/src/plugin-host/plugin.types.js';
import { QueueLocationConfig } from './entities/location-config.entity.js';

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
  },
];
