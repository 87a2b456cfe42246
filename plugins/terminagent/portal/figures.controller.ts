import { Controller, Get, Param, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { StaffAuthGuard } from '../../../apps/server/src/auth/staff-auth.guard.js';
import { Clock } from '../../../apps/server/src/common/clock.js';
import { addDays, isIsoDate, localDate } from '../../../apps/server/src/common/local-time.js';
import { RequiresPlugin } from '../../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { queryString } from '../../../apps/server/src/web/form-query.js';
import { basePath } from '../../../apps/server/src/web/page-frame.service.js';
import { PortalExceptionFilter } from '../../../apps/server/src/web/portal-exception.filter.js';
import { StatsService } from '../stats.service.js';
import { WaitlistPages } from './waitlist-pages.service.js';
import { terminagentManifest } from '../terminagent.manifest.js';

/**
 * The agent's figures as a staff page (in the staff frame, linked from its navigation through the
 * plugin's `staffPages`), the same numbers as GET /api/v1/tenants/:slug/terminagent/figures.
 */
@ApiExcludeController()
@RequiresPlugin(terminagentManifest, { audience: 'staff' })
@UseGuards(StaffAuthGuard)
@UseFilters(PortalExceptionFilter)
@Controller(':slug/mitarbeiter/terminagent')
export class FiguresController {
  constructor(
    private readonly pages: WaitlistPages,
    private readonly stats: StatsService,
    private readonly clock: Clock,
  ) {}

  @Get()
  async page(@Req() req: Request, @Res() res: Response, @Query() q: Record<string, unknown>): Promise<void> {
    const p = await this.pages.staffRequest(req, res);
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

/** The page's first address, linked from the panel before the staff area existed: it moved for good. */
@ApiExcludeController()
@RequiresPlugin(terminagentManifest, { audience: 'staff' })
@Controller(':slug/terminagent/kennzahlen')
export class FiguresRedirectController {
  @Get()
  moved(@Param('slug') slug: string, @Req() req: Request, @Res() res: Response): void {
    const base = basePath(req, slug);
    const query = req.originalUrl.indexOf('?');
    res.redirect(301, `${base}/mitarbeiter/terminagent${query >= 0 ? req.originalUrl.slice(query) : ''}`);
  }
}
