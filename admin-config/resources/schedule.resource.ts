import { ScheduleRange } from '../../apps/server/src/catalog/entities/schedule-range.entity.js';
import { Schedule } from '../../apps/server/src/catalog/entities/schedule.entity.js';
import { TENANT_DATA } from '../features/access.js';
import { minutesOf, Rules } from '../features/validation.js';
import type { AdminResourceDefinition } from './define-resource.js';

export const scheduleResource: AdminResourceDefinition = {
  entity: Schedule,
  navigation: 'stammdaten',
  access: TENANT_DATA,
  rules: {
    scope: 'tenant-owned',
    async validate(d, ctx) {
      const r = new Rules(d).text('locationId').text('name', { max: 100 }).date('validFrom').date('validTo', { required: false });
      r.int('slotMinutes', 5, 240, { message: 'Die Taktung muss zwischen 5 und 240 Minuten liegen.' });
      if (r.ok('validFrom') && r.ok('validTo') && d.validTo && d.validTo < d.validFrom) r.fail('validTo', 'Das Ende darf nicht vor dem Beginn liegen.');
      if (r.ok('slotMinutes') && !ctx.isNew) {
        const ranges = await ctx.dataSource.getRepository(ScheduleRange).findBy({ tenantId: ctx.tenantId as string, scheduleId: d.id });
        const misfit = ranges.find((x) => (minutesOf(x.endTime) - minutesOf(x.startTime)) % d.slotMinutes !== 0);
        if (misfit)
          r.fail(
            'slotMinutes',
            `Die Taktung muss die Öffnungszeiten teilen (${misfit.startTime}–${misfit.endTime} geht nicht in ${d.slotMinutes}-Minuten-Schritten auf).`,
          );
      }
      return r.errors;
    },
  },
  options: {
    listProperties: ['name', 'locationId', 'validFrom', 'validTo', 'slotMinutes'],
    properties: { slotMinutes: { description: 'helpSlotMinutes' }, validFrom: { description: 'helpDate' }, validTo: { description: 'helpValidTo' } },
  },
};
