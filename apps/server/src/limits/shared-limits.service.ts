import { Injectable } from '@nestjs/common';
import { DataSource, LessThan } from 'typeorm';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { TaskRunnerService } from '../tasks/task-runner.service.js';
import { SharedCounter } from './shared-counter.entity.js';

/**
 * Limits that must hold across server instances, kept in the database (no extra server): a fixed
 * window rate limit and single-use tokens. Keys are global; callers put the tenant into them.
 */
@Injectable()
export class SharedLimitsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    tasks: TaskRunnerService,
  ) {
    tasks.registerCoreTask({
      id: 'core.shared-counter-purge',
      schedule: { everyMinutes: 10 },
      perTenant: false,
      run: async ({ now }) => {
        await this.counters().delete({ expiresAt: LessThan(now) });
      },
    });
  }

  /**
   * Counts one hit on `key` in the current window of `windowSeconds` and tells whether it is
   * within `limit`. Windows are aligned to the epoch, so every instance counts in the same row.
   */
  async hit(key: string, limit: number, windowSeconds: number): Promise<boolean> {
    const windowMs = windowSeconds * 1000;
    const window = Math.floor(this.clock.now().getTime() / windowMs);
    const rowKey = `${key}|${window}`;
    if (await this.insertFirst(rowKey, new Date((window + 1) * windowMs))) return limit >= 1;
    await this.counters().increment({ key: rowKey }, 'count', 1);
    const row = await this.counters().findOneBy({ key: rowKey });
    return (row?.count ?? 1) <= limit;
  }

  /** True the first time a token is presented until it expires, false on every reuse, on any instance. */
  async spend(token: string, expiresAt: Date): Promise<boolean> {
    return this.insertFirst(`spent|${token}`, expiresAt);
  }

  private async insertFirst(key: string, expiresAt: Date): Promise<boolean> {
    try {
      await this.counters().insert({ key, count: 1, expiresAt });
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  private counters() {
    return this.dataSource.getRepository(SharedCounter);
  }
}
