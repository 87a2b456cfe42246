import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { NotificationTransport, SendFailure } from './notification.types.js';

/** SMTP connections kept open to the relay, unless SMTP_URL says otherwise (`?maxConnections=2`). */
const SMTP_CONNECTIONS = 5;

/**
 * SMTP when SMTP_URL is set; otherwise a development sink writing one .eml file per mail into sinkDir.
 * SMTP goes through a small pool of kept-open connections: a connection per mail (TCP, greeting,
 * TLS, AUTH each time) measured a sixth of the mails per second (docs/booking.md, benchmark). Query parameters of
 * SMTP_URL are nodemailer options and win over these defaults (`pool=false`, `maxConnections=…`).
 * The timeouts bound one delivery, so a send started within a claim's lease ends within it.
 * The outbox row's id is the Message-ID, so the receiving side can recognise a resend.
 */
export function createMailTransport(smtpUrl: string | undefined, from: string, sinkDir: string): NotificationTransport<'email'> {
  const envelope = (ref: { id: string }) => ({ from, messageId: `<${ref.id}@amtszeit>` });
  const attachments = (list: Array<{ filename: string; contentType: string; content: string; cid?: string }>) =>
    list.map((a) => ({ ...a, content: Buffer.from(a.content, 'base64') }));
  if (smtpUrl) {
    const transport = nodemailer.createTransport({
      url: smtpUrl,
      pool: true,
      maxConnections: SMTP_CONNECTIONS,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
    });
    const configured = Number(new URL(smtpUrl).searchParams.get('maxConnections'));
    return {
      channel: 'email',
      description: `SMTP ${smtpUrl.replace(/\/\/[^@]*@/, '//')}`,
      concurrency: Number.isInteger(configured) && configured > 0 ? configured : SMTP_CONNECTIONS,
      send: async (mail, ref) => {
        await transport.sendMail({ ...envelope(ref), ...mail, attachments: attachments(mail.attachments) });
        return {};
      },
      classify: classifyMailError,
      close: () => transport.close(),
    };
  }
  const sink = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    channel: 'email',
    description: `development mail sink ${sinkDir} (SMTP_URL is not set)`,
    concurrency: 1,
    send: async (mail, ref) => {
      const info = await sink.sendMail({ ...envelope(ref), ...mail, attachments: attachments(mail.attachments) });
      mkdirSync(sinkDir, { recursive: true });
      writeFileSync(join(sinkDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${ref.id}.eml`), info.message as Buffer);
      return {};
    },
    classify: classifyMailError,
    close: () => sink.close(),
  };
}

/**
 * A refusal of this one message (its sender, recipients or content) lets other messages go on and
 * is retried with backoff. Anything else — no connection, a refused greeting or login, a timeout,
 * a 421 "closing the channel" — concerns the server, and further sends would fail alike.
 */
export function classifyMailError(err: unknown): SendFailure {
  const e = err as { code?: string; responseCode?: number } | null;
  const rejection = (e?.code === 'EENVELOPE' || e?.code === 'EMESSAGE') && e.responseCode !== 421;
  return { kind: rejection ? 'message' : 'transient' };
}
