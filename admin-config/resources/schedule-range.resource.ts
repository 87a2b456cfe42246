import { ScheduleRange } from '../../apps/server/src/catalog/entities/schedule-range.entity.js';
import { Schedule } from '../../apps/server/src/catalog/entities/schedule.entity.js';
import { TENANT_DATA } from '../features/access.js';
import { minutesOf, Rules } from '../features/validation.js';
import type { AdminResourceDefinition } from './define-resource.js';

const WEEKDAYS = ['Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag', 'Sonntag'];

export const scheduleRangeResource: AdminResourceDefinition = {
  entity: ScheduleRange,
  navigation: 'stammdaten',
  access: TENANT_DATA,
  rules: {
    scope: 'tenant-owned',
    async validate(d, ctx) {
      const r = new Rules(d).text('scheduleId').int('weekday', 1, 7, { message: 'Bitte einen Wochentag wählen.' }).time('startTime').time('endTime');
      r.int('counters', 1, 100, { message: 'Es muss mindestens ein Platz besetzt sein (höchstens 100).' });
      if (!r.ok('startTime') || !r.ok('endTime')) return r.errors;
      const length = minutesOf(d.endTime) - minutesOf(d.startTime);
      if (length <= 0) return r.fail('endTime', 'Das Ende muss nach dem Beginn liegen.').errors;
      const schedule = d.scheduleId ? await ctx.dataSource.getRepository(Schedule).findOneBy({ id: d.scheduleId, tenantId: ctx.tenantId as string }) : null;
      if (schedule && length % schedule.slotMinutes !== 0) {
        r.fail('endTime', `Die Zeitspanne muss in ${schedule.slotMinutes}-Minuten-Schritte (Taktung des Zeitplans) aufgehen.`);
      }
      if (schedule && r.ok('weekday')) {
        const sameDay = await ctx.dataSource
          .getRepository(ScheduleRange)
          .findBy({ tenantId: ctx.tenantId as string, scheduleId: schedule.id, weekday: d.weekday });
        const clash = sameDay.find((x) => x.id !== d.id && minutesOf(x.startTime) < minutesOf(d.endTime) && minutesOf(d.startTime) < minutesOf(x.endTime));
        if (clash) r.fail('startTime', `Überschneidet sich mit ${clash.startTime}–${clash.endTime} am selben Tag.`);
      }
      return r.errors;
    },
  },
  options: {
    listProperties: ['scheduleId', 'weekday', 'startTime', 'endTime', 'counters'],
    properties: {
      weekday: {
        availableValues: WEEKDAYS.map((label, i) => ({ value: String(i + 1), label })),
        description: 'helpWeekday',
      },
      startTime: { description: 'helpTime' },
      endTime: { description: 'helpTime' },
      counters: { description: 'helpCounters' },
    },
  },
};
