import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DateTime } from 'luxon';
import { DataSource, LessThan } from 'typeorm';
import { Clock } from '../common/clock.js';
import { ENV, type Env } from '../config/env.config.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { PluginHostService } from '../plugin-host/plugin-host.service.js';
import { CORE_TASKS, type AmtszeitPlugin, type ScheduledTask } from '../plugin-host/plugin.types.js';
import { runAsTenant, toTenantRef, type TenantRef } from '../tenancy/tenant-context.js';
import { Tenant } from '../tenancy/tenant.entity.js';
import { TaskRun } from './task-run.entity.js';

const MAX_ATTEMPTS = 5;

export interface TaskOutcome {
  taskId: string;
  tenant: string | null;
  tickKey: string;
  result: 'ran' | 'skipped' | 'failed';
}

const TICK = 'amtszeit.tasks';

interface Scheduled {
  plugin: AmtszeitPlugin | null;
  task: ScheduledTask;
  /** The task's handler as Nest made it, with its services injected. */
  handler: unknown;
}

/**
 * Runs the scheduled tasks of the core and the plugins. The tick comes from @nestjs/schedule (an
 * interval in its SchedulerRegistry); each (task, tenant, tick) is claimed by inserting a unique
 * row, so several instances sharing one database run it once; a claim whose lease ran out (its
 * process died) is taken over and the idempotent task runs again.
 */
@Injectable()
export class TaskRunnerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Tasks');
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private running: Promise<unknown> | null = null;
  private catchUp: NodeJS.Immediate | null = null;
  private stopped = false;
  private scheduled: Scheduled[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly host: PluginHostService,
    private readonly clock: Clock,
    private readonly moduleRef: ModuleRef,
    private readonly scheduler: SchedulerRegistry,
    @Inject(CORE_TASKS) private readonly coreTasks: ScheduledTask[],
    @Inject(ENV) private readonly env: Env,
  ) {}

  /** The tasks of this installation: the core's and the plugins', with their handlers. */
  allTasks(): Scheduled[] {
    return this.scheduled;
  }

  onApplicationBootstrap(): void {
    // Each handler is the provider instance Nest built; a task naming no provider stops the start.
    const all = [...this.coreTasks.map((task) => ({ plugin: null, task })), ...this.host.tasks()];
    this.scheduled = all
      .map(({ plugin, task }) => ({ plugin, task, handler: this.moduleRef.get(task.handler, { strict: false }) }))
      .filter(({ task, handler }) => task.active?.(handler) ?? true);
    if (this.env.TASK_POLL_SECONDS <= 0) return;
    // Work that fell due while the server was down is caught up right away.
    this.catchUp = setImmediate(() => void this.tick());
    this.scheduler.addInterval(TICK, setInterval(() => void this.tick(), this.env.TASK_POLL_SECONDS * 1000).unref());
  }

  /** Stops polling and lets a running poll finish while the database is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.catchUp) clearImmediate(this.catchUp);
    if (this.scheduler.doesExist('interval', TICK)) this.scheduler.deleteInterval(TICK);
    await this.running;
  }

  /**
   * One poll of the scheduler's interval: runs what is due unless the previous poll is still at it;
   * resolves when that poll ends (tests drive polls through here, without timers).
   */
  tick(): Promise<unknown> {
    if (this.stopped) return Promise.resolve();
    this.running ??= this.runDue()
      .catch((err) => this.logger.error(err))
      .finally(() => (this.running = null));
    return this.running;
  }

  /** Runs every task whose latest tick is not done yet. */
  async runDue(now: Date = this.clock.now(), only?: (taskId: string) => boolean): Promise<TaskOutcome[]> {
    const outcomes: TaskOutcome[] = [];
    const tenants = (await this.dataSource.getRepository(Tenant).find({ order: { slug: 'ASC' } })).map(toTenantRef);
    for (const scheduled of this.allTasks()) {
      const { plugin, task } = scheduled;
      if (only && !only(task.id)) continue;
      const targets: Array<TenantRef | null> = task.perTenant ? tenants : [null];
      for (const tenant of targets) {
        if (tenant && plugin && !(await this.host.isEnabled(tenant.id, plugin))) continue;
        const tick = await this.latestTick(scheduled, tenant, now);
        if (!tick) continue;
        outcomes.push(await this.runOnce(scheduled, tenant, tick.at, tick.key, now));
      }
    }
    return outcomes;
  }

  private async latestTick({ task, handler }: Scheduled, tenant: TenantRef | null, now: Date): Promise<{ at: Date; key: string } | null> {
    const schedule = task.schedule;
    if ('everyMinutes' in schedule) {
      const ms = schedule.everyMinutes * 60_000;
      const at = new Date(Math.floor(now.getTime() / ms) * ms);
      return { at, key: at.toISOString().slice(0, 16) };
    }
    const zone = tenant?.timeZone ?? 'Europe/Berlin';
    const time =
      typeof schedule.dailyAt === 'string'
        ? schedule.dailyAt
        : tenant
          ? await runAsTenant(tenant, () => (schedule.dailyAt as Exclude<typeof schedule.dailyAt, string>)(handler, { tenant }))
          : null;
    if (!time) return null;
    const [hour, minute] = time.split(':').map(Number);
    let local = DateTime.fromJSDate(now, { zone }).set({ hour, minute, second: 0, millisecond: 0 });
    if (local.toMillis() > now.getTime()) local = local.minus({ days: 1 }).set({ hour, minute });
    return { at: local.toJSDate(), key: `${local.toISODate()}T${time}` };
  }

  private async runOnce({ task, handler }: Scheduled, tenant: TenantRef | null, tick: Date, tickKey: string, now: Date): Promise<TaskOutcome> {
    const base = { taskId: task.id, tenant: tenant?.slug ?? null, tickKey };
    const claim = await this.claim(task, tenant?.id ?? '-', tickKey, now);
    if (!claim) return { ...base, result: 'skipped' };
    const repo = this.dataSource.getRepository(TaskRun);
    try {
      const ctx = { tenant, tick, tickKey, now };
      await (tenant ? runAsTenant(tenant, () => task.run(handler, ctx)) : task.run(handler, ctx));
      await repo.update({ id: claim.id, owner: this.owner }, { status: 'done', finishedAt: this.clock.now(), lastError: null });
      return { ...base, result: 'ran' };
    } catch (err) {
      const failed = claim.attempts >= MAX_ATTEMPTS;
      // Backoff: the claim stays 'running' with a short lease, so the next poll retries it.
      await repo.update(
        { id: claim.id, owner: this.owner },
        {
          status: failed ? 'failed' : 'running',
          leaseUntil: new Date(now.getTime() + 30_000 * 2 ** claim.attempts),
          lastError: String((err as Error)?.stack ?? err).slice(0, 4000),
        },
      );
      this.logger.error({ msg: `Task ${task.id} failed`, tenant: tenant?.slug, tickKey, attempt: claim.attempts, err: String(err) });
      return { ...base, result: 'failed' };
    }
  }

  private async claim(task: ScheduledTask, tenantKey: string, tickKey: string, now: Date): Promise<TaskRun | null> {
    const repo = this.dataSource.getRepository(TaskRun);
    const leaseUntil = new Date(now.getTime() + (task.leaseSeconds ?? 600) * 1000);
    try {
      const row = repo.create({
        taskId: task.id,
        tenantKey,
        tickKey,
        status: 'running',
        owner: this.owner,
        leaseUntil,
        attempts: 1,
        startedAt: now,
        finishedAt: null,
        lastError: null,
      });
      await repo.insert(row);
      return row;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    const existing = await repo.findOneBy({ taskId: task.id, tenantKey, tickKey, status: 'running', leaseUntil: LessThan(now) });
    if (!existing) return null;
    // Take over a dead claim; the conditional update lets exactly one contender win.
    const result = await repo.update(
      { id: existing.id, owner: existing.owner, attempts: existing.attempts },
      { owner: this.owner, leaseUntil, attempts: existing.attempts + 1 },
    );
    if ((result.affected ?? 0) !== 1) return null;
    return { ...existing, owner: this.owner, leaseUntil, attempts: existing.attempts + 1 } as TaskRun;
  }
}
