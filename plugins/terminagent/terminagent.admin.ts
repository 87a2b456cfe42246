import type { PluginAdminResource } from '../../apps/server/src/plugin-host/plugin.types.js';
import { TerminagentOffer } from './entities/offer.entity.js';
import { TerminagentWish } from './entities/wish.entity.js';

/**
 * Administrators see wishes and offers; they do not change them here, because a wish or offer
 * edited by hand would bypass the holds on capacity (citizens withdraw and answer through their
 * links). Link secrets and duplicate keys are never sent to the panel.
 */
const READ_ONLY_ACTIONS = Object.fromEntries(['new', 'edit', 'delete', 'bulkDelete'].map((a) => [a, { isAccessible: () => false }]));
const hidden = (...keys: string[]) => Object.fromEntries(keys.map((k) => [k, { isVisible: false }]));

export const terminagentAdminResources: PluginAdminResource[] = [
  {
    entity: TerminagentWish,
    navigation: 'plugins',
    secret: ['token', 'openKey', 'dedupeKey'],
    options: {
      id: 'TerminagentWish',
      listProperties: ['citizen.name', 'status', 'minutes', 'earliestDate', 'latestDate', 'registeredAt', 'expiresAt'],
      filterProperties: ['status', 'citizen.email', 'earliestDate', 'latestDate', 'registeredAt'],
      sort: { sortBy: 'registeredAt', direction: 'desc' },
      properties: hidden('token', 'openKey', 'dedupeKey'),
      actions: READ_ONLY_ACTIONS,
    },
  },
  {
    entity: TerminagentOffer,
    navigation: 'plugins',
    secret: ['token'],
    options: {
      id: 'TerminagentOffer',
      listProperties: ['wishId', 'status', 'expiresAt', 'decidedAt', 'bookingReference', 'createdAt'],
      filterProperties: ['status', 'wishId', 'bookingReference'],
      sort: { sortBy: 'createdAt', direction: 'desc' },
      properties: hidden('token'),
      actions: READ_ONLY_ACTIONS,
    },
  },
];
