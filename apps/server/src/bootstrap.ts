import type { DynamicModule, INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ALL_PLUGINS } from '../../../plugins/index.js';
import { AppModule } from './app.module.js';
import { Clock, SystemClock } from './common/clock.js';
import { JsonLogger } from './common/json-logger.js';
import { fromRoot } from './common/project-root.js';
import { loadEnv, type Env } from './config/env.config.js';
import { detectDriver } from './database/data-source-options.js';
import type { AmtszeitPlugin } from './plugin-host/plugin.types.js';
import { loadTenantConfigs } from './tenancy/tenant-config.loader.js';
import { TenantRegistryService } from './tenancy/tenant-registry.service.js';
import { hoistWebSecurity, useWebSecurity } from './security/web-security.js';
import { tenantResolverMiddleware } from './tenancy/tenant-resolver.middleware.js';
import { fastRouteHandler } from './web/fast-route.js';

export interface CreateAppOptions {
  env?: Env;
  plugins?: AmtszeitPlugin[];
  clock?: Clock;
  logger?: LoggerService | false;
  imports?: DynamicModule['imports'];
  runMigrations?: boolean;
}

export function tenantsDir(env: Env): string {
  return env.TENANTS_DIR ?? fromRoot('tenants');
}

/** Builds the whole application; `main.ts` listens on it, tests drive it with supertest. */
export async function createApp(options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const env = options.env ?? loadEnv();
  const plugins = options.plugins ?? ALL_PLUGINS;
  // Tenant files are validated before anything else starts: a bad file stops the start.
  const tenants = loadTenantConfigs(tenantsDir(env), plugins);
  const logger = options.logger ?? new JsonLogger(env.LOG_LEVEL, env.LOG_FORMAT);
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({
      env,
      plugins,
      clock: options.clock ?? new SystemClock(),
      tenants,
      runMigrations: options.runMigrations ?? true,
      imports: options.imports,
      driver: await detectDriver(env.DATABASE_URL),
    }),
    // rawBody: signed webhooks (SMS delivery reports) verify the bytes as sent.
    { logger: logger === false ? false : logger, bufferLogs: false, rawBody: true },
  );
  if (env.TRUST_PROXY) app.set('trust proxy', 1);
  app.disable('x-powered-by');
  // Pages carry a fresh CSP nonce each time and API answers are no-store, so an ETag would never
  // match; it would only cost a hash of every body. Static files keep theirs (serve-static's own).
  app.set('etag', false);
  const fastRoutes = plugins.flatMap((p) => p.fastRoutes ?? []).map((route) => app.get(route, { strict: false }));
  useWebSecurity(app.getHttpAdapter().getInstance(), env, [fastRouteHandler(fastRoutes)]);
  app.use(tenantResolverMiddleware(app.get(TenantRegistryService)));
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('Amtszeit API').setDescription('Appointments and visitor management for municipalities').setVersion('1').build(),
  );
  // No validator badge: Swagger UI would fetch it from a third-party host.
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json', swaggerOptions: { validatorUrl: null } });
  try {
    await app.init();
  } catch (err) {
    // A refused start (e.g. a tenant file at odds with the stored plugin switches) closes what it opened.
    await app.close().catch(() => undefined);
    throw err;
  }
  hoistWebSecurity(app.getHttpAdapter().getInstance());
  return app;
}

export type { INestApplication };
