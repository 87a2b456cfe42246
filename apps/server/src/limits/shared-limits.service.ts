import { Injectable } from '@nestjs/common';
import { DataSource, In, LessThan } from 'typeorm';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { SharedCounter } from './shared-counter.entity.js';

/**
 * Limits that must hold across server instances, kept in the database (no extra server): a sliding
 * window rate limit and single-use tokens. Keys are global; callers put the tenant into them.
 */
@Injectable()
export class SharedLimitsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Deletes counters and tokens whose window has passed (task core.shared-counter-purge). */
  async purgeExpired(now: Date): Promise<void> {
    await this.counters().delete({ expiresAt: LessThan(now) });
  }

  /**
   * Counts one hit on `key` and tells whether the rate over the last `windowSeconds` is within
   * `limit`. The rate is a sliding window estimate: this window's count plus the previous window's,
   * weighted by how much of it still lies inside the last `windowSeconds`, so a burst across a
   * window edge cannot reach twice the limit. Windows are aligned to the epoch, so every instance
   * counts in the same rows; refused hits count too, so a client that keeps pushing stays refused.
   */
  async hit(key: string, limit: number, windowSeconds: number): Promise<boolean> {
    const windowMs = windowSeconds * 1000;
    const nowMs = this.clock.now().getTime();
    const window = Math.floor(nowMs / windowMs);
    const rowKey = `${key}|${window}`;
    // Kept one window longer: it is the previous window of the next one.
    if (!(await this.insertFirst(rowKey, new Date((window + 2) * windowMs)))) {
      await this.counters().increment({ key: rowKey }, 'count', 1);
    }
    const rows = await this.counters().findBy({ key: In([rowKey, `${key}|${window - 1}`]) });
    const current = rows.find((r) => r.key === rowKey)?.count ?? 1;
    const previous = rows.find((r) => r.key !== rowKey)?.count ?? 0;
    const previousWeight = 1 - (nowMs - window * windowMs) / windowMs;
    return previous * previousWeight + current <= limit;
  }

  /**
   * Takes back a hit counted at `at` on `key` (an attempt that turned out not to count, such as a
   * pairing that succeeded): limits on failures count every attempt first, so parallel attempts
   * cannot pass the check together, and give back the successes.
   */
  async refund(key: string, windowSeconds: number, at: Date): Promise<void> {
    const window = Math.floor(at.getTime() / (windowSeconds * 1000));
    await this.counters().decrement({ key: `${key}|${window}` }, 'count', 1);
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
