import { AuditLog } from '../../apps/server/src/audit/audit-log.entity.js';
import { READ_ONLY } from '../features/access.js';
import type { AdminResourceDefinition } from './define-resource.js';

/** Read-only: who changed what, when; tenant-admins see their tenant's entries. */
export const auditLogResource: AdminResourceDefinition = {
  entity: AuditLog,
  navigation: 'system',
  access: READ_ONLY,
  rules: { scope: 'tenant-owned' },
  options: {
    listProperties: ['createdAt', 'actorEmail', 'action', 'resource', 'recordId'],
    sort: { sortBy: 'createdAt', direction: 'desc' },
    properties: {
      createdAt: { isVisible: { list: true, filter: true, show: true, edit: false } },
      tenantId: { reference: 'Tenant', isVisible: { list: false, filter: false, show: true, edit: false } },
      changes: { isVisible: { list: false, filter: false, show: true, edit: false } },
    },
  },
};
