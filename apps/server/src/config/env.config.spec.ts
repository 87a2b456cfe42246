import { describe, expect, it } from '@jest/globals';
import { loadEnv } from './env.config.js';

describe('environment configuration', () => {
  it('has working defaults for a first start', () => {
    const env = loadEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBe('sqlite:./data/amtszeit.sqlite');
    expect(env.PUBLIC_BASE_URL).toBe('http://localhost:3000');
    expect(env.BOT_PROTECTION).toBe(true);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'postgres://x' }, 'DATABASE_URL'],
    [{ SMTP_URL: 'mail.example.org' }, 'SMTP_URL'],
    [{ PUBLIC_BASE_URL: 'not a url' }, 'PUBLIC_BASE_URL'],
    [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET'],
    [{ NODE_ENV: 'production' }, 'SESSION_SECRET: required in production'],
    [{ BOT_PROTECTION: 'maybe' }, 'BOT_PROTECTION'],
  ])('refuses %j with a message naming the variable', (env, expected) => {
    expect(() => loadEnv(env)).toThrow(expected);
  });
});
