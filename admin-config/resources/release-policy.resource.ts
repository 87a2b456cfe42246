import { IsNull, Not } from 'typeorm';
import { ReleasePolicy } from '../../apps/server/src/catalog/entities/release-policy.entity.js';
import { TENANT_DATA } from '../features/access.js';
import { decorateLocationLabel, LOCATION_LABEL_PROPERTY } from '../features/location-label.js';
import { Rules } from '../features/validation.js';
import type { AdminResourceDefinition } from './define-resource.js';

export const SHARE_FIELDS = ['shareOnlinePercent', 'shareAgentPercent', 'sharePhonePercent', 'shareKioskPercent'] as const;
/** Bookable at most four weeks ahead (source articles). */
export const MAX_HORIZON_DAYS = 28;

export const releasePolicyResource: AdminResourceDefinition = {
  entity: ReleasePolicy,
  navigation: 'kontingente',
  access: TENANT_DATA,
  rules: {
    scope: 'tenant-owned',
    decorate: (rows, { dataSource }) => decorateLocationLabel(rows, dataSource),
    async validate(d, ctx) {
      const r = new Rules(d).time('dailyReleaseTime').time('sameDayReleaseTime');
      r.int('horizonDays', 1, MAX_HORIZON_DAYS, { message: `Termine sind höchstens ${MAX_HORIZON_DAYS} Tage im Voraus buchbar (1 bis ${MAX_HORIZON_DAYS}).` });
      r.int('cancelReturnDelayMinutes', 0, 24 * 60, { message: 'Bitte 0 bis 1440 Minuten angeben.' });
      for (const f of SHARE_FIELDS) r.int(f, 0, 100, { message: 'Ein Anteil liegt zwischen 0 und 100 Prozent.' });
      if (SHARE_FIELDS.every((f) => r.ok(f))) {
        const sum = SHARE_FIELDS.reduce((s, f) => s + Number(d[f]), 0);
        if (sum !== 100) r.fail('shareOnlinePercent', `Die Anteile müssen zusammen 100 % ergeben (derzeit ${sum} %).`);
      }
      const same = await ctx.dataSource.getRepository(ReleasePolicy).findOneBy({
        tenantId: ctx.tenantId as string,
        locationId: d.locationId ? d.locationId : IsNull(),
        ...(d.id ? { id: Not(d.id) } : {}),
      });
      if (same) r.fail('locationId', d.locationId ? 'Für diesen Standort gibt es bereits eine Regel.' : 'Es gibt bereits eine Standardregel (ohne Standort).');
      return r.errors;
    },
  },
  options: {
    listProperties: ['locationLabel', 'dailyReleaseTime', 'horizonDays', 'sameDayReleaseTime', ...SHARE_FIELDS],
    properties: {
      locationId: { description: 'helpPolicyLocation', isVisible: { list: false, filter: true, show: false, edit: true } },
      locationLabel: LOCATION_LABEL_PROPERTY,
      dailyReleaseTime: { description: 'helpDailyRelease' },
      horizonDays: { description: 'helpHorizon' },
      sameDayReleaseTime: { description: 'helpSameDay' },
      shareOnlinePercent: { description: 'helpShares' },
      shareAgentPercent: { description: 'helpShareAgent' },
      cancelReturnDelayMinutes: { description: 'helpCancelDelay' },
    },
  },
};
