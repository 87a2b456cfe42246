import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LessThan, LessThanOrEqual } from 'typeorm';
import { Clock } from '../common/clock.js';
import { ENV, type Env } from '../config/env.config.js';
import { TaskRunnerService } from '../tasks/task-runner.service.js';
import { runAsTenant, TenantContext } from '../tenancy/tenant-context.js';
import { TenantDataService, type TenantTx } from '../tenancy/tenant-data.service.js';
import { createMailTransport, type MailTransport } from './mail-transport.js';
import { OutboxMessage, type OutboxMail } from './outbox-message.entity.js';

const MAX_ATTEMPTS = 12;
const LEASE_MS = 2 * 60_000;
const BATCH = 50;

/** Minutes until the next try after `attempts` failures: 1, 2, 4, … capped at an hour. */
export function backoffMinutes(attempts: number): number {
  return Math.min(60, 2 ** Math.max(0, attempts - 1));
}

export interface DeliveryReport {
  sent: number;
  failed: number;
}

/**
 * The transactional outbox. `enqueue` runs inside the caller's transaction, so a mail exists
 * exactly when the change that caused it committed. The sender claims a row with a conditional
 * update (one instance wins), sends it with a Message-ID derived from the row, then marks it sent;
 * failures wait with exponential backoff. A process that dies after the SMTP server accepted a
 * mail but before marking it sent resends it after the lease: the same Message-ID lets the
 * receiving side recognise that duplicate. Used by every plugin that sends mail.
 */
@Injectable()
export class OutboxService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly transport: MailTransport;

  constructor(
    private readonly data: TenantDataService,
    private readonly clock: Clock,
    private readonly tasks: TaskRunnerService,
    @Inject(ENV) private readonly env: Env,
  ) {
    this.transport = createMailTransport(env.SMTP_URL);
    this.tasks.registerCoreTask({
      id: 'core.mail-outbox',
      schedule: { everyMinutes: 1 },
      perTenant: true,
      leaseSeconds: 300,
      run: async () => {
        await this.deliverDue();
      },
    });
  }

  onApplicationBootstrap(): void {
    const level = !this.env.SMTP_URL && this.env.NODE_ENV === 'production' ? 'warn' : 'log';
    this.logger[level](`Mail goes to ${this.transport.description}`);
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
   * Asks for delivery right after a commit, so a citizen waiting for the confirm link does not wait
   * for the next task tick. Coalesced per tenant; off when the task runner is off (tests drive
   * delivery themselves). The minute task stays the safety net.
   */
  kick(): void {
    if (this.env.TASK_POLL_SECONDS <= 0) return;
    const tenant = TenantContext.current();
    if (this.kicked.has(tenant.id)) return;
    this.kicked.add(tenant.id);
    setTimeout(() => {
      this.kicked.delete(tenant.id);
      runAsTenant(tenant, () => this.deliverDue()).catch((err) => this.logger.warn({ msg: 'Immediate mail delivery failed; the task retries', err: String(err) }));
    }, 50).unref();
  }

  private readonly kicked = new Set<string>();

  /** Sends the current tenant's due mails (the task calls it; tests call it directly). */
  async deliverDue(): Promise<DeliveryReport> {
    const repo = this.data.repo(OutboxMessage);
    const now = this.clock.now();
    const due = await repo.find({
      where: [
        { status: 'pending', nextAttemptAt: LessThanOrEqual(now) },
        { status: 'sending', leaseUntil: LessThan(now) },
      ],
      order: { nextAttemptAt: 'ASC' },
      take: BATCH,
    });
    const report: DeliveryReport = { sent: 0, failed: 0 };
    for (const row of due) {
      const claimed = await this.write((r) => r.update(
        row.status === 'pending'
          ? { id: row.id, status: 'pending', attempts: row.attempts }
          : { id: row.id, status: 'sending', attempts: row.attempts, leaseUntil: LessThan(now) },
        { status: 'sending', claimedBy: this.owner, leaseUntil: new Date(now.getTime() + LEASE_MS), attempts: row.attempts + 1 },
      ));
      if (claimed !== 1) continue; // another instance took it
      const attempts = row.attempts + 1;
      try {
        await this.transport.send({
          from: this.env.MAIL_FROM,
          to: row.mail.to,
          subject: row.mail.subject,
          html: row.mail.html,
          text: row.mail.text,
          messageId: `<${row.id}@amtszeit>`,
          attachments: row.mail.attachments.map((a) => ({ ...a, content: Buffer.from(a.content, 'base64') })),
        });
        await this.write((r) => r.update({ id: row.id, claimedBy: this.owner }, { status: 'sent', sentAt: this.clock.now(), leaseUntil: null, lastError: null }));
        report.sent += 1;
      } catch (err) {
        const gaveUp = attempts >= MAX_ATTEMPTS;
        await this.write((r) =>
          r.update(
            { id: row.id, claimedBy: this.owner },
            {
              status: gaveUp ? 'failed' : 'pending',
              nextAttemptAt: new Date(now.getTime() + backoffMinutes(attempts) * 60_000),
              leaseUntil: null,
              lastError: String((err as Error)?.message ?? err).slice(0, 2000),
            },
          ),
        );
        report.failed += 1;
        this.logger[gaveUp ? 'error' : 'warn']({ msg: gaveUp ? 'Mail given up' : 'Mail delivery failed, will retry', key: row.messageKey, attempts, err: String((err as Error)?.message ?? err) });
      }
    }
    return report;
  }

  /** Privacy: sent mails (they carry names and addresses) are deleted once they are this old. */
  async purgeSent(olderThan: Date): Promise<number> {
    return this.data.transaction((tx) => tx.repo(OutboxMessage).delete({ status: 'sent', sentAt: LessThan(olderThan) }));
  }

  /** Writes go through a transaction so that on SQLite they never land inside another one. */
  private write<R>(fn: (repo: ReturnType<TenantTx['repo']>) => Promise<R>): Promise<R> {
    return this.data.transaction((tx) => fn(tx.repo(OutboxMessage) as never));
  }
}
