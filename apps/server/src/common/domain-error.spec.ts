import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArgumentsHost } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { fromRoot } from './project-root.js';
import { Messages } from '../web/i18n.js';
import {
  collectDomainErrors,
  CORE_ERRORS,
  defineErrors,
  DomainError,
  domainErrorKind,
  domainErrorMessage,
  domainErrorOwner,
  installDomainErrors,
  type DomainErrorCode,
} from './domain-error.js';
import { DomainErrorFilter, domainErrorBody, httpStatusOf, httpStatusOfCode } from './domain-error.filter.js';

const frame = new Messages(fromRoot('apps/server/src/web/portal/i18n'));

/** A catalogue folder with `errors.code` texts, for declarations made up by the tests. */
function catalogue(texts: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'amtszeit-errors-'));
  for (const locale of ['de', 'en']) writeFileSync(join(dir, `${locale}.json`), JSON.stringify({ errors: { code: texts } }));
  return dir;
}

/** Codes the type does not know, as a test makes them up. */
const code = (c: string) => c as DomainErrorCode;

describe('domain errors', () => {
  it('gives every core code a German and an English text in the frame, and the frame no text of a code the core does not own', () => {
    const core = Object.keys(CORE_ERRORS.codes).sort();
    expect(core).toEqual([
      'CONSENT_REQUIRED',
      'DEVICE_CODE_INVALID',
      'DEVICE_CODE_UNKNOWN',
      'DEVICE_PAIR_LIMITED',
      'PHONE_INVALID',
      'PHONE_NOT_MOBILE',
      'PHONE_REQUIRED',
      'SMS_REPORT_INVALID',
    ]);
    for (const locale of ['de', 'en'] as const) {
      const texts = frame
        .keys(locale)
        .filter((k) => k.startsWith('errors.code.'))
        .map((k) => k.slice('errors.code.'.length));
      expect(texts.sort()).toEqual(core);
      for (const c of core) expect(domainErrorMessage(c, locale)?.length).toBeGreaterThan(10);
    }
    expect(domainErrorMessage('PHONE_INVALID', 'de')).toMatch(/^Geben Sie eine gültige Telefonnummer ein/);
    expect(domainErrorOwner('PHONE_INVALID')).toBe('core');
  });

  it('maps each kind to one HTTP status and keeps the JSON shape, with the code added', () => {
    installDomainErrors([
      {
        owner: 'spec',
        errors: defineErrors({ SPEC_CONFLICT: 'conflict', SPEC_LIMITED: 'limited' }, { messages: catalogue({ SPEC_CONFLICT: 'x', SPEC_LIMITED: 'y' }) }),
      },
    ]);
    expect(httpStatusOf(new DomainError('PHONE_INVALID', 'x'))).toBe(400);
    expect(httpStatusOf(new DomainError(code('SPEC_CONFLICT'), 'x'))).toBe(409);
    expect(httpStatusOf(new DomainError(code('SPEC_LIMITED'), 'x'))).toBe(429);
    expect(httpStatusOfCode('SPEC_LIMITED')).toBe(429);
    expect(domainErrorBody(new DomainError(code('SPEC_CONFLICT'), 'The reservation lapsed.'))).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'The reservation lapsed.',
      code: 'SPEC_CONFLICT',
    });
  });

  it('answers an undeclared code as a refusal with the generic text, and logs, instead of failing', () => {
    const unknown = new DomainError(code('NOBODY_DECLARED_THIS'), 'Something was refused.');
    expect(unknown.kind).toBe('refused');
    expect(domainErrorKind('NOBODY_DECLARED_THIS')).toBeUndefined();
    expect(domainErrorMessage('NOBODY_DECLARED_THIS', 'de')).toBeNull();
    const sent: { status?: number; body?: unknown } = {};
    const res = {
      headersSent: false,
      status(s: number) {
        sent.status = s;
        return this;
      },
      json(b: unknown) {
        sent.body = b;
        return this;
      },
    };
    const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
    expect(() => new DomainErrorFilter().catch(unknown, host)).not.toThrow();
    expect(sent).toEqual({ status: 400, body: { statusCode: 400, error: 'Bad Request', message: 'Something was refused.', code: 'NOBODY_DECLARED_THIS' } });
    // A declared code whose text is missing falls back too.
    installDomainErrors([{ owner: 'mute', errors: defineErrors({ MUTE_CODE: 'conflict' }, { messages: catalogue({}) }) }]);
    expect(domainErrorMessage('MUTE_CODE', 'en')).toBeNull();
  });

  it('refuses a code declared twice, by two plugins or by a plugin and the core, naming both', () => {
    const dir = catalogue({});
    const a = { owner: 'alpha', errors: defineErrors({ SHARED_CODE: 'conflict' }, { messages: dir }) };
    const b = { owner: 'beta', errors: defineErrors({ SHARED_CODE: 'refused' }, { messages: dir }) };
    expect(() => collectDomainErrors([a, b])).toThrow("Domain error code 'SHARED_CODE' is declared by both 'alpha' and 'beta'");
    const core = { owner: 'gamma', errors: defineErrors({ PHONE_INVALID: 'refused' }, { messages: dir }) };
    expect(() => collectDomainErrors([core])).toThrow("Domain error code 'PHONE_INVALID' is declared by both 'core' and 'gamma'");
    expect(() => collectDomainErrors([{ owner: 'delta', errors: defineErrors({ 'not-a-code': 'refused' }, { messages: dir }) }])).toThrow('UPPER_SNAKE_CASE');
    // The process's table: a second application may bring the same plugin again, never another owner of its codes.
    installDomainErrors([a]);
    expect(() => installDomainErrors([a])).not.toThrow();
    expect(() => installDomainErrors([b])).toThrow("Domain error code 'SHARED_CODE' is declared by both 'alpha' and 'beta'");
    expect(domainErrorOwner('SHARED_CODE')).toBe('alpha');
  });
});
