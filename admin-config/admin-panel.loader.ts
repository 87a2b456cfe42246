import './adminjs-env.js';
import AdminJSExpress from '@adminjs/express';
import { Logger } from '@nestjs/common';
import AdminJS from 'adminjs';
import type { DataSource } from 'typeorm';
import type { AuditService } from '../apps/server/src/audit/audit.service.js';
import { LoginRefused, type AdminAuthService } from '../apps/server/src/auth/admin-auth.service.js';
import type { AdminSessionService } from '../apps/server/src/auth/admin-session.service.js';
import { fromRoot } from '../apps/server/src/common/project-root.js';
import type { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import type { FormTokenService } from '../apps/server/src/security/form-token.service.js';
import type { WebhookService } from '../apps/server/src/webhooks/webhook.service.js';
import type { DeviceService } from '../apps/server/src/devices/device.service.js';
import type { TenantRegistryService } from '../apps/server/src/tenancy/tenant-registry.service.js';
import type { MailTemplateService } from '../apps/server/src/notifications/mail-template.service.js';
import type { DashboardFiguresService } from '../apps/server/src/plugin-host/dashboard-figures.service.js';
import { adminOptions } from './admin-options.js';
import { cspNonce } from '../apps/server/src/security/security-headers.js';
import { canUsePanel } from '../apps/server/src/auth/current-admin.js';
import formidableMiddleware from 'express-formidable';
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';

const logger = new Logger('AdminPanel');

/**
 * AdminJS's pages carry two inline scripts (the initial state); they get this response's CSP nonce,
 * so the panel's policy needs no 'unsafe-inline' for scripts (security-headers.ts).
 */
function nonceInlineScripts(_req: Request, res: Response, next: NextFunction): void {
  const send = res.send.bind(res);
  res.send = (body?: unknown) =>
    send(typeof body === 'string' && /^\s*<(!doctype|html)/i.test(body) ? body.replaceAll('<script>', `<script nonce="${cspNonce(res)}">`) : body);
  next();
}

/**
 * AdminJS answers an unknown record with a notice that repeats the id asked for; the panel says
 * only that it was not found (error payloads name nothing but what the caller already knew).
 */
function sanitizeApiErrors(req: Request, res: Response, next: NextFunction): void {
  if (!req.path.startsWith('/api/')) return next();
  res.setHeader('Cache-Control', 'no-store');
  const json = res.json.bind(res);
  res.json = (body: any) => {
    const notice = body?.notice;
    if (notice?.type === 'error' && typeof notice.message === 'string' && /cannot be found|given id/i.test(notice.message)) {
      body = { ...body, notice: { ...notice, message: 'recordNotFound' } };
    }
    return json(body);
  };
  next();
}

/**
 * A session of someone who may not use the panel (staff, logged in for the counter app) gets no
 * further than the login page, whatever AdminJS would render for it.
 */
function panelUsersOnly(req: Request, res: Response, next: NextFunction): void {
  const user = req.session?.adminUser;
  if (!user || canUsePanel(user) || /^\/(login|logout|frontend\/)/.test(req.path)) return next();
  res.status(403).json({ statusCode: 403, message: 'Dieses Konto hat keinen Zugang zum Admin-Bereich.' });
}

/**
 * Requests AdminJS's API cannot answer but fails on with a plain Error (a 500): refused up front
 * with the right 4xx. Found by test/fuzz.e2e-spec.ts.
 */
function refuseMalformedApiCalls(req: Request, res: Response, next: NextFunction): void {
  const refuse = (status: number, message: string) => res.status(status).json({ statusCode: status, message });
  if (/^\/api\/resources\/[^/]+\/actions\/new\/?$/.test(req.path) && req.method !== 'POST') {
    return void refuse(405, 'Neue Einträge werden mit POST angelegt.');
  }
  for (const key of ['page', 'perPage']) {
    const value = req.query[key];
    if (value !== undefined && !(typeof value === 'string' && /^[1-9]\d{0,5}$/.test(value)))
      return void refuse(400, `${key} muss eine positive ganze Zahl sein.`);
  }
  if (/^\/api\/resources\/[^/]+\/bulk\//.test(req.path)) {
    if (req.method !== 'GET' && req.method !== 'POST') return void refuse(405, 'Nur GET und POST.');
    if (typeof req.query.recordIds !== 'string' || !req.query.recordIds) return void refuse(400, 'recordIds fehlt.');
  }
  next();
}

/**
 * Reads the form (or JSON) body before AdminJS does, with the same parser (AdminJS's own one then
 * sees it parsed and skips), so that a body that cannot be read is a 400 rather than an error
 * inside AdminJS, and field names that are properties of every object (`constructor`,
 * `__proto__`, …) never reach AdminJS's lookups, which take them for resource properties.
 */
function readAdminBody(): RequestHandler {
  const parse = formidableMiddleware();
  return (req, res, next) => {
    let answered = false;
    // express-formidable reports a parser error twice (an error event and the callback).
    parse(req, res, (err?: unknown) => {
      if (answered) return;
      answered = true;
      const refuse = (message: string) => res.status(400).json({ statusCode: 400, message });
      if (err) return refuse('Die Anfrage konnte nicht gelesen werden (fehlerhafte Formulardaten).');
      const fields = (req as Request & { fields?: Record<string, unknown> }).fields ?? {};
      if (Object.keys(fields).some((key) => key.split('.').some((part) => part in Object.prototype))) return refuse('Unzulässiger Feldname im Formular.');
      next();
    });
  };
}

/** Errors that escape AdminJS: logged here, answered as JSON without internals. */
function sendAdminError(err: unknown, req: Request, res: Response): void {
  const name = (err as Error)?.name ?? '';
  // Express's own client errors (e.g. malformed percent-encoding in a path parameter) carry their status.
  const given = Number((err as { status?: unknown })?.status);
  const status = name === 'NotFoundError' ? 404 : name === 'ForbiddenError' ? 403 : given >= 400 && given < 500 ? given : 500;
  if (status === 500) logger.error({ msg: 'Admin panel error', path: req.path, error: (err as Error)?.stack ?? String(err) });
  if (res.headersSent) return;
  const message =
    status === 404
      ? 'Der Eintrag wurde nicht gefunden.'
      : status === 403
        ? 'Sie dürfen diese Aktion nicht ausführen.'
        : status < 500
          ? 'Ungültige Anfrage.'
          : 'Interner Fehler.';
  res.status(status).json({ statusCode: status, message });
}

export interface AdminPanelDeps {
  dataSource: DataSource;
  audit: AuditService;
  plugins: PluginHostService;
  auth: AdminAuthService;
  sessions: AdminSessionService;
  formTokens: FormTokenService;
  webhooks: WebhookService;
  tenants: TenantRegistryService;
  figures: DashboardFiguresService;
  mail: MailTemplateService;
  devices: DeviceService;
  publicBaseUrl: string;
}

/**
 * AdminJS with our middleware in front of its router: CSP nonces for its inline scripts, the
 * database session (so the login handler finds it), the local TinyMCE copy, the login page's
 * proof-of-work challenge and CSRF token, and an error handler. Returns the handler for /admin.
 */
export async function buildAdminPanel(deps: AdminPanelDeps): Promise<RequestHandler> {
  const { auth, sessions, formTokens } = deps;
  const admin = new AdminJS(
    adminOptions({
      dataSource: deps.dataSource,
      audit: deps.audit,
      plugins: deps.plugins,
      sessions: sessions.store,
      webhooks: deps.webhooks,
      figures: deps.figures,
      tenants: deps.tenants,
      mail: deps.mail,
      devices: deps.devices,
      publicBaseUrl: deps.publicBaseUrl,
    }),
  );
  if (process.env.NODE_ENV === 'production') {
    await admin.initialize();
    // The router would bundle again, in the background, while the file is being served.
    admin.initialize = async () => undefined;
  }
  const before: Router = express.Router();
  before.use(nonceInlineScripts);
  before.use(refuseMalformedApiCalls);
  before.use('/amtszeit-assets', express.static(fromRoot('admin-config', 'assets'), { fallthrough: false, maxAge: '1h' }));
  before.use('/vendor/tinymce', express.static(fromRoot('node_modules', 'tinymce'), { fallthrough: false, maxAge: '7d' }));
  // What the login page needs before it posts (components/login.ts fetches `<login path>-challenge`):
  // a proof-of-work challenge, the form's CSRF token, and the municipality's name when the panel is
  // opened under one of its domains (the page greets it by name).
  const loginPath = (admin.options.loginPath ?? '/login').replace(admin.options.rootPath ?? '', '');
  before.get(`${loginPath}-challenge`, (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    const formToken = formTokens.issue(req, res);
    Promise.all([auth.loginChallenge(), deps.tenants.findByHost(req.headers.host)]).then(
      ([challenge, tenant]) => res.json({ challenge, formToken, tenantName: tenant?.name ?? null }),
      next,
    );
  });
  before.use(sessions.handler());
  before.use(panelUsersOnly);
  before.use(sanitizeApiErrors);
  before.use(readAdminBody());
  const authenticate = async (email: string, password: string, ctx?: { req: Request & { fields?: Record<string, unknown> } }) => {
    // The login form's CSRF token, checked before anything is counted or compared.
    if (!ctx || !formTokens.verify(ctx.req, ctx.req.fields?.formToken)) throw new Error('formExpired');
    try {
      // The login page's hidden field (express-formidable puts form fields into req.fields).
      const user = await auth.login(email, password, { panel: true, address: ctx.req.ip, proof: ctx.req.fields?.altcha });
      if (ctx.req.session) await sessions.regenerate(ctx.req);
      return user as never;
    } catch (err) {
      // The login page (components/login.ts) shows the message of the code, with the wait for a delay.
      // eslint-disable-next-line preserve-caught-error -- the login page shows only the code; a refusal is no failure
      if (err instanceof LoginRefused) throw new Error(err.code === 'loginDelayed' ? `${err.code}:${err.retryAfterSeconds}` : err.code);
      logger.error({ msg: 'Login failed with an error', error: (err as Error).stack });
      // eslint-disable-next-line preserve-caught-error -- the login page shows only the code; the failure is logged above
      throw new Error('invalidCredentials');
    }
  };
  const router = AdminJSExpress.buildAuthenticatedRouter(
    admin,
    { cookieName: sessions.options.name, cookiePassword: sessions.options.secret, authenticate } as never,
    before,
    sessions.options as never,
  );
  return (req, res, next) => router(req, res, (err?: unknown) => (err ? sendAdminError(err, req, res) : next()));
}
