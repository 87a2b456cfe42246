import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConfigCacheService } from '../cache/config-cache.service.js';
import { CatalogSeedService } from '../catalog/catalog-seed.service.js';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { runMigrations } from '../database/migrator.js';
import { installSqliteExclusive } from '../database/sqlite-exclusive.js';
import { TaskRun } from '../tasks/task-run.entity.js';
import type { LoadedTenant } from '../tenancy/tenant-config.loader.js';
import { runAsTenant, toTenantRef } from '../tenancy/tenant-context.js';
import { TenantRegistryService } from '../tenancy/tenant-registry.service.js';
import { TenantSyncService } from '../tenancy/tenant-sync.service.js';

export const LOADED_TENANTS = Symbol('LOADED_TENANTS');
export const RUN_MIGRATIONS = Symbol('RUN_MIGRATIONS');

/** Start-up order: schema, then tenant files into the database, then demo catalogs. */
@Injectable()
export class BootService implements OnModuleInit {
  private readonly logger = new Logger('Boot');

  constructor(
    private readonly dataSource: DataSource,
    private readonly sync: TenantSyncService,
    private readonly seed: CatalogSeedService,
    private readonly registry: TenantRegistryService,
    private readonly cache: ConfigCacheService,
    private readonly clock: Clock,
    @Inject(LOADED_TENANTS) private readonly tenants: LoadedTenant[],
    @Inject(RUN_MIGRATIONS) private readonly migrate: boolean,
  ) {}

  async onModuleInit(): Promise<void> {
    installSqliteExclusive(this.dataSource);
    if (this.migrate) await runMigrations(this.dataSource);
    for (const loaded of this.tenants) {
      const tenant = await this.sync.sync(loaded);
      if (await this.claimOnce('core.seed-catalog', tenant.id)) {
        await runAsTenant(toTenantRef(tenant), () => this.seed.seedIfEmpty(loaded.dir));
      }
    }
    // The version this instance starts from, and the tenants its first requests resolve.
    await this.cache.refresh();
    await this.registry.all();
    this.logger.log(`Tenants ready: ${this.tenants.map((t) => t.slug).join(', ') || '(none)'}`);
  }

  /** Lets exactly one of several starting instances do a one-off job. */
  private async claimOnce(taskId: string, tenantKey: string): Promise<boolean> {
    const now = this.clock.now();
    try {
      const repo = this.dataSource.getRepository(TaskRun);
      await repo.insert(
        repo.create({
          taskId,
          tenantKey,
          tickKey: 'once',
          status: 'done',
          owner: 'boot',
          leaseUntil: now,
          attempts: 1,
          startedAt: now,
          finishedAt: now,
          lastError: null,
        }),
      );
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }
}
