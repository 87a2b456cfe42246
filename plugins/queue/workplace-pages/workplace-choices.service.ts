import { Injectable } from '@nestjs/common';
import type { CurrentAdmin } from '../../../apps/server/src/auth/current-admin.js';
import { Counter } from '../../../apps/server/src/catalog/entities/counter.entity.js';
import { TenantDataService } from '../../../apps/server/src/tenancy/tenant-data.service.js';
import { StaffAccessService } from '../../booking/booking.api.js';
import { queueActor, type QueueActor } from '../queue.service.js';

/** What the pages offer to choose from: the user's locations and a location's counters. */
@Injectable()
export class WorkplaceChoicesService {
  constructor(
    private readonly data: TenantDataService,
    private readonly access: StaffAccessService,
  ) {}

  /** The engine's actor for the logged-in user: a clerk's own locations, everybody else's all. */
  actor(user: CurrentAdmin): QueueActor {
    return queueActor(user, this.access.scope(user));
  }

  locations(user: CurrentAdmin): Promise<Array<{ id: string; name: string }>> {
    return this.access.locations(this.access.scope(user));
  }

  /** The location's active counters by name (the engine refuses any other). */
  async counters(locationId: string): Promise<Array<{ id: string; name: string; room: string | null }>> {
    const rows = await this.data.repo(Counter).find({ where: { locationId, active: true }, order: { name: 'ASC' } });
    return rows.map((c) => ({ id: c.id, name: c.name, room: c.room }));
  }
}
