import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { fromRoot } from '../common/project-root.js';

export interface MailEnvelope {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  attachments: Array<{ filename: string; contentType: string; content: Buffer; cid?: string }>;
}

export interface MailTransport {
  /** Where mail goes, for the start-up message. */
  readonly description: string;
  /** How many sends may be in flight at once (the SMTP connections). */
  readonly concurrency: number;
  send(mail: MailEnvelope): Promise<void>;
  close(): void;
}

export const MAIL_SINK_DIR = fromRoot('data', 'mail-sink');

/** SMTP connections kept open to the relay, unless SMTP_URL says otherwise (`?maxConnections=2`). */
const SMTP_CONNECTIONS = 5;

/**
 * SMTP when SMTP_URL is set; otherwise a development sink writing one .eml file per mail.
 * SMTP goes through a small pool of kept-open connections: a connection per mail (TCP, greeting,
 * TLS, AUTH each time) measured a sixth of the mails per second (docs/booking.md, benchmark). Query parameters of
 * SMTP_URL are nodemailer options and win over these defaults (`pool=false`, `maxConnections=…`).
 * The timeouts bound one delivery, so a send started within a claim's lease ends within it.
 */
export function createMailTransport(smtpUrl: string | undefined): MailTransport {
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
      description: `SMTP ${smtpUrl.replace(/\/\/[^@]*@/, '//')}`,
      concurrency: Number.isInteger(configured) && configured > 0 ? configured : SMTP_CONNECTIONS,
      send: async (mail) => {
        await transport.sendMail(mail);
      },
      close: () => transport.close(),
    };
  }
  const sink = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    description: `development mail sink ${MAIL_SINK_DIR} (SMTP_URL is not set)`,
    concurrency: 1,
    send: async (mail) => {
      const info = await sink.sendMail(mail);
      mkdirSync(MAIL_SINK_DIR, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${mail.messageId.replace(/[^a-zA-Z0-9.-]/g, '')}.eml`;
      writeFileSync(join(MAIL_SINK_DIR, name), info.message as Buffer);
    },
    close: () => sink.close(),
  };
}

/**
 * True when the server refused this one message (its sender, recipients or content), so other
 * messages may still go through. Anything else — no connection, a refused greeting or login, a
 * timeout, a 421 "closing the channel" — concerns the server, and further sends would fail alike.
 */
export function isMessageRejection(err: unknown): boolean {
  const e = err as { code?: string; responseCode?: number } | null;
  return (e?.code === 'EENVELOPE' || e?.code === 'EMESSAGE') && e.responseCode !== 421;
}
