import { describe, expect, it } from '@jest/globals';
import { fromRoot } from '../common/project-root.js';
import { loadEnv } from './env.config.js';

describe('environment configuration', () => {
  it('has working defaults for a first start', () => {
    const env = loadEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBe('sqlite:./data/amtszeit.sqlite');
    expect(env.PUBLIC_BASE_URL).toBe('http://localhost:3000');
    expect(env.BOT_PROTECTION).toBe(true);
    expect(env.DATA_DIR).toBe(fromRoot('data'));
    expect(env.LOG_FORMAT).toBe(process.stdout.isTTY ? 'pretty' : 'json');
  });

  it('keeps the default database and the sinks in DATA_DIR, and lets LOG_FORMAT choose the format', () => {
    const env = loadEnv({ DATA_DIR: '/srv/amtszeit', LOG_FORMAT: 'pretty' });
    expect(env.DATA_DIR).toBe('/srv/amtszeit');
    expect(env.DATABASE_URL).toBe('sqlite:/srv/amtszeit/amtszeit.sqlite');
    expect(env.LOG_FORMAT).toBe('pretty');
    expect(loadEnv({ DATA_DIR: '/srv/amtszeit', DATABASE_URL: 'mysql://u@db/a' }).DATABASE_URL).toBe('mysql://u@db/a');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'postgres://x' }, 'DATABASE_URL'],
    [{ SMTP_URL: 'mail.example.org' }, 'SMTP_URL'],
    [{ PUBLIC_BASE_URL: 'not a url' }, 'PUBLIC_BASE_URL'],
    [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET'],
    [{ NODE_ENV: 'production' }, 'SESSION_SECRET: required in production'],
    [{ BOT_PROTECTION: 'maybe' }, 'BOT_PROTECTION'],
    [{ LOG_FORMAT: 'yaml' }, 'LOG_FORMAT'],
  ])('refuses %j with a message naming the variable', (env, expected) => {
    expect(() => loadEnv(env)).toThrow(expected);
  });
});
