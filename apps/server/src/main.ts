import 'reflect-metadata';
import { isClusterWorker, runPrimary } from './cluster.js';
import { JsonLogger } from './common/json-logger.js';
import { AdminPanelModule } from '../../../admin-config/admin-panel.module.js';
import { AdminBootstrapService } from './auth/admin-bootstrap.service.js';
import { createApp } from './bootstrap.js';
import { databaseKind } from './database/data-source-options.js';
import { EnvValidationError, loadEnv } from './config/env.config.js';
import { TenantConfigError } from './tenancy/tenant-config.loader.js';
import { TenantRegistryService } from './tenancy/tenant-registry.service.js';

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = new JsonLogger(env.LOG_LEVEL, env.LOG_FORMAT);
  if (env.WEB_CONCURRENCY > 1 && !isClusterWorker()) {
    // SQLite has one writer per file: more processes would only queue behind each other's locks.
    if (databaseKind(env.DATABASE_URL) === 'sqlite') {
      logger.warn(`WEB_CONCURRENCY=${env.WEB_CONCURRENCY} is ignored on SQLite; one process serves`, 'Main');
    } else {
      runPrimary(env.WEB_CONCURRENCY, logger);
      return;
    }
  }
  const app = await createApp({ env, logger, imports: [AdminPanelModule] });
  await app.listen(env.PORT, env.HOST);
  // The panel loads once the portal and the API answer (admin-panel.module.ts); a failure is logged there.
  app
    .get(AdminPanelModule)
    .preload()
    .catch(() => undefined);
  const tenants = await app.get(TenantRegistryService).all();
  // In cluster mode the primary reports the workers; one summary is enough.
  if (isClusterWorker()) return;
  // The addresses come last, after the first start's admin accounts, so they are what a person sees.
  await app.get(AdminBootstrapService).settled();
  const base = env.PUBLIC_BASE_URL;
  logger.log(
    {
      msg: `Amtszeit is running on ${base} (database: ${databaseKind(env.DATABASE_URL)})`,
      urls: [
        ...tenants.map((t) => ({ label: `Portal ${t.name}`, url: `${base}/${t.slug}/` })),
        ...tenants.map((t) => ({ label: `API ${t.name}`, url: `${base}/api/v1/tenants/${t.slug}/services` })),
        { label: 'API docs', url: `${base}/api/docs` },
        { label: 'Admin', url: `${base}/admin` },
        { label: 'Health', url: `${base}/health` },
      ],
    },
    'Main',
  );
}

main().catch((err) => {
  if (err instanceof EnvValidationError || err instanceof TenantConfigError) {
    process.stderr.write(`\n${err.message}\n\n`);
  } else {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  }
  process.exit(1);
});
