import { ServiceOffering } from '../../apps/server/src/catalog/entities/service-offering.entity.js';
import { TENANT_DATA } from '../features/access.js';
import { Rules } from '../features/validation.js';
import type { AdminResourceDefinition } from './define-resource.js';

export const serviceOfferingResource: AdminResourceDefinition = {
  entity: ServiceOffering,
  navigation: 'stammdaten',
  access: TENANT_DATA,
  rules: {
    scope: 'tenant-owned',
    validate: (d) => new Rules(d).text('serviceId').text('locationId').errors,
  },
  options: {
    listProperties: ['serviceId', 'locationId'],
    properties: { locationId: { description: 'helpOffering' } },
  },
};
