import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { In, LessThan } from 'typeorm';
import { Clock } from '../common/clock.js';
import { ConcurrencyLimit } from '../common/concurrency-limit.js';
import { ENV, type Env } from '../config/env.config.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { backoffMinutes, claimDue, workerId } from '../database/lease-claim.js';
import { INSTALLATION, runAsTenant, TenantContext, type TenantRef } from '../tenancy/tenant-context.js';
import { TenantDataService, type TenantTx } from '../tenancy/tenant-data.service.js';
import { createMailTransport } from './mail-transport.js';
import type {
  ChannelContent,
  Notification,
  NotificationChannel,
  NotificationTemplate,
  NotificationTransport,
  OutboxContent,
  SendFailure,
} from './notification.types.js';
import { OutboxMessage } from './outbox-message.entity.js';
import { normalisePhone } from './phone-number.js';
import { countSmsSegments } from './sms-segments.js';
import { createSmsTransport } from './sms-transport.js';

const MAX_ATTEMPTS = 12;
const LEASE_MS = 2 * 60_000;
/**
 * Sends of a claim start only within this first part of its lease; the transport's timeouts bound
 * each send, so every send ends before the lease could lapse and another instance take the row.
 */
const SEND_WINDOW_MS = LEASE_MS / 2;
/** Rows per claim: keeps the connections busy; a process dying mid-claim resends at most these. */
const BATCH = 50;

export interface DeliveryReport {
  sent: number;
  failed: number;
}

interface Claim {
  token: string;
  at: Date;
  rows: OutboxMessage[];
}

interface Drain {
  /** Asked for again while running: look once more before stopping (a message may have come in). */
  again: boolean;
  done: Promise<DeliveryReport>;
}

interface Channel {
  transport: NotificationTransport;
  /** Sends in flight in this process, over all drains of the channel: one per connection. */
  sending: ConcurrencyLimit;
}

interface Failure {
  row: OutboxMessage;
  error: string;
  failure: SendFailure;
}

/**
 * The transactional outbox for every channel (mail, SMS). `notify` runs inside the caller's
 * transaction: it renders the message from its template and writes it, so a message exists exactly
 * when the change that caused it committed, and a broken template fails the change rather than
 * the delivery. Transports are registered per channel. A drain delivers one scope's due messages
 * of one channel until none is left: it claims up to BATCH rows with one conditional update
 * marked with a token of its own (so of two instances draining at once, each row goes to one),
 * sends them over the transport's connections, and records the outcome in one transaction;
 * failures wait with exponential backoff (or as long as the gateway's Retry-After asks), and a
 * transport that is down ends that channel's drain until the next trigger, without holding up the
 * other channels. One drain per scope and channel runs in a process; `kick()` after a commit and
 * the minute task start them.
 * A process that dies after the server accepted a message but before recording it resends it after
 * the lease: the same Message-ID (mail) or client reference (SMS) lets the other side recognise that duplicate.
 */
@Injectable()
export class OutboxService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Outbox');
  private readonly owner = workerId();
  private readonly channels = new Map<NotificationChannel, Channel>();
  private readonly drains = new Map<string, Drain>();
  /** deliverDue calls joined while their drains run: a second caller gets the same report. */
  private readonly deliveries = new Map<string, Promise<DeliveryReport>>();
  private readonly kicked = new Set<string>();
  /** Transactions that already ask for delivery after their commit. */
  private readonly kicking = new WeakSet<TenantTx>();
  private claims = 0;
  private closing = false;

  constructor(
    private readonly data: TenantDataService,
    private readonly clock: Clock,
    @Inject(ENV) private readonly env: Env,
  ) {
    this.registerTransport(createMailTransport(env.SMTP_URL, env.MAIL_FROM, join(env.DATA_DIR, 'mail-sink')));
    this.registerTransport(createSmsTransport(env));
  }

  /** A channel's transport; the core registers mail (SMTP_URL) and SMS (SMS_URL). The last registration wins. */
  registerTransport(transport: NotificationTransport): void {
    this.channels.get(transport.channel)?.transport.close();
    this.channels.set(transport.channel, { transport, sending: new ConcurrencyLimit(transport.concurrency) });
  }

  onApplicationBootstrap(): void {
    for (const [channel, { transport }] of this.channels) {
      const unset = channel === 'email' ? !this.env.SMTP_URL : !this.env.SMS_URL;
      this.logger[unset && this.env.NODE_ENV === 'production' ? 'warn' : 'log'](`${channel === 'email' ? 'Mail' : 'SMS'} goes to ${transport.description}`);
    }
  }

  /** Running drains finish the sends in flight, record them and stop, while the database is still there. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.idle();
  }

  onApplicationShutdown(): void {
    for (const { transport } of this.channels.values()) transport.close();
  }

  /**
   * Records a message to send: renders `template` for the channel and writes it. Call inside the
   * transaction of the change; its commit asks for delivery (`kick()`, once per transaction). The key must be unique per tenant;
   * an SMS goes to an E.164 number (see phone-number.ts, which callers use at input). `replace`
   * renders a message written earlier in the same transaction again (e.g. once a time is known).
   */
  async notify<D>(tx: TenantTx, template: NotificationTemplate<D>, message: Notification<D>, options: { replace?: boolean } = {}): Promise<void> {
    const content = await this.render(template, message);
    const segments = message.channel === 'sms' ? countSmsSegments((content as ChannelContent['sms']).text).segments : null;
    const repo = tx.repo(OutboxMessage);
    if (!this.kicking.has(tx)) {
      this.kicking.add(tx);
      tx.afterCommit(() => this.kick());
    }
    if (options.replace) {
      await repo.update({ messageKey: message.key, status: 'pending' }, { content, segments });
      return;
    }
    await repo.insert([
      repo.create({
        messageKey: message.key,
        channel: message.channel,
        template: template.id,
        status: 'pending',
        content,
        segments,
        attempts: 0,
        nextAttemptAt: this.clock.now(),
        claimedBy: null,
        leaseUntil: null,
        sentAt: null,
        lastError: null,
        providerId: null,
        deliveryStatus: null,
        deliveryReportedAt: null,
      }),
    ]);
  }

  /**
   * Records a message of the installation rather than of a tenant (e.g. a login lockout notice to
   * the super-admins), in a transaction of its own, whose commit asks for delivery. False when a message with
   * this key was already recorded, so callers on several instances may decide the same one at once.
   */
  async notifyInstallation<D>(template: NotificationTemplate<D>, message: Notification<D>): Promise<boolean> {
    try {
      await runAsTenant(INSTALLATION, () => this.data.transaction((tx) => this.notify(tx, template, message)));
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
    return true;
  }

  /**
   * Asks for delivery right after a commit (`notify` registers it on its transaction), so a citizen waiting for the confirm link does not wait
   * for the next task tick. Coalesced per tenant and channel; off when the task runner is off (tests
   * drive delivery themselves). The minute task stays the safety net.
   */
  kick(): void {
    this.requestDrains(TenantContext.current());
  }

  /**
   * Delivers the current tenant's due messages (of one channel, or of all) until none is left, or
   * joins the drains already running for it in this process; resolves with what they delivered.
   */
  deliverDue(channel?: NotificationChannel): Promise<DeliveryReport> {
    const scope = TenantContext.current();
    const id = `${scope.id}:${channel ?? '*'}`;
    const running = this.deliveries.get(id);
    if (running) {
      // As with one drain: asked again while running, it looks once more before stopping.
      for (const c of this.channels.keys()) {
        const drain = (!channel || c === channel) && this.drains.get(`${scope.id}:${c}`);
        if (drain) drain.again = true;
      }
      return running;
    }
    const delivery = Promise.all([...this.channels.keys()].filter((c) => !channel || c === channel).map((c) => this.drain(scope, c)))
      .then((reports) => reports.reduce((a, r) => ({ sent: a.sent + r.sent, failed: a.failed + r.failed }), { sent: 0, failed: 0 }))
      .finally(() => this.deliveries.delete(id));
    this.deliveries.set(id, delivery);
    return delivery;
  }

  /** Which of these message keys the current tenant has recorded (sent or not): for callers that decide once per key. */
  async existingKeys(keys: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < keys.length; i += 500) {
      const rows = await this.data.repo(OutboxMessage).find({ select: { messageKey: true }, where: { messageKey: In(keys.slice(i, i + 500)) } });
      for (const r of rows) found.add(r.messageKey);
    }
    return found;
  }

  /** Resolves once no drain runs in this process. */
  async idle(): Promise<void> {
    while (this.drains.size > 0) await Promise.allSettled([...this.drains.values()].map((d) => d.done));
  }

  /** Privacy: sent messages (they carry names, addresses and phone numbers) are deleted once they are this old. */
  async purgeSent(olderThan: Date): Promise<number> {
    return this.data.transaction((tx) => tx.repo(OutboxMessage).delete({ status: 'sent', sentAt: LessThan(olderThan) }));
  }

  private async render<D>(template: NotificationTemplate<D>, message: Notification<D>): Promise<OutboxContent> {
    if (message.channel === 'sms') {
      if (!template.sms) throw new Error(`Template ${template.id} has no SMS text`);
      if (normalisePhone(message.to) !== message.to) throw new Error(`An SMS needs an E.164 number (${template.id})`);
      return { to: message.to, text: (await template.sms(message.data, message.locale)).trim() };
    }
    if (!template.email) throw new Error(`Template ${template.id} has no mail`);
    return { to: message.to, ...(await template.email(message.data, message.locale)) };
  }

  private requestDrains(scope: TenantRef): void {
    if (this.env.TASK_POLL_SECONDS <= 0) return;
    for (const channel of this.channels.keys()) {
      const id = `${scope.id}:${channel}`;
      const running = this.drains.get(id);
      if (running) {
        running.again = true;
        continue;
      }
      if (this.kicked.has(id)) continue;
      this.kicked.add(id);
      setTimeout(() => {
        this.kicked.delete(id);
        this.drainInBackground(scope, channel);
      }, 50).unref();
    }
  }

  /** Starts the drains of every channel without waiting (the outbox tasks: a long backlog never holds back other tasks). */
  drainAllInBackground(scope: TenantRef): void {
    for (const channel of this.channels.keys()) this.drainInBackground(scope, channel);
  }

  private drainInBackground(scope: TenantRef, channel: NotificationChannel): void {
    this.drain(scope, channel).catch((err) =>
      this.logger.warn({ msg: 'Delivery stopped by an error; the next run retries', scope: scope.slug, channel, err: String(err) }),
    );
  }

  private drain(scope: TenantRef, channel: NotificationChannel): Promise<DeliveryReport> {
    const id = `${scope.id}:${channel}`;
    const running = this.drains.get(id);
    if (running) {
      running.again = true;
      return running.done;
    }
    const drain = { again: false } as Drain;
    drain.done = runAsTenant(scope, () => this.deliverAll(drain, channel)).finally(() => this.drains.delete(id));
    this.drains.set(id, drain);
    return drain.done;
  }

  private async deliverAll(drain: Drain, channel: NotificationChannel): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, failed: 0 };
    let down = false;
    do {
      drain.again = false;
      while (!down && !this.closing) {
        const claim = await this.claim(channel);
        if (!claim) break;
        const outcome = await this.send(claim, this.channels.get(channel)!);
        report.sent += outcome.sent;
        report.failed += outcome.failed;
        down = outcome.down;
      }
    } while (drain.again && !down && !this.closing);
    if (report.sent + report.failed > 0) this.logger.debug({ msg: 'Messages delivered', scope: TenantContext.current().slug, channel, ...report });
    return report;
  }

  /**
   * Takes up to BATCH due rows of a channel (pending and due, or left by a sender whose lease
   * lapsed) with the shared conditional update (database/lease-claim.ts); a row another instance
   * took in between is not updated. Null when nothing is due; a claim without rows when another
   * instance was faster.
   */
  private async claim(channel: NotificationChannel): Promise<Claim | null> {
    const at = this.clock.now();
    const token = `${this.owner}:${++this.claims}`;
    const { rows, due } = await this.data.writeTx((tx) =>
      claimDue(tx.repo(OutboxMessage), { at, token, leaseMs: LEASE_MS, batch: BATCH, waiting: 'pending', claimed: 'sending', match: { channel } }),
    );
    return due === 0 ? null : { token, at, rows };
  }

  /**
   * Sends a claim's rows over the transport's connections, then records all outcomes at once.
   * Rows not started (the transport is down, the send window closed, shutdown) go back unchanged.
   */
  private async send(claim: Claim, { transport, sending }: Channel): Promise<DeliveryReport & { down: boolean }> {
    const queue = [...claim.rows];
    const sent: Array<{ id: string; providerId: string | null }> = [];
    const failures: Failure[] = [];
    let down = false;
    const windowEnd = claim.at.getTime() + SEND_WINDOW_MS;
    const stopped = () => down || this.closing || this.clock.now().getTime() >= windowEnd;
    // A row is taken only once a connection is free, so the window check holds for the send itself.
    const sendNext = () =>
      sending.run(async () => {
        if (queue.length === 0 || stopped()) return false;
        const row = queue.shift()!;
        try {
          const result = await transport.send(row.content as never, { id: row.id });
          sent.push({ id: row.id, providerId: result.providerId ?? null });
        } catch (err) {
          const failure = transport.classify(err);
          failures.push({ row, error: String((err as Error)?.message ?? err).slice(0, 2000), failure });
          if (failure.kind === 'transient') down = true;
        }
        return true;
      });
    const worker = async () => {
      while (await sendNext());
    };
    await Promise.all(Array.from({ length: Math.min(transport.concurrency, queue.length) }, worker));
    if (claim.rows.length > 0)
      await this.record(
        claim,
        sent,
        failures,
        queue.map((r) => r.id),
      );
    return { sent: sent.length, failed: failures.length, down };
  }

  /** Writes under the claim's token only: a row whose claim was lost is left to its new sender. */
  private async record(claim: Claim, sent: Array<{ id: string; providerId: string | null }>, failures: Failure[], untried: string[]): Promise<void> {
    const now = this.clock.now();
    const gaveUp = (f: Failure) => f.failure.kind === 'permanent' || f.row.attempts >= MAX_ATTEMPTS;
    await this.data.writeTx(async (tx) => {
      const repo = tx.repo(OutboxMessage);
      const done = { status: 'sent' as const, sentAt: now, leaseUntil: null, lastError: null };
      const plain = sent.filter((s) => s.providerId === null).map((s) => s.id);
      if (plain.length) await repo.update({ id: In(plain), claimedBy: claim.token }, done);
      for (const s of sent) if (s.providerId !== null) await repo.update({ id: s.id, claimedBy: claim.token }, { ...done, providerId: s.providerId });
      if (untried.length) {
        await repo.update(
          { id: In(untried), claimedBy: claim.token },
          { status: 'pending', claimedBy: null, leaseUntil: null, attempts: () => 'attempts - 1' },
        );
      }
      for (const f of failures) {
        const wait = Math.max(backoffMinutes(f.row.attempts) * 60_000, f.failure.retryAfterMs ?? 0);
        await repo.update(
          { id: f.row.id, claimedBy: claim.token },
          { status: gaveUp(f) ? 'failed' : 'pending', nextAttemptAt: new Date(now.getTime() + wait), leaseUntil: null, lastError: f.error },
        );
      }
    });
    for (const f of failures) {
      this.logger[gaveUp(f) ? 'error' : 'warn']({
        msg: gaveUp(f) ? 'Message given up' : 'Delivery failed, will retry',
        channel: f.row.channel,
        key: f.row.messageKey,
        attempts: f.row.attempts,
        err: f.error,
      });
    }
  }
}
