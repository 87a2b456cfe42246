import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from 'typeorm';

/** Set by TenantDataService.transaction for the code inside it. */
export const openTransaction = new AsyncLocalStorage<EntityManager>();

/**
 * The entity manager of the TenantDataService transaction this code runs in, if any. Core only:
 * a read that must not wait for a second pool connection while this one is held (the config
 * cache on a miss) goes through it; under a rush every connection may be held by such a transaction.
 */
export function openTransactionManager(): EntityManager | null {
  return openTransaction.getStore() ?? null;
}
