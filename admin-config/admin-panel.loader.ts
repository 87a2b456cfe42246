import { ExpressLoader, type AdminModuleOptions } from '@adminjs/nestjs';
import AdminJSExpress from '@adminjs/express';
import { Logger } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import type AdminJS from 'adminjs';
import type { FormTokenService } from '../apps/server/src/security/form-token.service.js';
import { cspNonce } from '../apps/server/src/security/security-headers.js';
import { canUsePanel } from '../apps/server/src/auth/current-admin.js';
import formidableMiddleware from 'express-formidable';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

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
function readAdminBody(options: unknown): express.RequestHandler {
  const parse = formidableMiddleware(options);
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
export function sendAdminError(err: unknown, req: Request, res: Response): void {
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

/**
 * @adminjs/nestjs's Express loader with our middleware in front of AdminJS's router: CSP nonces
 * for its inline scripts, the database session (so the login handler finds it), the local TinyMCE
 * copy, the login page's proof-of-work challenge, and an error handler. Reuses the loader's
 * reordering of Nest's body parsers behind the admin router.
 */
export class AdminPanelLoader extends ExpressLoader {
  constructor(
    private readonly sessionMiddleware: express.RequestHandler,
    private readonly tinymceDir: string,
    private readonly loginChallenge: () => Promise<unknown>,
    private readonly formTokens: FormTokenService,
  ) {
    super();
  }

  override async register(admin: AdminJS, httpAdapter: AbstractHttpAdapter, options: AdminModuleOptions): Promise<void> {
    const app = httpAdapter.getInstance();
    const before: Router = express.Router();
    before.use(nonceInlineScripts);
    before.use(refuseMalformedApiCalls);
    before.use('/vendor/tinymce', express.static(this.tinymceDir, { fallthrough: false, maxAge: '7d' }));
    // What the login page needs before it posts (components/login.ts fetches `<login path>-challenge`):
    // a proof-of-work challenge and the form's CSRF token.
    const loginPath = (options.adminJsOptions.loginPath ?? '/login').replace(options.adminJsOptions.rootPath ?? '', '');
    before.get(`${loginPath}-challenge`, (req, res, next) => {
      res.setHeader('Cache-Control', 'no-store');
      const formToken = this.formTokens.issue(req, res);
      this.loginChallenge().then((challenge) => res.json({ challenge, formToken }), next);
    });
    before.use(this.sessionMiddleware);
    before.use(panelUsersOnly);
    before.use(sanitizeApiErrors);
    before.use(readAdminBody(options.formidableOptions));
    if (!options.auth) throw new Error('The admin panel needs authentication options');
    const router = AdminJSExpress.buildAuthenticatedRouter(admin, options.auth as never, before, options.sessionOptions as never, options.formidableOptions);
    // The name `admin` lets the loader find this layer when it reorders the body parsers.
    app.use(options.adminJsOptions.rootPath, function admin(req: Request, res: Response, next: NextFunction) {
      router(req, res, (err?: unknown) => (err ? sendAdminError(err, req, res) : next()));
    });
    (this as unknown as { reorderRoutes(app: unknown): void }).reorderRoutes(app);
  }
}
