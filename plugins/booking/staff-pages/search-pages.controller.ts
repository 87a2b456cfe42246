import { Controller, Get, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { StaffAuthGuard, type StaffRequest } from '../../../apps/server/src/auth/staff-auth.guard.js';
import { RequiresPlugin } from '../../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { FormBody } from '../../../apps/server/src/web/form-body.decorator.js';
import { PortalExceptionFilter } from '../../../apps/server/src/web/portal-exception.filter.js';
import { queryString } from '../../../apps/server/src/web/form-query.js';
import { bookingManifest } from '../booking.manifest.js';
import { StaffAccessService } from '../staff/staff-access.service.js';
import { StaffBookingsService, staffActor } from '../staff/staff-bookings.service.js';
import { BookingStaffPages } from './staff-pages.service.js';

const QUERY_MAX = 254;

/**
 * Search by reference, name, email or phone within the staff member's locations (the service
 * audits every search). The query is posted, not put in the URL: a name or a phone number would
 * otherwise stay in the browser's history and in access logs.
 */
@ApiExcludeController()
@RequiresPlugin(bookingManifest, { audience: 'staff' })
@UseGuards(StaffAuthGuard)
@UseFilters(PortalExceptionFilter)
@Controller(':slug/mitarbeiter/suche')
export class SearchPagesController {
  constructor(
    private readonly pages: BookingStaffPages,
    private readonly bookings: StaffBookingsService,
    private readonly access: StaffAccessService,
  ) {}

  @Get()
  async page(@Req() req: StaffRequest, @Res() res: Response): Promise<void> {
    const p = await this.pages.staffRequest(req, res);
    this.pages.render(res, p, 'search', { q: '' }, { title: 'search.title' });
  }

  @Post()
  async search(@Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Record<string, unknown>): Promise<void> {
    this.pages.checkStaffForm(req, body);
    const p = await this.pages.staffRequest(req, res);
    const q = (queryString(body, 'q') ?? '').trim();
    const self = `${p.base}/mitarbeiter/suche`;
    if (q.length < 2 || q.length > QUERY_MAX) {
      return this.pages.render(res, p, 'search', { q }, { title: 'search.title', status: 400, errors: { q: 'searchQuery' }, switchUrl: self });
    }
    const result = await this.bookings.search(this.access.scope(req.staffUser), staffActor(req), q);
    this.pages.render(res, p, 'search', { q, result }, { title: 'search.title', switchUrl: self });
  }
}
