import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { In, LessThan, LessThanOrEqual } from 'typeorm';
import { Clock } from '../common/clock.js';
import { ConcurrencyLimit } from '../common/concurrency-limit.js';
import { ENV, type Env } from '../config/env.config.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { INSTALLATION, runAsTenant, TenantContext, type TenantRef } from '../tenancy/tenant-context.js';
import { TenantDataService, type TenantTx } from '../tenancy/tenant-data.service.js';
import { createMailTransport, isMessageRejection, type MailEnvelope, type MailTransport } from './mail-transport.js';
import { OutboxMessage, type OutboxMail } from './outbox-message.entity.js';

const MAX_ATTEMPTS = 12;
const LEASE_MS = 2 * 60_000;
/**
 * Sends of a claim start only within this first part of its lease; the transport's timeouts bound
 * each send, so every send ends before the lease could lapse and another instance take the row.
 */
const SEND_WINDOW_MS = LEASE_MS / 2;
/** Rows per claim: keeps the connections busy; a process dying mid-claim resends at most these. */
const BATCH = 50;

/** Minutes until the next try after `attempts` failures: 1, 2, 4, … capped at an hour. */
export function backoffMinutes(attempts: number): number {
  return Math.min(60, 2 ** Math.max(0, attempts - 1));
}

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
  /** Asked for again while running: look once more before stopping (a mail may have come in). */
  again: boolean;
  done: Promise<DeliveryReport>;
}

/**
 * The transactional outbox. `enqueue` runs inside the caller's transaction, so a mail exists
 * exactly when the change that caused it committed. A drain delivers a scope's due mails until
 * none is left: it claims up to BATCH rows with one conditional update marked with a token of its
 * own (so of two instances draining at once, each row goes to one), sends them over a few SMTP
 * connections at once, and records the outcome in one transaction; failures wait with exponential
 * backoff, and a server that refuses everything ends the drain until the next trigger. One drain
 * per scope runs in a process; `kick()` after a commit and the minute task start it.
 * A process that dies after the SMTP server accepted a mail but before recording it resends it
 * after the lease: the same Message-ID lets the receiving side recognise that duplicate.
 */
@Injectable()
export class OutboxService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private readonly owner = `${hostname().slice(0, 40)}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly transport: MailTransport;
  /** Sends in flight in this process, over all drains: one per connection. */
  private readonly sending: ConcurrencyLimit;
  private readonly drains = new Map<string, Drain>();
  private readonly kicked = new Set<string>();
  private claims = 0;
  private closing = false;

  constructor(
    private readonly data: TenantDataService,
    private readonly clock: Clock,
    @Inject(ENV) private readonly env: Env,
  ) {
    this.transport = createMailTransport(env.SMTP_URL);
    this.sending = new ConcurrencyLimit(this.transport.concurrency);
  }

  onApplicationBootstrap(): void {
    const level = !this.env.SMTP_URL && this.env.NODE_ENV === 'production' ? 'warn' : 'log';
    this.logger[level](`Mail goes to ${this.transport.description}`);
  }

  /** Running drains finish the sends in flight, record them and stop, while the database is still there. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.idle();
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }

  /** Records a mail to send; call inside the transaction of the change. The key must be unique per tenant. */
  async enqueue(tx: TenantTx, messageKey: string, mail: OutboxMail): Promise<void> {
    const repo = tx.repo(OutboxMessage);
    await repo.insert([
      repo.create({
        messageKey,
        status: 'pending',
        mail,
        attempts: 0,
        nextAttemptAt: this.clock.now(),
        claimedBy: null,
        leaseUntil: null,
        sentAt: null,
        lastError: null,
      }),
    ]);
  }

  /**
   * Records a mail of the installation rather than of a tenant (e.g. a login lockout notice to the
   * super-admins), in a transaction of its own, and asks for delivery. False when a mail with this
   * key was already recorded, so callers on several instances may decide the same mail at once.
   */
  async enqueueForInstallation(messageKey: string, mail: OutboxMail): Promise<boolean> {
    try {
      await runAsTenant(INSTALLATION, () => this.data.transaction((tx) => this.enqueue(tx, messageKey, mail)));
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
    this.requestDrain(INSTALLATION);
    return true;
  }

  /**
   * Asks for delivery right after a commit, so a citizen waiting for the confirm link does not wait
   * for the next task tick. Coalesced per tenant; off when the task runner is off (tests drive
   * delivery themselves). The minute task stays the safety net.
   */
  kick(): void {
    this.requestDrain(TenantContext.current());
  }

  /**
   * Delivers the current tenant's due mails until none is left, or joins the drain already running
   * for it in this process; resolves with what that drain delivered. The task starts the same drain.
   */
  deliverDue(): Promise<DeliveryReport> {
    return this.drain(TenantContext.current());
  }

  /** Resolves once no drain runs in this process. */
  async idle(): Promise<void> {
    while (this.drains.size > 0) await Promise.allSettled([...this.drains.values()].map((d) => d.done));
  }

  /** Privacy: sent mails (they carry names and addresses) are deleted once they are this old. */
  async purgeSent(olderThan: Date): Promise<number> {
    return this.data.transaction((tx) => tx.repo(OutboxMessage).delete({ status: 'sent', sentAt: LessThan(olderThan) }));
  }

  private requestDrain(scope: TenantRef): void {
    if (this.env.TASK_POLL_SECONDS <= 0) return;
    const running = this.drains.get(scope.id);
    if (running) {
      running.again = true;
      return;
    }
    if (this.kicked.has(scope.id)) return;
    this.kicked.add(scope.id);
    setTimeout(() => {
      this.kicked.delete(scope.id);
      this.drainInBackground(scope);
    }, 50).unref();
  }

  /** Starts a drain without waiting for it (the mail tasks: a long backlog never holds back other tasks). */
  drainInBackground(scope: TenantRef): void {
    this.drain(scope).catch((err) => this.logger.warn({ msg: 'Mail delivery stopped by an error; the next run retries', scope: scope.slug, err: String(err) }));
  }

  private drain(scope: TenantRef): Promise<DeliveryReport> {
    const running = this.drains.get(scope.id);
    if (running) {
      running.again = true;
      return running.done;
    }
    const drain = { again: false } as Drain;
    drain.done = runAsTenant(scope, () => this.deliverAll(drain)).finally(() => this.drains.delete(scope.id));
    this.drains.set(scope.id, drain);
    return drain.done;
  }

  private async deliverAll(drain: Drain): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, failed: 0 };
    let serverDown = false;
    do {
      drain.again = false;
      while (!serverDown && !this.closing) {
        const claim = await this.claim();
        if (!claim) break;
        const outcome = await this.send(claim);
        report.sent += outcome.sent;
        report.failed += outcome.failed;
        serverDown = outcome.serverDown;
      }
    } while (drain.again && !serverDown && !this.closing);
    if (report.sent + report.failed > 0) this.logger.debug({ msg: 'Mail delivered', scope: TenantContext.current().slug, ...report });
    return report;
  }

  /**
   * Takes up to BATCH due rows (pending and due, or left by a sender whose lease lapsed) with one
   * conditional update per kind; a row another instance took in between is not updated. Null when
   * nothing is due; a claim without rows when another instance was faster.
   */
  private async claim(): Promise<Claim | null> {
    const at = this.clock.now();
    const token = `${this.owner}:${++this.claims}`;
    return this.data.writeTx(async (tx) => {
      const repo = tx.repo(OutboxMessage);
      const due = await repo.find({
        select: { id: true, status: true },
        where: [
          { status: 'pending', nextAttemptAt: LessThanOrEqual(at) },
          { status: 'sending', leaseUntil: LessThan(at) },
        ],
        order: { nextAttemptAt: 'ASC' },
        take: BATCH,
      });
      if (due.length === 0) return null;
      const lease = { status: 'sending' as const, claimedBy: token, leaseUntil: new Date(at.getTime() + LEASE_MS), attempts: () => 'attempts + 1' };
      const pending = due.filter((r) => r.status === 'pending').map((r) => r.id);
      const lapsed = due.filter((r) => r.status === 'sending').map((r) => r.id);
      if (pending.length) await repo.update({ id: In(pending), status: 'pending', nextAttemptAt: LessThanOrEqual(at) }, lease);
      if (lapsed.length) await repo.update({ id: In(lapsed), status: 'sending', leaseUntil: LessThan(at) }, lease);
      const rows = await repo.find({ where: { id: In(due.map((r) => r.id)), claimedBy: token }, order: { nextAttemptAt: 'ASC' } });
      return { token, at, rows };
    });
  }

  /**
   * Sends a claim's rows over the transport's connections, then records all outcomes at once.
   * Rows not started (the server is down, the send window closed, shutdown) go back unchanged.
   */
  private async send(claim: Claim): Promise<DeliveryReport & { serverDown: boolean }> {
    const queue = [...claim.rows];
    const sent: string[] = [];
    const failures: Array<{ row: OutboxMessage; error: string }> = [];
    let serverDown = false;
    const windowEnd = claim.at.getTime() + SEND_WINDOW_MS;
    const stopped = () => serverDown || this.closing || this.clock.now().getTime() >= windowEnd;
    // A row is taken only once a connection is free, so the window check holds for the send itself.
    const sendNext = () =>
      this.sending.run(async () => {
        if (queue.length === 0 || stopped()) return false;
        const row = queue.shift()!;
        try {
          await this.transport.send(this.envelope(row));
          sent.push(row.id);
        } catch (err) {
          failures.push({ row, error: String((err as Error)?.message ?? err).slice(0, 2000) });
          if (!isMessageRejection(err)) serverDown = true;
        }
        return true;
      });
    const worker = async () => {
      while (await sendNext());
    };
    await Promise.all(Array.from({ length: Math.min(this.transport.concurrency, queue.length) }, worker));
    if (claim.rows.length > 0) await this.record(claim, sent, failures, queue.map((r) => r.id));
    return { sent: sent.length, failed: failures.length, serverDown };
  }

  private envelope(row: OutboxMessage): MailEnvelope {
    return {
      from: this.env.MAIL_FROM,
      to: row.mail.to,
      subject: row.mail.subject,
      html: row.mail.html,
      text: row.mail.text,
      messageId: `<${row.id}@amtszeit>`,
      attachments: row.mail.attachments.map((a) => ({ ...a, content: Buffer.from(a.content, 'base64') })),
    };
  }

  /** Writes under the claim's token only: a row whose claim was lost is left to its new sender. */
  private async record(claim: Claim, sent: string[], failures: Array<{ row: OutboxMessage; error: string }>, untried: string[]): Promise<void> {
    const now = this.clock.now();
    await this.data.writeTx(async (tx) => {
      const repo = tx.repo(OutboxMessage);
      if (sent.length) await repo.update({ id: In(sent), claimedBy: claim.token }, { status: 'sent', sentAt: now, leaseUntil: null, lastError: null });
      if (untried.length) {
        await repo.update({ id: In(untried), claimedBy: claim.token }, { status: 'pending', claimedBy: null, leaseUntil: null, attempts: () => 'attempts - 1' });
      }
      for (const { row, error } of failures) {
        await repo.update(
          { id: row.id, claimedBy: claim.token },
          {
            status: row.attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
            nextAttemptAt: new Date(now.getTime() + backoffMinutes(row.attempts) * 60_000),
            leaseUntil: null,
            lastError: error,
          },
        );
      }
    });
    for (const { row, error } of failures) {
      const gaveUp = row.attempts >= MAX_ATTEMPTS;
      this.logger[gaveUp ? 'error' : 'warn']({ msg: gaveUp ? 'Mail given up' : 'Mail delivery failed, will retry', key: row.messageKey, attempts: row.attempts, err: error });
    }
  }
}
