import { join, resolve } from 'node:path';
import { z } from 'zod';
import { chooseLogFormat, type LogFormat } from '../common/json-logger.js';
import { fromRoot } from '../common/project-root.js';

/** The SMS request body when SMS_BODY is not set: placeholders in string values (docs/notifications.md). */
export const DEFAULT_SMS_BODY = '{"to":"{{to}}","from":"{{from}}","text":"{{text}}","reference":"{{reference}}"}';

function isJsonObject(v: string): boolean {
  try {
    const parsed: unknown = JSON.parse(v);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

const bool = z.enum(['on', 'off', 'true', 'false', '1', '0']).transform((v) => v === 'on' || v === 'true' || v === '1');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** The server's own files: the default SQLite database and the development mail and SMS sinks. */
  DATA_DIR: z.string().optional(),
  DATABASE_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || /^(sqlite:|mysql:\/\/|mariadb:\/\/)/.test(v), {
      message: 'must start with sqlite: or mysql:// (e.g. sqlite:./data/amtszeit.sqlite, mysql://user:pass@127.0.0.1:3306/amtszeit)',
    }),
  PUBLIC_BASE_URL: z.url({ message: 'must be an absolute URL such as https://termine.example.de' }).optional(),
  SMTP_URL: z
    .string()
    .refine((v) => /^smtps?:\/\//.test(v), { message: 'must start with smtp:// or smtps://' })
    .optional(),
  MAIL_FROM: z.string().default('Amtszeit <noreply@localhost>'),
  // SMS through a generic HTTP gateway (docs/notifications.md); unset: files in DATA_DIR/sms-sink/.
  SMS_URL: z.url({ message: 'must be an absolute URL such as https://gateway.example/api/sms' }).optional(),
  SMS_TOKEN: z.string().optional(),
  SMS_TOKEN_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'must be a header name')
    .default('Authorization'),
  SMS_USERNAME: z.string().optional(),
  SMS_PASSWORD: z.string().optional(),
  SMS_SENDER: z.string().min(1).max(16).default('Amtszeit'),
  SMS_BODY: z.string().refine(isJsonObject, { message: 'must be a JSON object, e.g. {"to":"{{to}}","text":"{{text}}"}' }).default(DEFAULT_SMS_BODY),
  SMS_ID_PATH: z.string().default('id'),
  SMS_STATUS_PATH: z.string().optional(),
  SMS_SUCCESS_VALUES: z.string().default(''),
  SMS_TIMEOUT_MS: z.coerce.number().int().min(50).max(120_000).default(10_000),
  SMS_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(4),
  SMS_REPORT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  SMS_REPORT_SIGNATURE_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'must be a header name')
    .default('X-Signature'),
  SMS_REPORT_ID_PATH: z.string().default('id'),
  SMS_REPORT_REFERENCE_PATH: z.string().default('reference'),
  SMS_REPORT_STATUS_PATH: z.string().default('status'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  TENANTS_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Unset: pretty lines when stdout is a terminal, JSON lines otherwise. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  TASK_POLL_SECONDS: z.coerce.number().int().min(0).default(30),
  /** How often an instance looks for event deliveries that other instances committed; 0 = only the minute task. */
  EVENTS_POLL_MS: z.coerce.number().int().min(0).default(250),
  /** How often an instance reads the configuration version that other instances bump on a change (≤ 1 s: a switched-off plugin stops answering within it). */
  CACHE_POLL_MS: z.coerce.number().int().min(50).max(1000).default(500),
  /** Worker processes serving HTTP (Node's cluster module); MySQL/MariaDB only, SQLite runs one. */
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  /** Lets webhooks reach loopback and private networks (development, an intranet receiver); off by default (SSRF). */
  WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  BOT_PROTECTION: bool.default(true),
  TRUST_PROXY: bool.default(false),
});

export type Env = z.infer<typeof envSchema> & {
  DATA_DIR: string;
  DATABASE_URL: string;
  LOG_FORMAT: LogFormat;
  PUBLIC_BASE_URL: string;
  SESSION_SECRET: string;
};

export class EnvValidationError extends Error {}

/** Reads and validates the environment; a bad value stops the start with the variable named. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvValidationError(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  if (env.SMS_STATUS_PATH && !env.SMS_SUCCESS_VALUES) {
    throw new EnvValidationError('Invalid environment configuration:\n  SMS_SUCCESS_VALUES: required with SMS_STATUS_PATH (the values that mean sent)');
  }
  if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
    throw new EnvValidationError('Invalid environment configuration:\n  SESSION_SECRET: required in production');
  }
  return {
    ...env,
    DATA_DIR: resolve(env.DATA_DIR ?? fromRoot('data')),
    DATABASE_URL: env.DATABASE_URL ?? `sqlite:${env.DATA_DIR ? join(env.DATA_DIR, 'amtszeit.sqlite') : './data/amtszeit.sqlite'}`,
    LOG_FORMAT: chooseLogFormat(env.LOG_FORMAT, process.stdout.isTTY === true),
    PUBLIC_BASE_URL: (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ''),
    // Development only: a per-process secret means sessions end at restart, which is acceptable there.
    SESSION_SECRET: env.SESSION_SECRET ?? `dev-${process.pid}-${Date.now()}-insecure-session-secret`,
  };
}

export const ENV = Symbol('ENV');
