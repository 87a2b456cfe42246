import { Closure } from '../../apps/server/src/catalog/entities/closure.entity.js';
import { TENANT_DATA } from '../features/access.js';
import { decorateLocationLabel, LOCATION_LABEL_PROPERTY } from '../features/location-label.js';
import { Rules } from '../features/validation.js';
import type { AdminResourceDefinition } from './define-resource.js';

export const closureResource: AdminResourceDefinition = {
  entity: Closure,
  navigation: 'stammdaten',
  access: TENANT_DATA,
  rules: {
    scope: 'tenant-owned',
    decorate: (rows, { dataSource }) => decorateLocationLabel(rows, dataSource),
    validate: (d) => {
      const r = new Rules(d).date('fromDate').date('toDate').text('reason');
      if (r.ok('fromDate') && r.ok('toDate') && d.toDate < d.fromDate) r.fail('toDate', 'Das Ende darf nicht vor dem Beginn liegen.');
      return r.errors;
    },
  },
  options: {
    listProperties: ['fromDate', 'toDate', 'reason', 'locationLabel'],
    sort: { sortBy: 'fromDate', direction: 'desc' },
    properties: {
      locationId: { description: 'helpClosureLocation', isVisible: { list: false, filter: true, show: false, edit: true } },
      locationLabel: LOCATION_LABEL_PROPERTY,
      fromDate: { description: 'helpDate' },
      toDate: { description: 'helpDate' },
    },
  },
};
