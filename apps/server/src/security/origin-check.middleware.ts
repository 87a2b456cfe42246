import type { NextFunction, Request, Response } from 'express';
import { parseHost, type HostParts } from './host-name.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const CROSS_SITE_MESSAGE = 'Cross-site request refused: this action must be sent from a page of this site.';

function sameHost(a: HostParts | null, b: HostParts | null): boolean {
  return !!a && !!b && a.name === b.name && a.port === b.port;
}

function originHost(value: string): HostParts | null {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? parseHost(url.host) : null;
  } catch {
    return null;
  }
}

/**
 * Defence against cross-site request forgery for every state-changing request (admin panel, staff
 * and back-office API, portal forms, the public API): a browser names the page that sent a request
 * in `Origin` (or, failing that, `Sec-Fetch-Site` and `Referer`), and it must be this site — the
 * request's own host or the configured public origin. Sibling subdomains of one provider domain are
 * same-site, so SameSite cookies alone do not stop them; this does. A request that carries none of
 * these headers does not come from a browser and so cannot carry a victim's cookies: it passes.
 */
export function originCheckMiddleware(options: { publicBaseUrl: string; trustProxy: boolean }) {
  const publicHost = originHost(options.publicBaseUrl);
  return (req: Request, res: Response, next: NextFunction): void => {
    if (SAFE_METHODS.has(req.method)) return next();
    const forwarded = options.trustProxy ? req.headers['x-forwarded-host'] : undefined;
    const ownHost = parseHost(typeof forwarded === 'string' ? forwarded.split(',')[0] : req.headers.host);
    const allowed = (host: HostParts | null) => sameHost(host, ownHost) || sameHost(host, publicHost);
    const origin = req.headers.origin;
    const fetchSite = req.headers['sec-fetch-site'];
    const referer = req.headers.referer;
    let ok: boolean;
    if (fetchSite === 'cross-site' || fetchSite === 'same-site') ok = false;
    else if (origin !== undefined) ok = allowed(originHost(origin));
    else if (fetchSite !== undefined) ok = fetchSite === 'same-origin' || fetchSite === 'none';
    else if (referer !== undefined) ok = allowed(originHost(referer));
    else ok = true;
    if (ok) return next();
    res.status(403).json({ statusCode: 403, error: 'Forbidden', message: CROSS_SITE_MESSAGE });
  };
}
