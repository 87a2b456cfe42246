import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import supertest from 'supertest';
import { DataSource } from 'typeorm';
import { ALL_PLUGINS } from '../../plugins/index.js';
import { createApp } from '../../apps/server/src/bootstrap.js';
import { TestClock } from '../../apps/server/src/common/clock.js';
import { JsonLogger } from '../../apps/server/src/common/json-logger.js';
import { loadEnv } from '../../apps/server/src/config/env.config.js';
import type { AmtszeitPlugin } from '../../apps/server/src/plugin-host/plugin.types.js';
import { runAsTenant, toTenantRef, type TenantRef } from '../../apps/server/src/tenancy/tenant-context.js';
import { Tenant } from '../../apps/server/src/tenancy/tenant.entity.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { TEST_DATA_DIR } from './test-data-dir.js';

export interface TestAppOptions {
  /** Share a database between several app instances; by default each app gets a fresh one. */
  database?: TestDatabase;
  tenantsDir?: string;
  plugins?: AmtszeitPlugin[];
  clock?: TestClock;
  env?: Record<string, string>;
  imports?: DynamicModule['imports'];
}

export interface TestApp {
  app: NestExpressApplication;
  http: ReturnType<typeof supertest>;
  dataSource: DataSource;
  database: TestDatabase;
  clock: TestClock;
  /** The tenant row of a slug, for running service code as that tenant. */
  tenant(slug: string): Promise<TenantRef>;
  asTenant<T>(slug: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The real application on a real database (SQLite or MariaDB, see TEST_DB), with a
 * controllable clock and no background task polling; tests call the task runner themselves.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const ownsDatabase = !options.database;
  const database = options.database ?? (await createTestDatabase());
  const clock = options.clock ?? new TestClock(new Date('2026-11-23T07:00:00Z'));
  let app: NestExpressApplication;
  try {
    const env = loadEnv({
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      DATA_DIR: TEST_DATA_DIR,
      TASK_POLL_SECONDS: '0',
      PUBLIC_BASE_URL: 'http://amtszeit.test',
      BOT_PROTECTION: 'off',
      ...(options.tenantsDir ? { TENANTS_DIR: options.tenantsDir } : {}),
      ...options.env,
    });
    app = await createApp({
      env,
      clock,
      plugins: options.plugins ?? ALL_PLUGINS,
      logger: new JsonLogger(process.env.TEST_LOG_LEVEL ?? 'error'),
      imports: options.imports,
    });
  } catch (err) {
    // Tests of refused starts would otherwise leave an empty schema behind on every run.
    if (ownsDatabase) await database.drop();
    throw err;
  }
  const dataSource = app.get(DataSource);
  const tenant = async (slug: string) => toTenantRef(await dataSource.getRepository(Tenant).findOneByOrFail({ slug }));
  return {
    app,
    http: supertest(app.getHttpServer()),
    dataSource,
    database,
    clock,
    tenant,
    asTenant: async (slug, fn) => runAsTenant(await tenant(slug), fn),
    close: async () => {
      await app.close();
      if (ownsDatabase) await database.drop();
    },
  };
}
