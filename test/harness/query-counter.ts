import type { INestApplication } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { EventDeliveryService } from '../../apps/server/src/events/event-delivery.service.js';
import { OutboxService } from '../../apps/server/src/notifications/outbox.service.js';

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

/**
 * Waits until no outbox or event drain runs in the app: they start at commits (a booking's receipt,
 * its event) and send statements of their own, which a count of a request's statements must not see.
 * An event's handler may write messages, hence events, then messages, then events again.
 */
export async function settled(app: INestApplication): Promise<void> {
  const events = app.get(EventDeliveryService);
  const outbox = app.get(OutboxService);
  await events.idle();
  await outbox.idle();
  await events.idle();
}
