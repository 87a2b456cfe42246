import { AsyncLocalStorage } from 'node:async_hooks';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import {
  DataSource,
  In,
  LessThan,
  type EntitySubscriberInterface,
  type QueryRunner,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
} from 'typeorm';
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
/** Rows a drain holds claimed and not yet recorded, over all its batches in flight. */
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
  /** Asked for again while running: claim once more before stopping (a commit may have come in). */
  again: boolean;
  /** Set while the drain waits for its batches in flight: a request wakes it to claim at once. */
  wake: (() => void) | null;
  done: Promise<EventDeliveryReport>;
}

/** A claim's rows with what running them needs, read in the claim's transaction. */
interface Batch {
  token: string;
  rows: EventDelivery[];
  events: Map<string, DomainEvent>;
  /** The tenant's plugins that are on; null when no row belongs to a plugin's subscriber. */
  enabled: Set<string> | null;
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
 * after MAX_DELIVERY_ATTEMPTS. A claim whose process died is taken again after its lease. Claims
 * are pipelined: the next goes out while the last one's handlers run (see deliverAll).
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
        .where('(d.status = :waiting AND d.nextAttemptAt <= :now) OR (d.status = :claimed AND d.leaseUntil < :now)', {
          waiting: 'pending',
          claimed: 'delivering',
          now,
        })
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
      running.wake?.();
      return running.done;
    }
    const drain: Drain = { again: false, wake: null, done: null as never };
    drain.done = runAsTenant(tenant, () => this.deliverAll(drain)).finally(() => {
      this.drains.delete(tenant.id);
      // A commit that asked while the drain was ending would otherwise wait for the poll.
      if (drain.again) this.requestDrain(tenant);
    });
    this.drains.set(tenant.id, drain);
    return drain.done;
  }

  /**
   * Claims while rows are due and runs each claim's handlers without waiting for them: the next
   * claim goes out while the handlers of the last one run and its outcomes are recorded, so an
   * event committed meanwhile waits for one claim, not for a whole claim→run→record round. At most
   * BATCH rows are claimed and unrecorded at a time (what a process dying mid-drain runs again).
   * Once nothing is due it waits for its batches, or for a commit asking again, whichever is first.
   */
  private async deliverAll(drain: Drain): Promise<EventDeliveryReport> {
    const report: EventDeliveryReport = { delivered: 0, skipped: 0, failed: 0 };
    const inFlight = new Set<Promise<void>>();
    let held = 0;
    /** Errors of batches that could not record; the drain stops and reports the first. */
    const errors: unknown[] = [];
    try {
      let look = true;
      while (!this.closing && errors.length === 0) {
        while (look && !this.closing && errors.length === 0) {
          drain.again = false;
          if (held >= BATCH) {
            await Promise.race(inFlight);
            continue;
          }
          const batch = await this.claim(BATCH - held);
          if (!batch) break;
          if (batch.rows.length === 0) continue;
          held += batch.rows.length;
          const job: Promise<void> = this.run(batch)
            .then((outcomes) => this.record(batch.token, outcomes))
            .then(
              (outcomes) => {
                for (const o of outcomes) report[o.result] += 1;
              },
              // Not recorded: the rows are taken again after their lease; the drain stops with the error.
              (err: unknown) => {
                errors.push(err);
              },
            )
            .finally(() => {
              held -= batch.rows.length;
              inFlight.delete(job);
            });
          inFlight.add(job);
        }
        if (inFlight.size === 0 && !drain.again) break;
        if (!drain.again && errors.length === 0) {
          await new Promise<void>((resolve) => {
            drain.wake = resolve;
            void Promise.race(inFlight).then(resolve);
          });
        }
        drain.wake = null;
        look = drain.again;
      }
    } finally {
      // Also when a claim failed: the batches in flight finish and record before the drain ends.
      await Promise.all(inFlight);
    }
    if (errors.length > 0) throw errors[0];
    return report;
  }

  /**
   * One transaction: claims up to `batch` due rows (database/lease-claim.ts) and reads their events
   * and, if a plugin's subscriber is among them, the tenant's plugin switches (from the config
   * cache; a miss reads through this transaction), so running the handlers needs no further round trip. Null when nothing is due; no rows when another instance
   * was faster.
   */
  private async claim(batch: number): Promise<Batch | null> {
    const at = this.clock.now();
    const token = `${this.owner}:${++this.claims}`;
    return this.data.writeTx(async (tx) => {
      const { rows, due } = await claimDue(tx.repo(EventDelivery), { at, token, leaseMs: LEASE_MS, batch, waiting: 'pending', claimed: 'delivering' });
      if (due === 0) return null;
      const ids = [...new Set(rows.map((r) => r.eventId))];
      const events = new Map((ids.length ? await tx.repo(DomainEvent).findBy({ id: In(ids) }) : []).map((e) => [e.id, e]));
      const ofPlugin = rows.some((r) => {
        const target = this.registry.resolve(r.subscriber);
        return target !== null && 'subscriber' in target && target.subscriber.plugin !== null;
      });
      const enabled = ofPlugin ? new Set(await this.host.enabledPlugins(TenantContext.current().id)) : null;
      return { token, rows, events, enabled };
    });
  }

  /** Runs the handlers of a claim; a handler that throws fails its own delivery only. */
  private run({ rows, events, enabled }: Batch): Promise<Outcome[]> {
    return Promise.all(
      rows.map((row) =>
        this.running.run(async (): Promise<Outcome> => {
          const stored = events.get(row.eventId);
          const target = this.registry.resolve(row.subscriber);
          if (!stored || !target) return { row, result: 'skipped' };
          if ('subscriber' in target && target.subscriber.plugin && !enabled?.has(target.subscriber.plugin)) return { row, result: 'skipped' };
          const event = {
            id: stored.id,
            type: stored.type,
            tenantId: stored.tenantId,
            occurredAt: stored.occurredAt,
            payload: stored.payload,
          } as unknown as PublishedEvent;
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
  private async record(token: string, outcomes: Outcome[]): Promise<Outcome[]> {
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
      this.logger[gaveUp ? 'error' : 'warn']({
        msg: gaveUp ? 'Event delivery given up' : 'Event handler failed, will retry',
        event: row.eventId,
        subscriber: row.subscriber,
        attempts: row.attempts,
        err: error,
      });
    }
    return outcomes;
  }
}
