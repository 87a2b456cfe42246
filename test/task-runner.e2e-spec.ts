import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ALL_PLUGINS } from '../plugins/index.js';
import { TestClock } from '../apps/server/src/common/clock.js';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { TaskRun } from '../apps/server/src/tasks/task-run.entity.js';
import { TaskRunnerService } from '../apps/server/src/tasks/task-runner.service.js';
import { Tenant } from '../apps/server/src/tenancy/tenant.entity.js';
import { probeControl, probePlugin } from './fixtures/probe.plugin.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { createTestDatabase, type TestDatabase } from './harness/test-database.js';

const plugins = [...ALL_PLUGINS, probePlugin];
const only = (id: string) => id === 'probe.effect';

/** Two server instances sharing one database (MariaDB under TEST_DB=mysql, one SQLite file otherwise). */
describe('scheduled tasks across two instances', () => {
  let db: TestDatabase;
  let one: TestApp;
  let two: TestApp;
  const clock = new TestClock(new Date('2026-11-23T09:00:00Z'));

  beforeAll(async () => {
    db = await createTestDatabase();
    one = await createTestApp({ database: db, clock, plugins });
    two = await createTestApp({ database: db, clock, plugins });
    const muster = await one.tenant('musterstadt');
    const beispiel = await one.tenant('beispielheim');
    await one.app.get(PluginHostService).setEnabled(muster.id, probePlugin, true);
    await one.app.get(PluginHostService).setEnabled(beispiel.id, probePlugin, true);
  });
  afterAll(async () => {
    await one.close();
    await two.close();
    await db.drop();
  });
  beforeEach(() => {
    probeControl.hangAfter = null;
    probeControl.invocations = 0;
  });

  const effects = async (tickKey: string) => Number((await one.dataSource.query('SELECT COUNT(*) AS c FROM probe_effect WHERE tickKey = ?', [tickKey]))[0].c);

  it('runs a due tick once per tenant, however many instances ask at the same moment', async () => {
    clock.set('2026-11-23T09:00:00Z');
    const results = await Promise.all([
      one.app.get(TaskRunnerService).runDue(clock.now(), only),
      two.app.get(TaskRunnerService).runDue(clock.now(), only),
      one.app.get(TaskRunnerService).runDue(clock.now(), only),
      two.app.get(TaskRunnerService).runDue(clock.now(), only),
    ]);
    const ran = results.flat().filter((o) => o.result === 'ran');
    expect(ran.map((o) => o.tenant).sort()).toEqual(['beispielheim', 'musterstadt']);
    expect(probeControl.invocations).toBe(2);
    expect(await effects('2026-11-23T09:00')).toBe(20);

    // The same tick asked again later runs nothing; the next tick runs again.
    expect((await two.app.get(TaskRunnerService).runDue(new Date('2026-11-23T09:04:00Z'), only)).every((o) => o.result === 'skipped')).toBe(true);
    const next = await two.app.get(TaskRunnerService).runDue(new Date('2026-11-23T09:05:00Z'), only);
    expect(next.filter((o) => o.result === 'ran')).toHaveLength(2);
  });

  it('takes over a run whose instance died half-way, and the rerun leaves no duplicate effect', async () => {
    clock.set('2026-11-23T10:00:00Z');
    probeControl.hangAfter = 4;
    // Instance one claims the tick and stops after four of ten steps, as if its process died.
    const dying = one.app.get(TaskRunnerService).runDue(clock.now(), (id) => id === 'probe.effect');
    while ((await effects('2026-11-23T10:00')) < 4) await new Promise((r) => setTimeout(r, 5));
    const claim = await one.dataSource.getRepository(TaskRun).findOneByOrFail({ taskId: 'probe.effect', tickKey: '2026-11-23T10:00' });
    expect(claim.status).toBe('running');

    // While its lease holds, nobody else may run it.
    probeControl.hangAfter = null;
    clock.set('2026-11-23T10:00:30Z');
    const early = await two.app.get(TaskRunnerService).runDue(clock.now(), only);
    const hung = (await one.dataSource.getRepository(Tenant).findOneByOrFail({ id: claim.tenantKey })).slug;
    expect(early.find((o) => o.tenant === hung)?.result).toBe('skipped');

    // After the lease (60 s) the other instance takes over and completes the idempotent task.
    clock.set('2026-11-23T10:02:00Z');
    const takeover = await two.app.get(TaskRunnerService).runDue(clock.now(), only);
    expect(takeover.filter((o) => o.result === 'ran')).toHaveLength(1);
    const after = await one.dataSource.getRepository(TaskRun).findOneByOrFail({ id: claim.id });
    expect(after.status).toBe('done');
    expect(after.attempts).toBe(2);
    expect(await effects('2026-11-23T10:00')).toBe(20);

    // The "dead" run wakes up late: its final write no longer owns the claim and changes nothing.
    probeControl.release();
    await dying;
    expect((await one.dataSource.getRepository(TaskRun).findOneByOrFail({ id: claim.id })).owner).toBe(after.owner);
    expect(await effects('2026-11-23T10:00')).toBe(20);
  });

  it('catches up a daily tick that fell due while the server was down', async () => {
    const runner = one.app.get(TaskRunnerService);
    const daily = (id: string) => id === 'probe.daily';
    probeControl.dailyRuns = [];
    // 08:59 Berlin: the latest tick is yesterday's; started at 11:00 Berlin, today's 09:00 is caught up.
    await runner.runDue(new Date('2026-11-24T07:59:00Z'), daily);
    await runner.runDue(new Date('2026-11-24T10:00:00Z'), daily);
    await runner.runDue(new Date('2026-11-24T10:30:00Z'), daily);
    expect(probeControl.dailyRuns.sort()).toEqual([
      'beispielheim@2026-11-23T09:00',
      'beispielheim@2026-11-24T09:00',
      'musterstadt@2026-11-23T09:00',
      'musterstadt@2026-11-24T09:00',
    ]);
  });
});

/** The poll comes from @nestjs/schedule; two instances polling at once still run each tick once. */
describe('the scheduler tick across two instances', () => {
  let db: TestDatabase;
  let one: TestApp;
  let two: TestApp;
  const clock = new TestClock(new Date('2026-11-25T09:00:00Z'));
  // A long poll interval: the interval is registered but never fires during the test; polls are driven here.
  const env = { TASK_POLL_SECONDS: '3600' };

  beforeAll(async () => {
    db = await createTestDatabase();
    one = await createTestApp({ database: db, clock, plugins, env });
    two = await createTestApp({ database: db, clock, plugins, env });
  });
  afterAll(async () => {
    await one.close();
    await two.close();
    await db.drop();
  });

  it('registers the poll with the SchedulerRegistry and runs a tick once however both instances poll', async () => {
    for (const t of [one, two]) expect(t.app.get(SchedulerRegistry).getIntervals()).toContain('amtszeit.tasks');
    // The catch-up poll each instance started at boot ran everything due then, each claim once.
    await Promise.all([one.app.get(TaskRunnerService).tick(), two.app.get(TaskRunnerService).tick()]);
    const claims = await one.dataSource.getRepository(TaskRun).find({ where: { taskId: 'booking.release' } });
    expect(claims.map((c) => c.tenantKey).sort()).toEqual([(await one.tenant('beispielheim')).id, (await one.tenant('musterstadt')).id].sort());

    await one.app.get(PluginHostService).setEnabled((await one.tenant('musterstadt')).id, probePlugin, true);
    await one.app.get(PluginHostService).setEnabled((await one.tenant('beispielheim')).id, probePlugin, true);
    probeControl.invocations = 0;
    clock.set('2026-11-25T09:05:00Z');
    await Promise.all([one, two, one, two].map((t) => t.app.get(TaskRunnerService).tick()));
    expect(probeControl.invocations).toBe(2);
    expect(Number((await one.dataSource.query('SELECT COUNT(*) AS c FROM probe_effect WHERE tickKey = ?', ['2026-11-25T09:05']))[0].c)).toBe(20);
    expect(await one.dataSource.getRepository(TaskRun).countBy({ taskId: 'probe.effect', tickKey: '2026-11-25T09:05', status: 'done' })).toBe(2);
  });
});
