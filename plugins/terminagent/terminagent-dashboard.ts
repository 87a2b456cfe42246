import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import type { DashboardFigure, DashboardFigureProvider } from '../../apps/server/src/plugin-host/plugin.types.js';
import { TenantDataService } from '../../apps/server/src/tenancy/tenant-data.service.js';
import { TerminagentWish } from './entities/wish.entity.js';

/** The Terminagent's start-page figure: the waitlist (confirmed wishes in the queue or holding an open offer). */
@Injectable()
export class TerminagentDashboardFigures implements DashboardFigureProvider {
  constructor(private readonly data: TenantDataService) {}

  async dashboardFigures(): Promise<DashboardFigure[]> {
    const waiting = await this.data.repo(TerminagentWish).count({ where: { status: In(['waiting', 'offered']) } });
    return [{ key: 'waitlist', label: { de: 'Auf der Warteliste', en: 'On the waitlist' }, value: waiting }];
  }
}
