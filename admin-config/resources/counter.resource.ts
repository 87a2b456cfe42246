import { Counter } from '../../apps/server/src/catalog/entities/counter.entity.js';
import { TENANT_DATA } from '../features/access.js';
import { Rules } from '../features/validation.js';
import type { AdminResourceDefinition } from './define-resource.js';

export const counterResource: AdminResourceDefinition = {
  entity: Counter,
  navigation: 'stammdaten',
  access: TENANT_DATA,
  rules: {
    scope: 'tenant-owned',
    validate: (d) => new Rules(d).text('locationId').text('name', { max: 50 }).text('room', { required: false, max: 100 }).errors,
  },
  options: {
    listProperties: ['name', 'locationId', 'room', 'active'],
    properties: { name: { description: 'helpCounterName' }, room: { description: 'helpCounterRoom' } },
  },
};
