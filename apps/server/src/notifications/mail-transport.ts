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
  send(mail: MailEnvelope): Promise<void>;
  close(): void;
}

export const MAIL_SINK_DIR = fromRoot('data', 'mail-sink');

/** SMTP when SMTP_URL is set; otherwise a development sink writing one .eml file per mail. */
export function createMailTransport(smtpUrl: string | undefined): MailTransport {
  if (smtpUrl) {
    // No pooling: each delivery opens its own connection, so an outage cannot wedge a pool.
    const transport = nodemailer.createTransport(smtpUrl);
    return {
      description: `SMTP ${smtpUrl.replace(/\/\/[^@]*@/, '//')}`,
      send: async (mail) => {
        await transport.sendMail(mail);
      },
      close: () => transport.close(),
    };
  }
  const sink = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    description: `development mail sink ${MAIL_SINK_DIR} (SMTP_URL is not set)`,
    send: async (mail) => {
      const info = await sink.sendMail(mail);
      mkdirSync(MAIL_SINK_DIR, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${mail.messageId.replace(/[^a-zA-Z0-9.-]/g, '')}.eml`;
      writeFileSync(join(MAIL_SINK_DIR, name), info.message as Buffer);
    },
    close: () => sink.close(),
  };
}
