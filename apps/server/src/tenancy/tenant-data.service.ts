import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { isRetryableTxError } from '../database/db-errors.js';
import { ScopedRepository } from './scoped-repository.js';
import { TenantContext } from './tenant-context.js';

type Owned = ObjectLiteral & { tenantId: string; id: string };

export interface TenantTx {
  manager: EntityManager;
  repo<T extends Owned>(entity: EntityTarget<T>): ScopedRepository<T>;
}

/** The one way to reach tenant-owned data. */
@Injectable()
export class TenantDataService {
  constructor(private readonly dataSource: DataSource) {}

  repo<T extends Owned>(entity: EntityTarget<T>, manager: EntityManager = this.dataSource.manager): ScopedRepository<T> {
    return new ScopedRepository<T>(manager.getRepository(entity));
  }

  /**
   * A transaction whose repositories are scoped to the current tenant. (On SQLite the transactions
   * of a process run one after another; see database/sqlite-exclusive.ts.)
   */
  transaction<R>(fn: (tx: TenantTx) => Promise<R>): Promise<R> {
    TenantContext.current();
    return this.dataSource.transaction((manager) =>
      fn({ manager, repo: <T extends Owned>(entity: EntityTarget<T>) => this.repo(entity, manager) }),
    );
  }

  /** A write transaction run again as a whole on deadlock / lock-wait / busy errors. */
  async retryingTransaction<R>(fn: (tx: TenantTx) => Promise<R>, attempts = 8): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transaction(fn);
      } catch (err) {
        if (attempt >= attempts || !isRetryableTxError(err)) throw err;
        // Full jitter, growing to at most 320 ms, so colliding transactions spread out instead of meeting again.
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 5 * 2 ** Math.min(attempt, 6))));
      }
    }
  }
}
