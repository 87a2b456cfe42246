import { describe, expect, it } from '@jest/globals';
import { fromRoot } from './project-root.js';
import { Messages } from '../web/i18n.js';
import { DOMAIN_ERROR_CODES, DomainError } from './domain-error.js';
import { domainErrorBody, httpStatusOf } from './domain-error.filter.js';

const messages = new Messages(fromRoot('apps/server/src/web/portal/i18n'));

describe('domain errors', () => {
  it('has a German and an English text for every code, and none for codes that do not exist', () => {
    for (const locale of ['de', 'en'] as const) {
      const texts = messages.keys(locale).filter((k) => k.startsWith('errors.code.')).map((k) => k.slice('errors.code.'.length));
      expect(texts.sort()).toEqual([...DOMAIN_ERROR_CODES].sort());
      for (const code of DOMAIN_ERROR_CODES) expect(messages.translator(locale)(`errors.code.${code}`).length).toBeGreaterThan(10);
    }
  });

  it('maps each kind to one HTTP status and keeps the JSON shape, with the code added', () => {
    expect(httpStatusOf(new DomainError('CAPTCHA_REQUIRED', 'x'))).toBe(400);
    expect(httpStatusOf(new DomainError('CAPACITY_GONE', 'x'))).toBe(409);
    expect(httpStatusOf(new DomainError('CAP_REACHED', 'x'))).toBe(429);
    expect(domainErrorBody(new DomainError('HOLD_LAPSED', 'The reservation lapsed.'))).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'The reservation lapsed.',
      code: 'HOLD_LAPSED',
    });
  });
});
