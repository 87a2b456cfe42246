import { AsyncLocalStorage } from 'node:async_hooks';
import { resolve } from 'node:path';
import { DataSource, EntityManager, type QueryRunner } from 'typeorm';
import { SerialQueue } from '../common/serial-queue.js';

interface ExclusiveState {
  holder: AsyncLocalStorage<true>;
  queue: SerialQueue;
}

const states = new WeakMap<DataSource, ExclusiveState>();
/**
 * Data sources on the same file share one queue: better-sqlite3 blocks the event loop while it
 * waits for the file lock, so a second data source in this process (tests run two instances)
 * would otherwise wait out busy_timeout behind a transaction that cannot reach its COMMIT.
 */
const statesByFile = new Map<string, ExclusiveState>();

/** EntityManager methods that run several statements as one unit (an explicit or implicit transaction). */
const UNIT_METHODS = ['transaction', 'save', 'remove', 'softRemove', 'recover'] as const;
let prototypePatched = false;

function exclusive<R>(dataSource: DataSource | undefined, fn: () => Promise<R>): Promise<R> {
  const state = dataSource && states.get(dataSource);
  if (!state || state.holder.getStore()) return fn();
  return state.queue.run(() => state.holder.run(true, fn));
}

/**
 * TypeORM's better-sqlite3 driver gives every caller the same connection. Without this, a
 * statement from one request issued while another request's transaction is open becomes part of
 * that transaction and vanishes with its rollback; a second transaction becomes a savepoint of the
 * first. Here each unit of work (a transaction, a save, a single query outside both) runs alone,
 * while the statements inside a unit pass straight through. MySQL/MariaDB need none of this: they
 * have a pool of connections and row locks.
 */
export function installSqliteExclusive(dataSource: DataSource): void {
  if (dataSource.options.type !== 'better-sqlite3' || states.has(dataSource)) return;
  const file = String(dataSource.options.database);
  const key = file === ':memory:' ? null : resolve(file);
  const state = (key && statesByFile.get(key)) || { holder: new AsyncLocalStorage<true>(), queue: new SerialQueue() };
  if (key) statesByFile.set(key, state);
  states.set(dataSource, state);
  if (!prototypePatched) {
    prototypePatched = true;
    for (const name of UNIT_METHODS) {
      const original = EntityManager.prototype[name] as (...args: unknown[]) => Promise<unknown>;
      (EntityManager.prototype as unknown as Record<string, unknown>)[name] = function (this: EntityManager, ...args: unknown[]) {
        return exclusive(this.dataSource, () => original.apply(this, args));
      };
    }
  }
  const runner: QueryRunner = dataSource.driver.createQueryRunner('master');
  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  runner.query = ((...args: unknown[]) => exclusive(dataSource, () => query(...args))) as QueryRunner['query'];
}
