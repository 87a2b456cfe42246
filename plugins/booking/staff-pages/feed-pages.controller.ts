import { Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { StaffAuthGuard, type StaffRequest } from '../../../apps/server/src/auth/staff-auth.guard.js';
import { RequiresPlugin } from '../../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { FormBody } from '../../../apps/server/src/web/form-body.decorator.js';
import { queryString } from '../../../apps/server/src/web/form-query.js';
import type { PortalRequest } from '../../../apps/server/src/web/page-frame.service.js';
import { PortalExceptionFilter } from '../../../apps/server/src/web/portal-exception.filter.js';
import { bookingManifest } from '../booking.manifest.js';
import { CalendarFeedService } from '../staff/calendar-feed.service.js';
import { CalendarService } from '../staff/calendar.service.js';
import { StaffAccessService } from '../staff/staff-access.service.js';
import { staffActor } from '../staff/staff-bookings.service.js';
import { BookingStaffPages } from './staff-pages.service.js';

type Form = Record<string, unknown>;

/**
 * "Kalender-Abo": a location's private ICS feeds (CalendarFeedService; supervisors and
 * administrators). A new feed's URL carries its secret and is shown once, on the answer to the
 * POST that made it; revoking makes the URL answer 404.
 */
@ApiExcludeController()
@RequiresPlugin(bookingManifest, { audience: 'staff' })
@UseGuards(StaffAuthGuard)
@UseFilters(PortalExceptionFilter)
@Controller(':slug/mitarbeiter/kalender-abo')
export class FeedPagesController {
  constructor(
    private readonly pages: BookingStaffPages,
    private readonly feeds: CalendarFeedService,
    private readonly calendar: CalendarService,
    private readonly access: StaffAccessService,
  ) {}

  @Get()
  async page(@Req() req: StaffRequest, @Res() res: Response, @Query() q: Form): Promise<void> {
    const p = await this.pages.staffRequest(req, res);
    await this.show(req, res, p, queryString(q, 'standort'), { revoked: queryString(q, 'widerrufen') === '1' });
  }

  @Post()
  async issue(@Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    this.pages.checkStaffForm(req, body);
    const p = await this.pages.staffRequest(req, res);
    const locationId = queryString(body, 'standort') ?? '';
    const issued = await this.feeds.issue(this.access.scope(req.staffUser), staffActor(req), locationId, queryString(body, 'schalter') || null);
    await this.show(req, res, p, locationId, { url: issued.url });
  }

  @Post(':id/widerrufen')
  async revoke(@Param('id') id: string, @Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    this.pages.checkStaffForm(req, body);
    const p = await this.pages.staffRequest(req, res);
    await this.feeds.revoke(this.access.scope(req.staffUser), staffActor(req), id);
    const locationId = queryString(body, 'standort') ?? '';
    res.redirect(303, `${p.base}/mitarbeiter/kalender-abo?standort=${encodeURIComponent(locationId)}&widerrufen=1`);
  }

  private async show(req: StaffRequest, res: Response, p: PortalRequest, given: string | undefined, o: { url?: string; revoked?: boolean }): Promise<void> {
    const scope = this.access.scope(req.staffUser);
    // Clerks get a 403 here, as from the service: feeds are the supervisors' and administrators'.
    this.access.assertSupervisor(scope);
    const locations = await this.access.locations(scope);
    const locationId = given || locations[0]?.id;
    const counters = locationId ? await this.calendar.counters(scope, locationId) : [];
    const names = new Map(counters.map((c) => [c.counterId, c.name]));
    const feeds = locationId
      ? (await this.feeds.list(scope, locationId)).map((f) => ({ ...f, counter: f.counterId ? (names.get(f.counterId) ?? '–') : null }))
      : [];
    this.pages.render(
      res,
      p,
      'feeds',
      { locations, locationId, counters, feeds, url: o.url ?? null, revoked: o.revoked === true },
      { title: 'feed.title', switchUrl: `${p.base}/mitarbeiter/kalender-abo${locationId ? `?standort=${locationId}` : ''}` },
    );
  }
}
