import { Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { DataSource } from 'typeorm';
import { AuditService } from '../apps/server/src/audit/audit.service.js';
import { AdminAuthService } from '../apps/server/src/auth/admin-auth.service.js';
import { AdminSessionService } from '../apps/server/src/auth/admin-session.service.js';
import { FormTokenService } from '../apps/server/src/security/form-token.service.js';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { TenantRegistryService } from '../apps/server/src/tenancy/tenant-registry.service.js';
import { MailTemplateService } from '../apps/server/src/notifications/mail-template.service.js';
import { DashboardFiguresService } from '../apps/server/src/plugin-host/dashboard-figures.service.js';
import { WebhookService } from '../apps/server/src/webhooks/webhook.service.js';
import { DeviceService } from '../apps/server/src/devices/device.service.js';
import { ENV, type Env } from '../apps/server/src/config/env.config.js';
import { ADMIN_ROOT } from './admin-root.js';

const logger = new Logger('AdminPanel');

/**
 * AdminJS at /admin. Not @adminjs/nestjs's AdminModule: its start-up always calls AdminJS's
 * watch(), which starts the component bundler in watch mode outside production (a process that
 * never ends in tests).
 *
 * AdminJS is loaded lazily: importing and building it takes about as long as the rest of the
 * start-up together, and the portal, the API and the devices do not need it. The module mounts a
 * gate at /admin during start-up; `main.ts` calls `preload()` once the server listens, and a
 * request that comes first waits for the load. In production the component bundle is built as
 * part of the load, before the panel answers.
 */
@Module({})
export class AdminPanelModule implements OnModuleInit {
  private panel?: Promise<RequestHandler>;

  constructor(
    private readonly httpAdapterHost: HttpAdapterHost,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly plugins: PluginHostService,
    private readonly auth: AdminAuthService,
    private readonly sessions: AdminSessionService,
    private readonly formTokens: FormTokenService,
    private readonly webhooks: WebhookService,
    private readonly tenants: TenantRegistryService,
    private readonly figures: DashboardFiguresService,
    private readonly mail: MailTemplateService,
    private readonly devices: DeviceService,
    @Inject(ENV) private readonly env: Env,
  ) {}

  onModuleInit(): void {
    const app = this.httpAdapterHost.httpAdapter.getInstance<Express>();
    app.use(ADMIN_ROOT, (req: Request, res: Response, next: NextFunction) => {
      this.preload().then(
        (handler) => handler(req, res, next),
        () => res.status(503).set('Retry-After', '30').json({ statusCode: 503, message: 'Der Admin-Bereich ist gerade nicht verfügbar.' }),
      );
    });
    readBodiesAfterPanel(app);
  }

  /** Loads the panel once; later calls share the load. A failed load is logged and tried again on the next call. */
  preload(): Promise<RequestHandler> {
    this.panel ??= import('./admin-panel.loader.js')
      .then(({ buildAdminPanel }) =>
        buildAdminPanel({
          dataSource: this.dataSource,
          audit: this.audit,
          plugins: this.plugins,
          auth: this.auth,
          sessions: this.sessions,
          formTokens: this.formTokens,
          webhooks: this.webhooks,
          tenants: this.tenants,
          figures: this.figures,
          mail: this.mail,
          devices: this.devices,
          publicBaseUrl: this.env.PUBLIC_BASE_URL,
        }),
      )
      .catch((err: unknown) => {
        logger.error({ msg: 'The admin panel could not be loaded', error: (err as Error)?.stack ?? String(err) });
        this.panel = undefined;
        throw err;
      });
    return this.panel;
  }
}

/**
 * AdminJS reads the raw form bodies itself (express-formidable), so Nest's JSON and urlencoded
 * parsers, registered before the modules start, move behind the panel's layer.
 */
function readBodiesAfterPanel(app: Express): void {
  const stack = (app as unknown as { router?: { stack: Array<{ name: string }> } }).router?.stack;
  if (!stack) throw new Error('Express router not found: cannot mount the admin panel');
  const parsers = stack.filter((layer) => layer.name === 'jsonParser' || layer.name === 'urlencodedParser');
  const panel = stack.at(-1)!;
  const rest = stack.filter((layer) => layer !== panel && !parsers.includes(layer));
  const at = rest.findIndex((layer) => layer.name === 'expressInit') + 1;
  stack.splice(0, stack.length, ...rest.slice(0, at), panel, ...parsers, ...rest.slice(at));
}
