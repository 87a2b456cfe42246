import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../config/env.config.js';
import type { NotificationTransport, SendFailure } from './notification.types.js';

/** A failed gateway call: the HTTP status (0: no answer) and what the gateway said. */
export class SmsGatewayError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** `messages.0.id` in `{"messages":[{"id":"x"}]}`; undefined when the path does not exist. */
export function readPath(value: unknown, path: string): unknown {
  let at = value;
  for (const part of path.split('.').filter(Boolean)) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

/**
 * Fills the JSON body template: every string value has its placeholders replaced, so the text is
 * escaped by JSON.stringify and a template cannot be broken by what a citizen's name contains.
 */
export function fillBody(template: unknown, values: Record<string, string>): unknown {
  if (typeof template === 'string') return template.replace(/\{\{(\w+)\}\}/g, (m, name: string) => values[name] ?? m);
  if (Array.isArray(template)) return template.map((v) => fillBody(v, values));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillBody(v, values)]));
  }
  return template;
}

/** Seconds or an HTTP date, as Retry-After allows; undefined when absent or unreadable. */
function retryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function classifySmsError(err: unknown): SendFailure {
  if (!(err instanceof SmsGatewayError)) return { kind: 'transient' };
  const { status } = err;
  if (status === 0 || status === 408 || status === 429 || status >= 500) return { kind: 'transient', retryAfterMs: err.retryAfterMs };
  // Credentials or account (401, 402, 403): fixed by the operator, then the messages go out.
  if (status === 401 || status === 402 || status === 403) return { kind: 'transient' };
  // 2xx with a status that is not success: the gateway refused this message (e.g. no credit for it).
  if (status < 300) return { kind: 'message' };
  return { kind: 'permanent' };
}

/**
 * SMS through a generic HTTP gateway (SMS_URL): one POST with a JSON body built from SMS_BODY,
 * authenticated with a bearer token, an API-key header or basic auth; the gateway's message id is
 * read from the answer at SMS_ID_PATH, and with SMS_STATUS_PATH only the SMS_SUCCESS_VALUES there
 * count as sent. `{{reference}}` is the outbox row's id: the same on every try of a message, so a
 * gateway that deduplicates by it never sends a retried message twice. Without SMS_URL the texts
 * are written to DATA_DIR/sms-sink/ (development). docs/notifications.md has worked examples.
 */
export function createSmsTransport(env: Env): NotificationTransport<'sms'> {
  if (!env.SMS_URL) {
    const sinkDir = join(env.DATA_DIR, 'sms-sink');
    return {
      channel: 'sms',
      description: `development SMS sink ${sinkDir} (SMS_URL is not set)`,
      concurrency: 1,
      send: async (sms, ref) => {
        mkdirSync(sinkDir, { recursive: true });
        const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${ref.id}.txt`;
        writeFileSync(join(sinkDir, name), `To: ${sms.to}\nFrom: ${env.SMS_SENDER}\nReference: ${ref.id}\n\n${sms.text}\n`);
        return { providerId: null };
      },
      classify: classifySmsError,
      close: () => undefined,
    };
  }
  const url = env.SMS_URL;
  const body = JSON.parse(env.SMS_BODY) as unknown;
  const successValues = env.SMS_SUCCESS_VALUES.split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (env.SMS_TOKEN)
    headers[env.SMS_TOKEN_HEADER.toLowerCase()] = env.SMS_TOKEN_HEADER.toLowerCase() === 'authorization' ? `Bearer ${env.SMS_TOKEN}` : env.SMS_TOKEN;
  else if (env.SMS_USERNAME) headers.authorization = `Basic ${Buffer.from(`${env.SMS_USERNAME}:${env.SMS_PASSWORD ?? ''}`).toString('base64')}`;
  return {
    channel: 'sms',
    description: `SMS gateway ${url.replace(/\/\/[^@]*@/, '//').replace(/\?.*$/, '')}`,
    concurrency: env.SMS_CONCURRENCY,
    send: async (sms, ref) => {
      const values = { to: sms.to, toDigits: sms.to.replace(/^\+/, ''), from: env.SMS_SENDER, text: sms.text, reference: ref.id };
      let response: Response;
      try {
        response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(fillBody(body, values)), signal: AbortSignal.timeout(env.SMS_TIMEOUT_MS) });
      } catch (err) {
        throw new SmsGatewayError(
          0,
          `no answer from the SMS gateway: ${(err as Error).name === 'TimeoutError' ? `timeout after ${env.SMS_TIMEOUT_MS} ms` : String((err as Error).message ?? err)}`,
        );
      }
      const raw = await response.text().catch(() => '');
      if (!response.ok) {
        throw new SmsGatewayError(
          response.status,
          `SMS gateway answered ${response.status}: ${raw.slice(0, 300)}`,
          retryAfter(response.headers.get('retry-after'), Date.now()),
        );
      }
      let answer: unknown = null;
      try {
        answer = raw ? JSON.parse(raw) : null;
      } catch {
        // A gateway that answers plain text: success is the 2xx status alone.
      }
      if (env.SMS_STATUS_PATH) {
        const status = String(readPath(answer, env.SMS_STATUS_PATH) ?? '');
        if (!successValues.includes(status)) throw new SmsGatewayError(response.status, `SMS gateway refused the message (status '${status.slice(0, 40)}')`);
      }
      const id = readPath(answer, env.SMS_ID_PATH);
      return { providerId: id === undefined || id === null ? null : String(id).slice(0, 100) };
    },
    classify: classifySmsError,
    close: () => undefined,
  };
}
