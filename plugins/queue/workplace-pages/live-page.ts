import type { Request, Response } from 'express';
import { TenantContext } from '../../../apps/server/src/tenancy/tenant-context.js';
import { negotiateLocale } from '../../../apps/server/src/web/locale.js';

/**
 * The validator of a live page (counter, presence): what the engine says the view depends on (the
 * location's version, bumped by every change, and the workplace), the minute (waiting estimates and
 * "late" move with the clock) and the page's language — known before the staff frame is built, so
 * a 304 costs the session and the engine's key reads only.
 */
export function liveEtag(req: Request, res: Response, tag: string | number, now: Date): string {
  const locale = negotiateLocale(req, res, TenantContext.current().locale);
  return `W/"${tag}-${Math.floor(now.getTime() / 60_000)}-${locale}"`;
}

/**
 * Answers 304 when the page's poll already has this state. The pages are `no-store`, so the poll
 * sends If-None-Match itself (and the browser adds `Cache-Control: no-cache`, which Express's own
 * freshness check would honour by sending the page again).
 */
export function notModified(req: Request, res: Response, etag: string): boolean {
  if (req.headers['if-none-match'] !== etag) return false;
  res.status(304).set({ ETag: etag, 'Cache-Control': 'no-store' }).end();
  return true;
}
