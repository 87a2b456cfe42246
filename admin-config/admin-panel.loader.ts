import { ExpressLoader, type AdminModuleOptions } from '@adminjs/nestjs';
import AdminJSExpress from '@adminjs/express';
import { Logger } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import type AdminJS from 'adminjs';
import { canUsePanel } from '../apps/server/src/auth/current-admin.js';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

const logger = new Logger('AdminPanel');

/**
 * Everything in the panel comes from this server: the browser is told so (CSP), and the
 * rich-text editor's scripts are served from node_modules (see scripts/patch-adminjs-fonts.mjs).
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "base-uri 'self'",
].join('; ');

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('X-Frame-Options', 'DENY');
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

/** Errors that escape AdminJS: logged here, answered as JSON without internals. */
export function sendAdminError(err: unknown, req: Request, res: Response): void {
  const name = (err as Error)?.name ?? '';
  const status = name === 'NotFoundError' ? 404 : name === 'ForbiddenError' ? 403 : 500;
  if (status === 500) logger.error({ msg: 'Admin panel error', path: req.path, error: (err as Error)?.stack ?? String(err) });
  if (res.headersSent) return;
  const message = status === 404 ? 'Der Eintrag wurde nicht gefunden.' : status === 403 ? 'Sie dürfen diese Aktion nicht ausführen.' : 'Interner Fehler.';
  res.status(status).json({ statusCode: status, message });
}

/**
 * @adminjs/nestjs's Express loader with our middleware in front of AdminJS's router: security
 * headers, the database session (so the login handler finds it), the local TinyMCE copy, the login
 * page's proof-of-work challenge, and an error handler. Reuses the loader's reordering of Nest's
 * body parsers behind the admin router.
 */
export class AdminPanelLoader extends ExpressLoader {
  constructor(
    private readonly sessionMiddleware: express.RequestHandler,
    private readonly tinymceDir: string,
    private readonly loginChallenge: () => Promise<unknown>,
  ) {
    super();
  }

  override async register(admin: AdminJS, httpAdapter: AbstractHttpAdapter, options: AdminModuleOptions): Promise<void> {
    const app = httpAdapter.getInstance();
    const before: Router = express.Router();
    before.use(securityHeaders);
    before.use('/vendor/tinymce', express.static(this.tinymceDir, { fallthrough: false, maxAge: '7d' }));
    // The login page's proof of work (components/login.ts fetches `<login path>-challenge`).
    const loginPath = (options.adminJsOptions.loginPath ?? '/login').replace(options.adminJsOptions.rootPath ?? '', '');
    before.get(`${loginPath}-challenge`, (_req, res, next) => {
      res.setHeader('Cache-Control', 'no-store');
      this.loginChallenge().then((challenge) => res.json(challenge), next);
    });
    before.use(this.sessionMiddleware);
    before.use(panelUsersOnly);
    before.use(sanitizeApiErrors);
    if (!options.auth) throw new Error('The admin panel needs authentication options');
    const router = AdminJSExpress.buildAuthenticatedRouter(admin, options.auth as never, before, options.sessionOptions as never, options.formidableOptions);
    // The name `admin` lets the loader find this layer when it reorders the body parsers.
    app.use(options.adminJsOptions.rootPath, function admin(req: Request, res: Response, next: NextFunction) {
      router(req, res, (err?: unknown) => (err ? sendAdminError(err, req, res) : next()));
    });
    (this as unknown as { reorderRoutes(app: unknown): void }).reorderRoutes(app);
  }
}
