// `npm run admin:create -- --email <email> --password <password> --role super-admin|tenant-admin|staff [--tenant <slug>]`
// Creates an account in the configured database (DATABASE_URL), after bringing its schema up to date.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { DataSource } from 'typeorm';
import { ALL_PLUGINS } from '../../../../plugins/index.js';
import { AccountError, AdminUsersService } from '../auth/admin-users.service.js';
import { loadEnv } from '../config/env.config.js';
import { CORE_ENTITIES, CORE_MIGRATIONS } from '../core.entities.js';
import { dataSourceOptions, detectDriver } from '../database/data-source-options.js';
import { runMigrations } from '../database/migrator.js';
import { ConfigCacheService } from '../cache/config-cache.service.js';
import { PluginHostService } from '../plugin-host/plugin-host.service.js';

const USAGE = 'usage: npm run admin:create -- --email <email> --password <password> --role super-admin|tenant-admin|staff [--tenant <slug>]';

export class CliError extends Error {}

/** Runs the command; returns the line to print, throws CliError with the reason otherwise. */
export async function adminCreate(args: string[], source: NodeJS.ProcessEnv = process.env): Promise<string> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: { email: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' }, tenant: { type: 'string' }, name: { type: 'string' } },
      strict: true,
    }));
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n${USAGE}`);
  }
  const missing = ['email', 'password', 'role'].filter((k) => !values[k]);
  if (missing.length) throw new CliError(`missing ${missing.map((m) => `--${m}`).join(', ')}\n${USAGE}`);

  const env = loadEnv(source);
  const plugins = ALL_PLUGINS;
  const dataSource = new DataSource(
    dataSourceOptions(
      env.DATABASE_URL,
      [...CORE_ENTITIES, ...plugins.flatMap((p) => p.entities)],
      [...CORE_MIGRATIONS, ...plugins.flatMap((p) => p.migrations)],
      { driver: await detectDriver(env.DATABASE_URL) },
    ),
  );
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
    const users = new AdminUsersService(dataSource, new PluginHostService(plugins, dataSource, new ConfigCacheService(dataSource, env)));
    const user = await users.create({
      email: String(values.email),
      password: String(values.password),
      role: String(values.role),
      tenant: values.tenant ? String(values.tenant) : null,
      displayName: values.name ? String(values.name) : null,
    });
    return `Created ${user.role} ${user.email}${values.tenant ? ` for tenant ${values.tenant}` : ''}.`;
  } catch (err) {
    if (err instanceof AccountError) throw new CliError(err.messages.en);
    throw err;
  } finally {
    await dataSource.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  adminCreate(process.argv.slice(2)).then(
    (line) => {
      process.stdout.write(`${line}\n`);
    },
    (err) => {
      process.stderr.write(err instanceof CliError ? `admin:create: ${err.message}\n` : `${(err as Error).stack ?? err}\n`);
      process.exit(1);
    },
  );
}
