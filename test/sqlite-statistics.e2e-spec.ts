import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TaskRunnerService } from '../apps/server/src/tasks/task-runner.service.js';
import { createTestApp, type TestApp } from './harness/test-app.js';

const TASK = 'core.sqlite-statistics';

describe('planner statistics', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const runner = () => t.app.get(TaskRunnerService);

  it('on SQLite, the hourly task lets a scoped id lookup use the primary key instead of walking a big index', async () => {
    if (t.database.kind !== 'sqlite') {
      // MySQL/MariaDB keep their own statistics; the task does not exist there.
      expect(
        runner()
          .allTasks()
          .map(({ task }) => task.id),
      ).not.toContain(TASK);
      return;
    }
    // 3,000 rows sharing the leading column of an index, as a big tenant's rows share tenantId.
    const rows = Array.from({ length: 3000 }, (_, i) => [randomUUID(), 'bulk', '-', `tick-${i}`]);
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      await t.dataSource.query(
        `INSERT INTO task_run (id, taskId, tenantKey, tickKey, status, owner, leaseUntil, attempts, startedAt)
         VALUES ${chunk.map(() => `(?, ?, ?, ?, 'done', 'test', '2026-11-23 07:00:00.000', 1, '2026-11-23 07:00:00.000')`).join(', ')}`,
        chunk.flat(),
      );
    }
    const ids = rows.slice(0, 50).map((r) => r[0]);
    const plan = async () =>
      (
        (await t.dataSource.query(`EXPLAIN QUERY PLAN SELECT * FROM task_run WHERE taskId = ? AND id IN (${ids.map(() => '?').join(', ')})`, [
          'bulk',
          ...ids,
        ])) as Array<{ detail: string }>
      )
        .map((r) => r.detail)
        .join('; ');

    // Without statistics SQLite guesses that taskId = ? is selective and walks all 3,000 rows.
    expect(await plan()).toMatch(/\(taskId=\?/);
    const outcomes = await runner().runDue(t.clock.now(), (id) => id === TASK);
    expect(outcomes.map((o) => o.result)).toEqual(['ran']);
    expect(await plan()).toMatch(/\(id=\?\)/);
  });
});
