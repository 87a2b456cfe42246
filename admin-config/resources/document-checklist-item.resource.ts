import { DocumentChecklistItem } from '../../apps/server/src/catalog/entities/document-checklist-item.entity.js';
import { TENANT_DATA } from '../features/access.js';
import { Rules } from '../features/validation.js';
import type { AdminResourceDefinition } from './define-resource.js';

export const documentChecklistItemResource: AdminResourceDefinition = {
  entity: DocumentChecklistItem,
  navigation: 'stammdaten',
  access: TENANT_DATA,
  rules: {
    scope: 'tenant-owned',
    // Grouped by service: a service's documents one after the other, in their order.
    groupBy: 'serviceId',
    validate: (d) => new Rules(d).text('serviceId').text('text', { max: 500 }).text('textEn', { required: false, max: 500 }).int('position', 0, 999).errors,
  },
  options: {
    listProperties: ['serviceId', 'position', 'text'],
    sort: { sortBy: 'position', direction: 'asc' },
  },
};
