import type { DataSource } from 'typeorm';

export interface QueryCounter {
  /** Queries sent since the start or the last reset. */
  readonly count: number;
  reset(): void;
  stop(): void;
}

/**
 * Counts the statements a data source sends (every one passes its logger), or only those that
 * `match`. The config cache's poll of its version runs on its own timer, answering no request, so
 * it is left out.
 */
export function countQueries(dataSource: DataSource, match?: RegExp): QueryCounter {
  const logger = dataSource.logger as { logQuery: (...args: unknown[]) => unknown };
  const original = logger.logQuery;
  let count = 0;
  logger.logQuery = (...args: unknown[]) => {
    const sql = String(args[0]);
    if (!sql.includes('config_version') && (!match || match.test(sql))) count += 1;
    return original.apply(logger, args);
  };
  return {
    get count() {
      return count;
    },
    reset: () => {
      count = 0;
    },
    stop: () => {
      logger.logQuery = original;
    },
  };
}
