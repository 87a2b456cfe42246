import { describe, expect, it } from '@jest/globals';
import { ConcurrencyLimit } from './concurrency-limit.js';

describe('ConcurrencyLimit', () => {
  it('runs at most `limit` jobs at once, the waiting ones in arrival order, and survives failing jobs', async () => {
    const limit = new ConcurrencyLimit(3);
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    const gates: Array<() => void> = [];
    const job = async (i: number) => {
      started.push(i);
      active += 1;
      peak = Math.max(peak, active);
      await new Promise<void>((resolve) => gates.push(resolve));
      active -= 1;
      if (i % 4 === 0) throw new Error(`job ${i}`);
      return i;
    };
    const jobs = Array.from({ length: 10 }, (_, i) => limit.run(() => job(i)).catch(() => 'failed'));
    // Release the jobs one at a time, in the order they started.
    for (let released = 0; released < 10; released++) {
      while (gates.length === 0) await new Promise((r) => setImmediate(r));
      gates.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    const results = await Promise.all(jobs);
    expect(peak).toBe(3);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(results).toEqual(['failed', 1, 2, 3, 'failed', 5, 6, 7, 'failed', 9]);
    // All slots are free again.
    expect(await Promise.all([1, 2, 3].map((n) => limit.run(async () => n)))).toEqual([1, 2, 3]);
  });
});
