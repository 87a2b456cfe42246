import { describe, expect, it } from '@jest/globals';
import type { Request, Response } from 'express';
import { negotiateLocale, urlWithLocale } from './locale.js';

describe('locale negotiation', () => {
  const negotiate = (query: Record<string, string>, headers: Record<string, string>, fallback = 'de') => {
    const cookies: string[] = [];
    const res = { vary: () => res, cookie: (_n: string, v: string) => cookies.push(v) } as unknown as Response;
    return { locale: negotiateLocale({ query, headers, secure: false } as unknown as Request, res, fallback), cookies };
  };

  it('is German unless the citizen switches, whatever the browser announces', () => {
    expect(negotiate({}, { 'accept-language': 'en-US,en;q=0.9' }).locale).toBe('de');
    expect(negotiate({}, {}, 'en').locale).toBe('en');
  });

  it('follows ?lang= and remembers it in a cookie', () => {
    expect(negotiate({ lang: 'en' }, {})).toEqual({ locale: 'en', cookies: ['en'] });
    expect(negotiate({}, { cookie: 'other=1; lang=en' }).locale).toBe('en');
    expect(negotiate({ lang: 'fr' }, { cookie: 'lang=de' }).locale).toBe('de');
  });

  it('builds the language switch link from the current URL', () => {
    expect(urlWithLocale('/musterstadt/termin/tag?services=a:1&lang=de', 'en')).toBe('/musterstadt/termin/tag?services=a%3A1&lang=en');
    expect(urlWithLocale('/musterstadt/', 'de')).toBe('/musterstadt/?lang=de');
  });
});
