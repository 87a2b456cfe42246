import { AsyncLocalStorage } from 'node:async_hooks';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, In, LessThan, type EntitySubscriberInterface, type QueryRunner, type TransactionCommitEvent, type TransactionRollbackEvent } from 'typeorm';
import { Clock } from '../common/clock.js';
import { ConcurrencyLimit } from '../common/concurrency-limit.js';
import { ENV, type Env } from '../config/env.config.js';
import { backoffMinutes, claimDue, workerId } from '../database/lease-claim.js';
import { PluginHostService } from '../plugin-host/plugin-host.service.js';
import { runAsTenant, TenantContext, toTenantRef, type TenantRef } from '../tenancy/tenant-context.js';
import { coreManagerOf, TenantDataService, type TenantTx } from '../tenancy/tenant-data.service.js';
import { Tenant } from '../tenancy/tenant.entity.js';
import { DomainEvent } from './domain-event.entity.js';
import { EventDelivery } from './event-delivery.entity.js';
import { EventSubscriberRegistry } from './event-subscriber.registry.js';
import type { PublishedEvent } from './event.types.js';

/** Attempts before a delivery is given up into `failed` (with backoff 1, 2, 4 … 60 min: about six hours). */
export const MAX_DELIVERY_ATTEMPTS = 10;
/** A handler still running after this may be run again elsewhere (handlers are idempotent by event id). */
const LEASE_MS = 5 * 60_000;
const BATCH = 200;
/** Handlers of one process running at once (webhook calls wait on the network). */
const PARALLEL = 16;
/** Delivered events are deleted after this many days; failed deliveries keep theirs. */
export const EVENT_RETENTION_DAYS = 7;

export interface EventDeliveryReport {
  delivered: number;
  skipped: number;
  failed: number;
}

interface Drain {
  again: boolean;
  done: Promise<EventDeliveryReport>;
}

interface Outcome {
  row: EventDelivery;
  result: 'delivered' | 'skipped' | 'failed';
  error?: string;
}

/**
 * Delivers events to their subscribers after commit, at least once, across instances. Each
 * (event, subscriber) is a delivery row; a drain claims due rows with the outbox's conditional
 * update and token (database/lease-claim.ts), runs the handlers inside the event's tenant, and
 * records the outcomes under its token: failures wait with exponential backoff and end in `failed`
 * after MAX_DELIVERY_ATTEMPTS. A claim whose process died is taken again after its lease.
 * The committing instance starts a drain right after the commit (a TypeORM commit hook); other
 * instances find new work with a short poll (EVENTS_POLL_MS), one cheap query across tenants.
 */
@Injectable()
export class EventDeliveryService implements EntitySubscriberInterface, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Events');
  private readonly owner = workerId();
  private readonly running = new ConcurrencyLimit(PARALLEL);
  private readonly drains = new Map<string, Drain>();
  /** Tenants with events published in a transaction that has not committed yet, by connection. */
  private readonly uncommitted = new WeakMap<QueryRunner, Map<string, TenantRef>>();
  /**
   * The async context of start-up, free of any request or unit of work. The commit hook runs inside
   * the committing transaction's context (on SQLite that marks "inside the exclusive unit"); a drain
   * started from there would run its statements outside the SQLite queue.
   */
  private readonly outside = AsyncLocalStorage.snapshot();
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private claims = 0;
  private closing = false;

  constructor(
    private readonly data: TenantDataService,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly host: PluginHostService,
    private readonly registry: EventSubscriberRegistry,
    @Inject(ENV) private readonly env: Env,
  ) {
    dataSource.subscribers.push(this);
  }

  /** Off when the task runner is off (tests drive delivery themselves); the poll has its own switch. */
  private get active(): boolean {
    return this.env.TASK_POLL_SECONDS > 0 && !this.closing;
  }

  onApplicationBootstrap(): void {
    if (!this.active || this.env.EVENTS_POLL_MS <= 0) return;
    this.timer = setInterval(() => void this.poll(), this.env.EVENTS_POLL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    await this.idle();
  }

  /** Called by the bus inside the publishing transaction: that transaction's commit starts a drain. */
  afterCommit(tx: TenantTx): void {
    const runner = coreManagerOf(tx).queryRunner;
    const tenant = TenantContext.current();
    if (!runner) return;
    const pending = this.uncommitted.get(runner) ?? new Map<string, TenantRef>();
    pending.set(tenant.id, tenant);
    this.uncommitted.set(runner, pending);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // A savepoint released inside an outer transaction is not the commit yet.
    if (event.queryRunner.isTransactionActive) return;
    const pending = this.uncommitted.get(event.queryRunner);
    if (!pending) return;
    this.uncommitted.delete(event.queryRunner);
    for (const tenant of pending.values()) this.requestDrain(tenant);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.uncommitted.delete(event.queryRunner);
  }

  /** Delivers the current tenant's due events until none is left (tests and tasks drive it). */
  deliverDue(): Promise<EventDeliveryReport> {
    return this.drain(TenantContext.current());
  }

  /** Resolves once no drain runs in this process. */
  async idle(): Promise<void> {
    while (this.drains.size > 0) await Promise.allSettled([...this.drains.values()].map((d) => d.done));
  }

  /** Deletes events older than `olderThan` whose deliveries all ended well (failed ones stay visible). */
  async purge(olderThan: Date): Promise<number> {
    let purged = 0;
    for (;;) {
      const count = await this.data.writeTx(async (tx) => {
        const old = await tx.repo(DomainEvent).find({ select: { id: true }, where: { occurredAt: LessThan(olderThan) }, take: 500 });
        if (old.length === 0) return -1;
        const open = await tx.repo(EventDelivery).find({
          select: { eventId: true },
          where: { eventId: In(old.map((e) => e.id)), status: In(['pending', 'delivering', 'failed']) },
        });
        const keep = new Set(open.map((d) => d.eventId));
        const done = old.map((e) => e.id).filter((id) => !keep.has(id));
        if (done.length === 0) return -1;
        await tx.repo(EventDelivery).delete({ eventId: In(done) });
        return tx.repo(DomainEvent).delete({ id: In(done) });
      });
      if (count < 0) return purged;
      purged += count;
    }
  }

  /** The tenants with due or abandoned deliveries: only ids are read across tenants, then each drains in its own context. */
  private async poll(): Promise<void> {
    if (this.polling || !this.active) return;
    this.polling = true;
    try {
      const now = this.clock.now();
      const rows: Array<{ tenantId: string }> = await this.dataSource
        .getRepository(EventDelivery)
        .createQueryBuilder('d')
        .select('DISTINCT d.tenantId', 'tenantId')
        .where('(d.status = :waiting AND d.nextAttemptAt <= :now) OR (d.status = :claimed AND d.leaseUntil < :now)', { waiting: 'pending', claimed: 'delivering', now })
        .getRawMany();
      const fresh = rows.map((r) => r.tenantId).filter((id) => !this.drains.has(id));
      if (fresh.length === 0) return;
      const tenants = await this.dataSource.getRepository(Tenant).findBy({ id: In(fresh) });
      for (const tenant of tenants) this.requestDrain(toTenantRef(tenant));
    } catch (err) {
      this.logger.warn({ msg: 'Event poll failed; the next poll retries', err: String(err) });
    } finally {
      this.polling = false;
    }
  }

  /**
   * Starts the tenant's drain now, or asks the running one to look again. Not deferred to a timer:
   * on SQLite a busy process resolves its queries as microtasks and would starve the timer.
   */
  private requestDrain(tenant: TenantRef): void {
    if (!this.active) return;
    this.outside(() => this.drain(tenant).catch((err) => this.warn(tenant, err)));
  }

  /** The minute task's safety net behind kicks and polls: starts a drain and returns at once. */
  drainInBackground(tenant: TenantRef): void {
    void this.drain(tenant).catch((err) => this.warn(tenant, err));
  }

  private warn(tenant: TenantRef, err: unknown): void {
    this.logger.warn({ msg: 'Event delivery stopped by an error; the next run retries', tenant: tenant.slug, err: String(err) });
  }

  private drain(tenant: TenantRef): Promise<EventDeliveryReport> {
    const running = this.drains.get(tenant.id);
    if (running) {
      running.again = true;
      return running.done;
    }
    const drain = { again: false } as Drain;
    drain.done = runAsTenant(tenant, () => this.deliverAll(drain)).finally(() => {
      this.drains.delete(tenant.id);
      // A commit that asked while the drain was ending would otherwise wait for the poll.
      if (drain.again) this.requestDrain(tenant);
    });
    this.drains.set(tenant.id, drain);
    return drain.done;
  }

  private async deliverAll(drain: Drain): Promise<EventDeliveryReport> {
    const report: EventDeliveryReport = { delivered: 0, skipped: 0, failed: 0 };
    do {
      drain.again = false;
      while (!this.closing) {
        const at = this.clock.now();
        const token = `${this.owner}:${++this.claims}`;
        const { rows, due } = await this.data.writeTx((tx) =>
          claimDue(tx.repo(EventDelivery), { at, token, leaseMs: LEASE_MS, batch: BATCH, waiting: 'pending', claimed: 'delivering' }),
        );
        if (due === 0) break;
        if (rows.length === 0) continue;
        const outcomes = await this.run(rows);
        await this.record(token, outcomes);
        for (const o of outcomes) report[o.result] += 1;
      }
    } while (drain.again && !this.closing);
    return report;
  }

  /** Runs the handlers of a claim; a handler that throws fails its own delivery only. */
  private async run(rows: EventDelivery[]): Promise<Outcome[]> {
    const events = new Map((await this.data.repo(DomainEvent).findBy({ id: In([...new Set(rows.map((r) => r.eventId))]) })).map((e) => [e.id, e]));
    const enabled = new Map<string, Promise<boolean>>();
    const pluginOn = (plugin: string) => {
      if (!enabled.has(plugin)) enabled.set(plugin, this.host.isEnabled(TenantContext.current().id, this.host.get(plugin)));
      return enabled.get(plugin)!;
    };
    return Promise.all(
      rows.map((row) =>
        this.running.run(async (): Promise<Outcome> => {
          const stored = events.get(row.eventId);
          const target = this.registry.resolve(row.subscriber);
          if (!stored || !target) return { row, result: 'skipped' };
          if ('subscriber' in target && target.subscriber.plugin && !(await pluginOn(target.subscriber.plugin))) return { row, result: 'skipped' };
          const event = { id: stored.id, type: stored.type, tenantId: stored.tenantId, occurredAt: stored.occurredAt, payload: stored.payload } as unknown as PublishedEvent;
          try {
            if ('subscriber' in target) await target.subscriber.instance.handle(event);
            else await target.source.deliver(target.target, event);
            return { row, result: 'delivered' };
          } catch (err) {
            return { row, result: 'failed', error: String((err as Error)?.message ?? err).slice(0, 2000) };
          }
        }),
      ),
    );
  }

  /** Writes under the claim's token only: a row whose lease lapsed and was taken again is left to its new owner. */
  private async record(token: string, outcomes: Outcome[]): Promise<void> {
    const now = this.clock.now();
    const ids = (result: Outcome['result']) => outcomes.filter((o) => o.result === result).map((o) => o.row.id);
    const failures = outcomes.filter((o) => o.result === 'failed');
    await this.data.writeTx(async (tx) => {
      const repo = tx.repo(EventDelivery);
      const end = { claimedBy: null, leaseUntil: null, lastError: null };
      const delivered = ids('delivered');
      const skipped = ids('skipped');
      if (delivered.length) await repo.update({ id: In(delivered), claimedBy: token }, { ...end, status: 'delivered', deliveredAt: now });
      if (skipped.length) await repo.update({ id: In(skipped), claimedBy: token }, { ...end, status: 'skipped', deliveredAt: now });
      for (const { row, error } of failures) {
        await repo.update(
          { id: row.id, claimedBy: token },
          {
            status: row.attempts >= MAX_DELIVERY_ATTEMPTS ? 'failed' : 'pending',
            nextAttemptAt: new Date(now.getTime() + backoffMinutes(row.attempts) * 60_000),
            claimedBy: null,
            leaseUntil: null,
            lastError: error ?? null,
          },
        );
      }
    });
    for (const { row, error } of failures) {
      const gaveUp = row.attempts >= MAX_DELIVERY_ATTEMPTS;
      this.logger[gaveUp ? 'error' : 'warn']({ msg: gaveUp ? 'Event delivery given up' : 'Event handler failed, will retry', event: row.eventId, subscriber: row.subscriber, attempts: row.attempts, err: error });
    }
  }
}
