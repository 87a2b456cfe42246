import { Location } from '../../apps/server/src/catalog/entities/location.entity.js';
import { TENANT_DATA } from '../features/access.js';
import { Rules } from '../features/validation.js';
import type { AdminResourceDefinition } from './define-resource.js';

export const locationResource: AdminResourceDefinition = {
  entity: Location,
  navigation: 'stammdaten',
  access: TENANT_DATA,
  rules: {
    scope: 'tenant-owned',
    validate: (d) =>
      new Rules(d)
        .text('name')
        .text('street')
        .pattern('postalCode', /^\d{5}$/, 'Bitte eine fünfstellige Postleitzahl angeben.')
        .text('city', { max: 100 })
        .text('phone', { required: false, max: 50 })
        .email('email').errors,
  },
  options: {
    listProperties: ['name', 'street', 'postalCode', 'city', 'active'],
    properties: {
      directions: { type: 'textarea', description: 'helpLocationDirections' },
      accessibility: { type: 'textarea', description: 'helpLocationAccessibility' },
    },
  },
};
