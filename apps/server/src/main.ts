import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { AdminPanelModule } from '../../../admin-config/admin-panel.module.js';
import { createApp } from './bootstrap.js';
import { databaseKind } from './database/data-source-options.js';
import { EnvValidationError, loadEnv } from './config/env.config.js';
import { TenantConfigError } from './tenancy/tenant-config.loader.js';
import { TenantRegistryService } from './tenancy/tenant-registry.service.js';

async function main(): Promise<void> {
  const env = loadEnv();
  const app = await createApp({ env, imports: [AdminPanelModule] });
  await app.listen(env.PORT, env.HOST);
  const logger = new Logger('Main');
  const tenants = await app.get(TenantRegistryService).all();
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
