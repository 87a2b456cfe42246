import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TaskRunnerService } from '../tasks/task-runner.service.js';

/**
 * Keeps SQLite's planner statistics current. Without them SQLite assumes every indexed equality
 * matches a handful of rows, so `tenantId = ? AND id IN (…)` walks the tenant's whole index instead
 * of the primary key: offer mails for 300,000 waiting wishes took 13 s instead of well under one.
 * `PRAGMA optimize` analyses only tables that are new to it or changed tenfold, with a row limit.
 * MySQL/MariaDB keep persistent statistics themselves.
 */
@Injectable()
export class SqliteStatisticsService {
  constructor(dataSource: DataSource, tasks: TaskRunnerService) {
    if (dataSource.options.type !== 'better-sqlite3') return;
    tasks.registerCoreTask({
      id: 'core.sqlite-statistics',
      schedule: { everyMinutes: 60 },
      perTenant: false,
      run: async () => {
        await dataSource.query('PRAGMA optimize=0x10002');
      },
    });
  }
}
