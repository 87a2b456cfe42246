import './adminjs-env.js';
import { Logger, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import AdminJS from 'adminjs';
import { DataSource } from 'typeorm';
import { AuditService } from '../apps/server/src/audit/audit.service.js';
import { AdminAuthService, LoginRefused } from '../apps/server/src/auth/admin-auth.service.js';
import { AdminSessionService } from '../apps/server/src/auth/admin-session.service.js';
import { fromRoot } from '../apps/server/src/common/project-root.js';
import { FormTokenService } from '../apps/server/src/security/form-token.service.js';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { WebhookService } from '../apps/server/src/webhooks/webhook.service.js';
import { adminOptions } from './admin-options.js';
import { AdminPanelLoader } from './admin-panel.loader.js';

const logger = new Logger('AdminPanel');

/**
 * AdminJS at /admin. Not @adminjs/nestjs's AdminModule: its start-up always calls AdminJS's
 * watch(), which starts the component bundler in watch mode outside production (a process that
 * never ends in tests). This module builds AdminJS itself and mounts it with the package's
 * Express loader. In production the component bundle is built once before the panel is served.
 */
@Module({})
export class AdminPanelModule implements OnModuleInit {
  constructor(
    private readonly httpAdapterHost: HttpAdapterHost,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly plugins: PluginHostService,
    private readonly auth: AdminAuthService,
    private readonly sessions: AdminSessionService,
    private readonly formTokens: FormTokenService,
    private readonly webhooks: WebhookService,
  ) {}

  async onModuleInit(): Promise<void> {
    const admin = new AdminJS(
      adminOptions({ dataSource: this.dataSource, audit: this.audit, plugins: this.plugins, sessions: this.sessions.store, webhooks: this.webhooks }),
    );
    if (process.env.NODE_ENV === 'production') {
      await admin.initialize();
      // The router would bundle again, in the background, while the file is being served.
      admin.initialize = async () => undefined;
    }
    const loader = new AdminPanelLoader(this.sessions.handler(), fromRoot('node_modules', 'tinymce'), () => this.auth.loginChallenge(), this.formTokens);
    await loader.register(admin, this.httpAdapterHost.httpAdapter, {
      adminJsOptions: admin.options,
      auth: {
        cookieName: this.sessions.options.name,
        cookiePassword: this.sessions.options.secret,
        authenticate: async (email: string, password: string, ctx?: { req: import('express').Request & { fields?: Record<string, unknown> } }) => {
          // The login form's CSRF token, checked before anything is counted or compared.
          if (!ctx || !this.formTokens.verify(ctx.req, ctx.req.fields?.formToken)) throw new Error('formExpired');
          try {
            // The login page's hidden field (express-formidable puts form fields into req.fields).
            const proof = ctx?.req.fields?.altcha;
            const user = await this.auth.login(email, password, { panel: true, address: ctx?.req.ip, proof });
            if (ctx?.req.session) await this.sessions.regenerate(ctx.req);
            return user as never;
          } catch (err) {
            // The login page (components/login.ts) shows the message of the code, with the wait for a delay.
            // eslint-disable-next-line preserve-caught-error -- the login page shows only the code; a refusal is no failure
            if (err instanceof LoginRefused) throw new Error(err.code === 'loginDelayed' ? `${err.code}:${err.retryAfterSeconds}` : err.code);
            logger.error({ msg: 'Login failed with an error', error: (err as Error).stack });
            // eslint-disable-next-line preserve-caught-error -- the login page shows only the code; the failure is logged above
            throw new Error('invalidCredentials');
          }
        },
      },
      sessionOptions: this.sessions.options,
    });
  }
}
