import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import {
  DataSource,
  type EntityManager,
  type EntitySubscriberInterface,
  type InsertEvent,
  type QueryRunner,
  type RemoveEvent,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
  type UpdateEvent,
} from 'typeorm';
import { ENV, type Env } from '../config/env.config.js';
import { CACHED_CORE_ENTITIES } from '../core.entities.js';
import { openTransactionManager } from '../tenancy/open-transaction.js';
import { ConfigVersion } from './config-version.entity.js';

const ROW = 'config';
/** Entries read inside a transaction saw its snapshot, which may predate a change: they live briefly. */
const TX_READ_TTL_MS = 1000;

interface Entry {
  value: Promise<unknown>;
  expiresAt: number;
}

/**
 * A per-instance cache of configuration that every request reads and administrators rarely
 * change: tenants, plugin switches and settings, the catalog, webhook endpoints. Any insert,
 * update or delete of a watched entity raises the installation's configuration version in the
 * same transaction; the instance that made the change drops its entries at the commit, the others
 * when their poll (one query per CACHE_POLL_MS) sees the version move. Loaders are deduplicated,
 * and a load that began before a drop never lands in the new generation.
 */
@Injectable()
export class ConfigCacheService implements EntitySubscriberInterface, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ConfigCache');
  private readonly watched = new Set<Function>();
  /** Connections whose open transaction changed watched rows (the version is raised once per transaction). */
  private readonly dirty = new WeakSet<QueryRunner>();
  private entries = new Map<string, Entry>();
  private version: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private reading: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(ENV) private readonly env: Env,
  ) {
    dataSource.subscribers.push(this);
    this.watch(...CACHED_CORE_ENTITIES);
  }

  /** Entities whose changes invalidate the cache; the core watches its own, plugins add theirs. */
  watch(...entities: Function[]): void {
    for (const entity of entities) this.watched.add(entity);
  }

  /**
   * The cached value of `key`, loaded on a miss. Keys name their tenant where they have one. A miss
   * inside a TenantDataService transaction reads through that transaction (waiting for a second
   * pool connection while holding one could deadlock a saturated pool); what a transaction that
   * changed watched rows reads is not shared at all.
   */
  get<T>(key: string, load: (manager: EntityManager) => Promise<T>): Promise<T> {
    const entries = this.entries;
    const hit = entries.get(key);
    if (hit && hit.expiresAt > Date.now()) return hit.value as Promise<T>;
    const tx = openTransactionManager();
    if (tx?.queryRunner && this.dirty.has(tx.queryRunner)) return load(tx);
    const value = load(tx ?? this.dataSource.manager);
    const entry: Entry = { value, expiresAt: tx ? Date.now() + TX_READ_TTL_MS : Infinity };
    entries.set(key, entry);
    value.catch(() => {
      if (entries.get(key) === entry) entries.delete(key);
    });
    return value;
  }

  /** Drops every entry of this instance now (a change this instance committed, or a moved version). */
  invalidate(): void {
    this.entries = new Map();
  }

  /**
   * Reads the version and drops the cache when another instance moved it; what the poll runs.
   * Reads run one after another, so an answer that arrives late never undoes a newer one.
   */
  refresh(): Promise<void> {
    const next = this.reading.then(async () => {
      const row = await this.dataSource.getRepository(ConfigVersion).findOneBy({ id: ROW });
      const version = row?.version ?? 0;
      if (this.version !== null && version !== this.version) this.invalidate();
      this.version = version;
    });
    this.reading = next.catch(() => undefined);
    return next;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.poll(), this.env.CACHE_POLL_MS);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async afterInsert(event: InsertEvent<unknown>): Promise<void> {
    await this.changed(event.metadata.target, event.queryRunner);
  }

  async afterUpdate(event: UpdateEvent<unknown>): Promise<void> {
    await this.changed(event.metadata.target, event.queryRunner);
  }

  async afterRemove(event: RemoveEvent<unknown>): Promise<void> {
    await this.changed(event.metadata.target, event.queryRunner);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    this.settle(event.queryRunner);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    // Its raise of the version went with it; the connection is forgotten (and the entries dropped: one rule for both ends).
    this.settle(event.queryRunner);
  }

  private settle(runner: QueryRunner): void {
    // A savepoint inside an outer transaction is not the end yet.
    if (runner.isTransactionActive || !this.dirty.has(runner)) return;
    this.dirty.delete(runner);
    this.invalidate();
  }

  private async changed(target: Function | string, runner: QueryRunner): Promise<void> {
    if (typeof target !== 'function' || !this.watched.has(target)) return;
    if (runner.isTransactionActive) {
      if (this.dirty.has(runner)) return;
      this.dirty.add(runner);
      await this.bump(runner);
      return;
    }
    await this.bump(runner);
    this.invalidate();
  }

  private async bump(runner: QueryRunner): Promise<void> {
    const table = this.dataSource.getMetadata(ConfigVersion).tableName;
    await runner.query(`UPDATE ${table} SET version = version + 1 WHERE id = ?`, [ROW]);
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      await this.refresh();
    } catch (err) {
      // Fail safe: without a version an instance cannot know whether it is current.
      this.invalidate();
      this.logger.warn({ msg: 'Reading the configuration version failed; the cache was dropped', err: String(err) });
    } finally {
      this.polling = false;
    }
  }
}
