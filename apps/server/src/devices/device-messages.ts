import type { Request } from 'express';
import { fromRoot } from '../common/project-root.js';
import { Messages, type Locale } from '../web/i18n.js';

const messages = new Messages(fromRoot('apps/server/src/devices/portal/i18n'));

/**
 * The language of a device API answer: English when the client's Accept-Language puts English
 * first, German otherwise (API clients are programs; pages negotiate with `?lang=` and a cookie).
 */
export function apiLocale(req: Request): Locale {
  const first = (req.headers['accept-language'] ?? '').split(',')[0].trim().toLowerCase();
  return first === 'en' || first.startsWith('en-') ? 'en' : 'de';
}

/** A text of the devices' catalogue (`api.<key>`). */
export function deviceMessage(locale: Locale, key: string): string {
  return messages.translator(locale)(`api.${key}`);
}
