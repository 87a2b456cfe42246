import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { randomToken } from '../common/random-token.js';

type Area = 'page' | 'admin' | 'docs';

/**
 * The Content-Security-Policy per area of the server. Everything is served from this server; no
 * area may load from a third-party host or be framed.
 * - page: portal pages, JSON and assets. Scripts are files; the only inline style (the tenant's
 *   colours) carries the response's nonce.
 * - admin: AdminJS. Its HTML has two inline scripts (the initial state), which get the nonce; its
 *   React components (styled-components) inject <style> elements at run time, hence
 *   'unsafe-inline' for styles only (docs/security.md).
 * - docs: Swagger UI, whose page has an inline <style> element and inline style attributes.
 */
const POLICIES: Record<Area, Record<string, string>> = {
  page: {
    'default-src': "'none'",
    'script-src': "'self'",
    'style-src': "'self' 'nonce-{nonce}'",
    'img-src': "'self' data:",
    'font-src': "'self'",
    'connect-src': "'self'",
    'form-action': "'self'",
    'base-uri': "'none'",
    'frame-ancestors': "'none'",
  },
  admin: {
    'default-src': "'self'",
    'script-src': "'self' 'nonce-{nonce}'",
    'style-src': "'self' 'unsafe-inline'",
    'img-src': "'self' data: blob:",
    'font-src': "'self' data:",
    'connect-src': "'self'",
    'form-action': "'self'",
    'base-uri': "'self'",
    'frame-ancestors': "'none'",
  },
  docs: {
    'default-src': "'none'",
    'script-src': "'self'",
    'style-src': "'self' 'unsafe-inline'",
    'img-src': "'self' data:",
    'font-src': "'self'",
    'connect-src': "'self'",
    'form-action': "'none'",
    'base-uri': "'none'",
    'frame-ancestors': "'none'",
  },
};

function areaOf(req: IncomingMessage): Area {
  const url = (req as Request).originalUrl ?? req.url ?? '';
  if (url === '/admin' || url.startsWith('/admin/') || url.startsWith('/admin?')) return 'admin';
  if (url === '/api/docs' || url.startsWith('/api/docs/') || url.startsWith('/api/docs?')) return 'docs';
  return 'page';
}

/** The nonce of this response's CSP, for templates that need an inline element. */
export function cspNonce(res: Response): string {
  return res.locals.cspNonce as string;
}

function directive(name: string) {
  return (req: IncomingMessage, res: ServerResponse) => POLICIES[areaOf(req)][name].replace('{nonce}', (res as Response).locals.cspNonce as string);
}

/**
 * One set of security headers for every response the server sends (pages, JSON, errors, assets,
 * the admin panel, the API docs), through helmet. HSTS is sent on every response: browsers ignore
 * it over plain HTTP and keep it over HTTPS, whether TLS ends here or at a proxy.
 */
export function securityHeaders(): RequestHandler[] {
  const nonce = (_req: Request, res: Response, next: NextFunction) => {
    res.locals.cspNonce = randomToken(16);
    next();
  };
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: Object.fromEntries(Object.keys(POLICIES.page).map((name) => [name, [directive(name)]])),
    },
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'same-origin' },
    // includeSubDomains stays off: a provider's domain may hold other hosts that are not ours.
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
    xFrameOptions: { action: 'deny' },
  });
  return [nonce, headers as unknown as RequestHandler];
}

const NONCE_MARK = '\u0000nonce\u0000';

/**
 * The security headers of an API answer, for handlers in front of Express's middleware (fast paths):
 * taken once from the same helmet handlers on a stand-in response, so they cannot drift from what
 * every other answer carries; each call sets them with a fresh CSP nonce, as the handlers would.
 */
export function apiSecurityHeaders(): (res: ServerResponse) => void {
  const captured: Array<[string, string]> = [];
  const stub = {
    locals: { cspNonce: NONCE_MARK },
    setHeader: (name: string, value: string) => captured.push([name, String(value)]),
    removeHeader: () => undefined,
    getHeader: () => undefined,
  };
  const [, headers] = securityHeaders();
  headers({ url: '/api/v1', originalUrl: '/api/v1', headers: {} } as Request, stub as unknown as Response, () => undefined);
  return (res) => {
    for (const [name, value] of captured) res.setHeader(name, value.includes(NONCE_MARK) ? value.replace(NONCE_MARK, randomToken(16)) : value);
  };
}
