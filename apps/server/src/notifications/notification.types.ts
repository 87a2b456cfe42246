export type NotificationChannel = 'email' | 'sms';
export type NotificationLocale = 'de' | 'en';

/** How the panel names a mail template for a clerk: what it is and when it is sent, in German and English. */
export interface MailTemplateName {
  label: { de: string; en: string };
  sentWhen: { de: string; en: string };
}

/**
 * A plugin's mail templates: the folder of its handlebars files (`<name>.<locale>.<part>.hbs`, addressed
 * as `<plugin>/<name>`) and every template's name for the panel (file name without language and part → name).
 */
export interface PluginMailTemplates {
  dir: string;
  names: Record<string, MailTemplateName>;
}

/** A rendered mail ready to go; an attachment's content is base64. */
export interface EmailContent {
  to: string;
  /** The tenant as sender (name and address); the server's MAIL_FROM when absent (installation mail). */
  from?: { name: string; address: string };
  /** Where answers go: the tenant's reply address or contact address. */
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  attachments: Array<{ filename: string; contentType: string; content: string; cid?: string }>;
}

/** A rendered SMS: an E.164 number and the text. */
export interface SmsContent {
  to: string;
  text: string;
}

export interface ChannelContent {
  email: EmailContent;
  sms: SmsContent;
}

export type OutboxContent = EmailContent | SmsContent;

/**
 * A kind of message, declared once by its owner: how its data becomes a mail and/or an SMS.
 * Senders only name the template and hand over the data (see OutboxService.notify).
 */
export interface NotificationTemplate<D> {
  /** `<namespace>/<name>`, e.g. `booking/confirmation`; stored on every message. */
  readonly id: string;
  readonly email?: (data: D, locale: NotificationLocale) => Promise<Omit<EmailContent, 'to'>>;
  readonly sms?: (data: D, locale: NotificationLocale) => Promise<string>;
}

/** What a sender describes: one message on one channel. */
export interface Notification<D> {
  /** Unique per tenant: makes "decided to send" happen once (e.g. booking:<id>:confirmation:2). */
  key: string;
  channel: NotificationChannel;
  /** An email address, or an E.164 phone number for SMS. */
  to: string;
  locale: NotificationLocale;
  data: D;
}

/**
 * How a failed send is treated: `transient` — the transport is unavailable (no connection, a timeout,
 * a 5xx, a 429): this message waits and the channel's drain stops until the next trigger;
 * `message` — this message was refused while others may go, retried with backoff;
 * `permanent` — this message can never go (e.g. a number the gateway refuses): given up at once.
 */
export interface SendFailure {
  kind: 'transient' | 'message' | 'permanent';
  /** The gateway asked to wait this long (Retry-After). */
  retryAfterMs?: number;
}

export interface SendResult {
  /** The gateway's own id of the message, for delivery reports. */
  providerId?: string | null;
}

/** Delivers one channel's messages; registered with the outbox per channel. */
export interface NotificationTransport<C extends NotificationChannel = NotificationChannel> {
  readonly channel: C;
  /** Where messages go, for the start-up message. */
  readonly description: string;
  /** How many sends may be in flight at once in this process. */
  readonly concurrency: number;
  /** `ref.id` is stable per message (Message-ID, the gateway's client reference), so a resend can be recognised. */
  send(content: ChannelContent[C], ref: { id: string }): Promise<SendResult>;
  classify(err: unknown): SendFailure;
  close(): void;
}
