import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface MimePart {
  headers: Record<string, string>;
  contentType: string;
  params: Record<string, string>;
  body: Buffer;
  parts: MimePart[];
}

export interface ReceivedMail {
  to: string[];
  raw: Buffer;
  subject: string;
  /** The From and Reply-To headers, encoded words decoded ('' when absent). */
  from: string;
  replyTo: string;
  messageId: string;
  html: string;
  text: string;
  attachments: Array<{ filename: string | null; contentType: string; cid: string | null; content: Buffer }>;
}

/**
 * A real SMTP server on loopback that keeps what it receives. `down = true` drops the open
 * connections (as a restarting server does) and refuses every new session (421) while it keeps its
 * port, so an application pointed at `url` sees an outage and a recovery; closing and re-listening
 * could lose the port to another socket in between. Recipients in `rejecting` are refused (550).
 */
export class TestSmtpServer {
  readonly messages: ReceivedMail[] = [];
  readonly rejecting = new Set<string>();
  /** Runs before each mail is accepted (the client waits for it), e.g. to look at the sender's state. */
  onMessage: ((mail: ReceivedMail) => void | Promise<void>) | null = null;
  private server: SMTPServer | null = null;
  private isDown = false;
  port = 0;

  get down(): boolean {
    return this.isDown;
  }

  set down(down: boolean) {
    this.isDown = down;
    if (down) {
      for (const connection of this.server?.connections ?? []) {
        connection.send(421, 'Service not available');
        connection.close();
      }
    }
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      disableReverseLookup: true,
      closeTimeout: 1000,
      onConnect: (_session, callback) => callback(this.down ? Object.assign(new Error('Service not available'), { responseCode: 421 }) : undefined),
      onRcptTo: (address, _session, callback) =>
        callback(this.rejecting.has(address.address) ? Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }) : undefined),
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const mail = toMail(
            session.envelope.rcptTo.map((r) => r.address),
            Buffer.concat(chunks),
          );
          Promise.resolve(this.onMessage?.(mail)).then(
            () => {
              this.messages.push(mail);
              callback();
            },
            (err: Error) => callback(err),
          );
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  to(address: string): ReceivedMail[] {
    return this.messages.filter((m) => m.to.includes(address));
  }

  /** Resolves with the next mail to this address (and subject) that arrives: no polling, no sleeps. Replaces onMessage. */
  nextMail(to: string, subject = /./): Promise<ReceivedMail> {
    return new Promise<ReceivedMail>((resolve) => {
      this.onMessage = (mail) => {
        if (mail.to.includes(to) && subject.test(mail.subject)) resolve(mail);
      };
    });
  }
}

function toMail(to: string[], raw: Buffer): ReceivedMail {
  const root = parseMime(raw.toString('latin1'));
  const leaves: MimePart[] = [];
  const walk = (p: MimePart) => (p.parts.length ? p.parts.forEach(walk) : leaves.push(p));
  walk(root);
  const text = leaves.find((p) => p.contentType === 'text/plain' && !p.headers['content-disposition']);
  const html = leaves.find((p) => p.contentType === 'text/html');
  return {
    to,
    raw,
    subject: decodeWords(root.headers.subject ?? ''),
    from: decodeWords(root.headers.from ?? ''),
    replyTo: decodeWords(root.headers['reply-to'] ?? ''),
    messageId: root.headers['message-id'] ?? '',
    text: text?.body.toString('utf8') ?? '',
    html: html?.body.toString('utf8') ?? '',
    attachments: leaves
      .filter((p) => p !== text && p !== html)
      .map((p) => ({
        filename: headerParams(p.headers['content-disposition'] ?? '').filename ?? p.params.name ?? null,
        contentType: p.contentType,
        cid: p.headers['content-id']?.replace(/[<>]/g, '') ?? null,
        content: p.body,
      })),
  };
}

/** Just enough MIME for what nodemailer writes: nested multiparts, base64 and quoted-printable. */
export function parseMime(source: string): MimePart {
  const split = source.search(/\r?\n\r?\n/);
  const head = split < 0 ? source : source.slice(0, split);
  const rest = split < 0 ? '' : source.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const [contentType, ...paramParts] = (headers['content-type'] ?? 'text/plain').split(';');
  const params = headerParams(paramParts.join(';'));
  const type = contentType.trim().toLowerCase();
  if (type.startsWith('multipart/') && params.boundary) {
    const parts = rest
      .split(`--${params.boundary}`)
      .slice(1)
      .filter((chunk) => !chunk.startsWith('--'))
      .map((chunk) => parseMime(chunk.replace(/^\r?\n/, '')));
    return { headers, contentType: type, params, body: Buffer.alloc(0), parts };
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const body =
    encoding === 'base64'
      ? Buffer.from(rest.replace(/\s+/g, ''), 'base64')
      : encoding === 'quoted-printable'
        ? Buffer.from(
            rest.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          )
        : Buffer.from(rest, 'latin1');
  return { headers, contentType: type, params, body, parts: [] };
}

function headerParams(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of value.matchAll(/;?\s*([\w*-]+)=("([^"]*)"|[^;]*)/g)) out[m[1].toLowerCase()] = decodeWords(m[3] ?? m[2]);
  return out;
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= / =?UTF-8?B?…?=). */
function decodeWords(value: string): string {
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_, _charset, enc, text) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m: string, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );
}
