import { Controller, Get, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { StaffAuthGuard } from '../../../apps/server/src/auth/staff-auth.guard.js';
import { Clock } from '../../../apps/server/src/common/clock.js';
import { addDays, isIsoDate, localDate } from '../../../apps/server/src/common/local-time.js';
import { RequiresPlugin } from '../../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { queryString } from '../../../apps/server/src/web/form-query.js';
import { PortalExceptionFilter } from '../../../apps/server/src/web/portal-exception.filter.js';
import { StatsService } from '../stats.service.js';
import { WaitlistPages } from './waitlist-pages.service.js';
import { terminagentManifest } from '../terminagent.manifest.js';

/**
 * The agent's figures as a page for the town hall's staff and administrators (logged in through
 * the admin panel), the same numbers as GET /api/v1/tenants/:slug/terminagent/figures.
 */
@ApiExcludeController()
@RequiresPlugin(terminagentManifest, { audience: 'staff' })
@UseGuards(StaffAuthGuard)
@UseFilters(PortalExceptionFilter)
@Controller(':slug/terminagent/kennzahlen')
export class FiguresController {
  constructor(
    private readonly pages: WaitlistPages,
    private readonly stats: StatsService,
    private readonly clock: Clock,
  ) {}

  @Get()
  async page(@Req() req: Request, @Res() res: Response, @Query() q: Record<string, unknown>): Promise<void> {
    const p = await this.pages.request(req, res);
    const today = localDate(this.clock.now(), p.tenant.timeZone);
    const given = (key: string) => {
      const v = queryString(q, key);
      return v && isIsoDate(v) ? v : null;
    };
    const to = given('bis') ?? today;
    const from = given('von') ?? addDays(to, -29);
    const ordered = from <= to;
    const figures = ordered ? await this.stats.figures(from, to) : null;
    this.pages.render(res, p, 'figures', { from, to, figures }, { title: 'fig.title', status: ordered ? 200 : 400, errors: ordered ? {} : { von: 'wlDates' } });
  }
}
