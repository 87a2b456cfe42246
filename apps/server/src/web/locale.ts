import type { Request, Response } from 'express';
import { safeDecode } from '../common/safe-decode.js';
import { isLocale, LOCALES, type Locale } from './i18n.js';

export const LOCALE_COOKIE = 'lang';

/** Reads one cookie without a cookie-parser middleware (the portal needs only this one). */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return safeDecode(part.slice(eq + 1).trim()) ?? undefined;
  }
  return undefined;
}

/**
 * The language of a page: `?lang=` (remembered in a cookie, so the switch sticks while the
 * citizen moves on), else the cookie, else the tenant's default (German). The browser's
 * Accept-Language is deliberately ignored: a town-hall portal is German unless the citizen
 * switches, and kiosk browsers or borrowed phones often announce English.
 */
export function negotiateLocale(req: Request, res: Response, fallback: string): Locale {
  res.vary('Cookie');
  const asked = req.query.lang;
  if (isLocale(asked)) {
    if (readCookie(req, LOCALE_COOKIE) !== asked) {
      res.cookie(LOCALE_COOKIE, asked, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 24 * 3600 * 1000, path: '/', secure: req.secure });
    }
    return asked;
  }
  const cookie = readCookie(req, LOCALE_COOKIE);
  if (isLocale(cookie)) return cookie;
  return isLocale(fallback) ? fallback : LOCALES[0];
}

/** The current URL with `lang` set to another locale (the language switch link). */
export function urlWithLocale(originalUrl: string, locale: Locale): string {
  const url = new URL(originalUrl, 'http://x');
  url.searchParams.set('lang', locale);
  return `${url.pathname}${url.search}`;
}
