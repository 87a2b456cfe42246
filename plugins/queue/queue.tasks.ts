import { Injectable } from '@nestjs/common';
import { defineTask, type ScheduledTask } from '../../apps/server/src/plugin-host/plugin.types.js';
import { QueueService } from './queue.service.js';

/** The handler of the queue's tasks. */
@Injectable()
export class QueueTasks {
  constructor(private readonly queue: QueueService) {}

  noShows(): Promise<number> {
    return this.queue.markUnattendedNoShows();
  }

  dayEnd(): Promise<number> {
    return this.queue.closePastDays();
  }
}

/**
 * Appointments nobody checked in for by their end plus `noShowGraceMinutes` become no-shows;
 * what an earlier day left open is closed. Both are idempotent (conditional updates).
 */
export const queueTasks: ScheduledTask[] = [
  defineTask(QueueTasks, { id: 'queue.no-shows', schedule: { everyMinutes: 5 }, perTenant: true, run: (tasks) => tasks.noShows() }),
  defineTask(QueueTasks, { id: 'queue.day-end', schedule: { everyMinutes: 15 }, perTenant: true, run: (tasks) => tasks.dayEnd() }),
];
