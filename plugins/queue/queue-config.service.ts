import { Injectable } from '@nestjs/common';
import { PluginHostService } from '../../apps/server/src/plugin-host/plugin-host.service.js';
import { TenantDataService } from '../../apps/server/src/tenancy/tenant-data.service.js';
import { QueueLocationConfig } from './entities/location-config.entity.js';
import { queueManifest } from './queue.manifest.js';
import { LOCATION_OVERRIDES, queueSettingsSchema, type QueueSettings } from './queue.settings.js';
import type { OrderingRules } from './queue.types.js';

/** A location's queue settings: the tenant's (plugin settings) with the location's overrides. */
export type LocationQueueSettings = QueueSettings & { rules: OrderingRules };

const OVERRIDABLE = LOCATION_OVERRIDES satisfies ReadonlyArray<keyof QueueLocationConfig & keyof QueueSettings>;

@Injectable()
export class QueueConfigService {
  constructor(
    private readonly host: PluginHostService,
    private readonly data: TenantDataService,
  ) {}

  /** The tenant's settings (what no location overrides, e.g. the no-show grace time). */
  tenantDefaults(): Promise<QueueSettings> {
    return this.host.settings(queueManifest);
  }

  async forLocation(locationId: string): Promise<LocationQueueSettings> {
    const tenant = await this.tenantDefaults();
    const row = await this.data.repo(QueueLocationConfig).findOneBy({ locationId });
    const merged: QueueSettings = { ...tenant };
    for (const key of OVERRIDABLE) {
      const value = row?.[key];
      // An override the settings schema refuses (e.g. callCountMax 0, a prefix 't1') keeps the tenant's value.
      if (value === null || value === undefined) continue;
      if (queueSettingsSchema.shape[key].safeParse(value).success) (merged as Record<string, unknown>)[key] = value;
    }
    return {
      ...merged,
      rules: {
        appointmentsFirst: merged.appointmentsFirst,
        callableMinutesBeforeStart: merged.callableMinutesBeforeStart,
        callEarlyArrivals: merged.callEarlyArrivals,
        maxAppointmentsInRow: merged.maxAppointmentsInRow,
        walkInMaxWaitMinutes: merged.walkInMaxWaitMinutes,
      },
    };
  }
}
