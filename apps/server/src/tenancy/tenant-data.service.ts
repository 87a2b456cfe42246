import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { ConfigCacheService } from '../cache/config-cache.service.js';
import { isRetryableTxError } from '../database/db-errors.js';
import { InsertBuffer } from './insert-buffer.js';
import { openTransaction } from './open-transaction.js';
import { ScopedRepository } from './scoped-repository.js';
import { TenantContext } from './tenant-context.js';

type Owned = ObjectLiteral & { tenantId: string; id: string };

/** A unit of work on the current tenant's data: scoped repositories only, no entity manager. */
export interface TenantTx {
  repo<T extends Owned>(entity: EntityTarget<T>): ScopedRepository<T>;
  /** Runs `hook` once the transaction has committed (never after a rollback): to drop what this instance remembers of the rows it changed. */
  afterCommit(hook: () => void): void;
}

export interface TxOptions {
  /** Queue the transaction's inserts and send them as one multi-row INSERT per table (see insert-buffer.ts). */
  coalesceInserts?: boolean;
}

/** What a cached read may use: the current tenant's scoped repositories. */
export type TenantReader = Pick<TenantTx, 'repo'>;

const managers = new WeakMap<TenantTx, EntityManager>();

/**
 * The entity manager behind a transaction, for the core's installation-level tables that must
 * change in the same transaction as tenant rows (login throttles beside their notice mail).
 * Core only: plugins reach tenant data through `tx.repo()` (test/scoped-query-builders checks it).
 */
export function coreManagerOf(tx: TenantTx): EntityManager {
  const manager = managers.get(tx);
  if (!manager) throw new Error('Not a transaction of TenantDataService');
  return manager;
}

/** The one way to reach tenant-owned data. */
@Injectable()
export class TenantDataService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cache: ConfigCacheService,
  ) {}

  repo<T extends Owned>(entity: EntityTarget<T>): ScopedRepository<T> {
    return new ScopedRepository<T>(this.dataSource.manager.getRepository(entity));
  }

  /**
   * A transaction whose repositories are scoped to the current tenant. (On SQLite the transactions
   * of a process run one after another; see database/sqlite-exclusive.ts.)
   */
  async transaction<R>(fn: (tx: TenantTx) => Promise<R>, options: TxOptions = {}): Promise<R> {
    TenantContext.current();
    const committed: Array<() => void> = [];
    const result = await this.dataSource.transaction(async (manager) => {
      const buffer = options.coalesceInserts ? new InsertBuffer() : undefined;
      const tx: TenantTx = {
        repo: <T extends Owned>(entity: EntityTarget<T>) => new ScopedRepository<T>(manager.getRepository(entity), buffer),
        afterCommit: (hook) => void committed.push(hook),
      };
      managers.set(tx, manager);
      const value = await openTransaction.run(manager, () => fn(tx));
      await buffer?.flush();
      return value;
    });
    for (const hook of committed) hook();
    return result;
  }

  /**
   * The current tenant's configuration under `key`, from the per-instance config cache: loaded once
   * per cache generation, for reads of entities the cache watches (catalog, settings, endpoints).
   */
  cached<R>(key: string, load: (reader: TenantReader) => Promise<R>): Promise<R> {
    const tenant = TenantContext.current();
    return this.cache.get(`${tenant.id}:${key}`, (manager) =>
      load({ repo: <T extends Owned>(entity: EntityTarget<T>) => new ScopedRepository<T>(manager.getRepository(entity)) }),
    );
  }

  /** A write transaction, run again as a whole on deadlock / lock-wait / busy errors (so `fn` must be safe to repeat). */
  async writeTx<R>(fn: (tx: TenantTx) => Promise<R>, options: TxOptions & { attempts?: number } = {}): Promise<R> {
    const attempts = options.attempts ?? 8;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transaction(fn, options);
      } catch (err) {
        if (attempt >= attempts || !isRetryableTxError(err)) throw err;
        // Full jitter, growing to at most 320 ms, so colliding transactions spread out instead of meeting again.
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 5 * 2 ** Math.min(attempt, 6))));
      }
    }
  }
}
