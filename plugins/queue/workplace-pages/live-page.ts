import type { Request, Response } from 'express';

/**
 * The validator of a live page (counter, presence): what the engine says the view depends on (the
 * location's version, bumped by every change, and the workplace), the minute (waiting estimates and
 * "late" move with the clock) and the language.
 */
export function liveEtag(tag: string | number, now: Date, locale: string): string {
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
