import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
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
}
