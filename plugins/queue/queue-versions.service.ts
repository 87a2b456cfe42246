import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { QueueLocationState } from './entities/location-state.entity.js';

/**
 * The versions of every location's queue, across tenants: one read of a small table for a watcher
 * that polls (the display feed's cross-instance invalidation). Location ids are unique across tenants;
 * what is returned is only ids and counters, no tenant data.
 */
@Injectable()
export class QueueVersionsService {
  constructor(private readonly dataSource: DataSource) {}

  /** locationId → version, for all locations whose queue ever changed. */
  async allVersions(): Promise<Map<string, number>> {
    const rows = await this.dataSource.getRepository(QueueLocationState).find({ select: { locationId: true, version: true } });
    return new Map(rows.map((r) => [r.locationId, r.version] as const));
  }
}
