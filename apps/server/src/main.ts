import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { isClusterWorker, runPrimary } from './cluster.js';
import { JsonLogger } from './common/json-logger.js';
import { AdminPanelModule } from '../../../admin-config/admin-panel.module.js';
import { createApp } from './bootstrap.js';
import { databaseKind } from './database/data-source-options.js';
import { EnvValidationError, loadEnv } from './config/env.config.js';
import { TenantConfigError } from './tenancy/tenant-config.loader.js';
import { TenantRegistryService } from './tenancy/tenant-registry.service.js';

async function main(): Promise<void> {
  const env = loadEnv();
  if (env.WEB_CONCURRENCY > 1 && !isClusterWorker()) {
    // SQLite has one writer per file: more processes would only queue behind each other's locks.
    const logger = new JsonLogger(env.LOG_LEVEL, env.LOG_FORMAT);
    if (databaseKind(env.DATABASE_URL) === 'sqlite') {
      logger.warn(`WEB_CONCURRENCY=${env.WEB_CONCURRENCY} is ignored on SQLite; one process serves`, 'Main');
    } else {
      runPrimary(env.WEB_CONCURRENCY, logger);
      return;
    }
  }
  const app = await createApp({ env, imports: [AdminPanelModule] });
  await app.listen(env.PORT, env.HOST);
  // The panel loads once the portal and the API answer (admin-panel.module.ts); a failure is logged there.
  app
    .get(AdminPanelModule)
    .preload()
    .catch(() => undefined);
  const logger = new Logger('Main');
  const tenants = await app.get(TenantRegistryService).all();
  // In cluster mode the primary reports the workers; one summary is enough.
  if (isClusterWorker()) return;
  logger.log({
    msg: `Amtszeit is running on ${env.PUBLIC_BASE_URL} (database: ${databaseKind(env.DATABASE_URL)})`,
    portals: tenants.map((t) => `${env.PUBLIC_BASE_URL}/${t.slug}/`),
    api: tenants.map((t) => `${env.PUBLIC_BASE_URL}/api/v1/tenants/${t.slug}/services`),
    admin: `${env.PUBLIC_BASE_URL}/admin`,
    docs: `${env.PUBLIC_BASE_URL}/api/docs`,
    health: `${env.PUBLIC_BASE_URL}/health`,
  });
}

main().catch((err) => {
  if (err instanceof EnvValidationError || err instanceof TenantConfigError) {
    process.stderr.write(`\n${err.message}\n\n`);
  } else {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  }
  process.exit(1);
});
