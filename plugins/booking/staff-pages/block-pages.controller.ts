import { randomUUID } from 'node:crypto';
import { Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { StaffAuthGuard, type StaffRequest } from '../../../apps/server/src/auth/staff-auth.guard.js';
import { addDays, existingLocalInstant, isIsoDate } from '../../../apps/server/src/common/local-time.js';
import { RequiresPlugin } from '../../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { FormBody } from '../../../apps/server/src/web/form-body.decorator.js';
import { queryString, type FieldErrors } from '../../../apps/server/src/web/form-query.js';
import type { PortalRequest } from '../../../apps/server/src/web/page-frame.service.js';
import { PortalExceptionFilter } from '../../../apps/server/src/web/portal-exception.filter.js';
import { isUuidShaped } from '../../../apps/server/src/database/uuid-entity.js';
import { bookingManifest } from '../booking.manifest.js';
import { CalendarService } from '../staff/calendar.service.js';
import { CapacityBlockService } from '../staff/capacity-block.service.js';
import { StaffAccessService } from '../staff/staff-access.service.js';
import { staffActor } from '../staff/staff-bookings.service.js';
import { BookingStaffPages } from './staff-pages.service.js';

type Form = Record<string, unknown>;

const TIME = /^\d{2}:\d{2}$/;
const REASON_MAX = 200;

/**
 * "Kapazität sperren": a single time, a counter for a day (illness) or the whole location for some
 * hours, on CapacityBlockService. The block's page lists the confirmed appointments it hits (names:
 * the service audits the listing) and offers their citizens a new time by mail in one step; those
 * without an address are listed to be called.
 */
@ApiExcludeController()
@RequiresPlugin(bookingManifest, { audience: 'staff' })
@UseGuards(StaffAuthGuard)
@UseFilters(PortalExceptionFilter)
@Controller(':slug/mitarbeiter/sperren')
export class BlockPagesController {
  constructor(
    private readonly pages: BookingStaffPages,
    private readonly blocks: CapacityBlockService,
    private readonly calendar: CalendarService,
    private readonly access: StaffAccessService,
  ) {}

  @Get()
  async page(@Req() req: StaffRequest, @Res() res: Response, @Query() q: Form): Promise<void> {
    const p = await this.pages.staffRequest(req, res);
    await this.form(req, res, p, q, {});
  }

  @Post()
  async create(@Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    this.pages.checkStaffForm(req, body);
    const p = await this.pages.staffRequest(req, res);
    const scope = this.access.scope(req.staffUser);
    const locationId = queryString(body, 'standort') ?? '';
    const counterId = queryString(body, 'schalter') || null;
    const date = queryString(body, 'datum') ?? '';
    const allDay = queryString(body, 'ganzerTag') === '1';
    const from = allDay ? '00:00' : (queryString(body, 'von') ?? '');
    const to = allDay ? '00:00' : (queryString(body, 'bis') ?? '');
    const reason = (queryString(body, 'grund') ?? '').trim();
    const errors: FieldErrors = {};
    if (!isIsoDate(date)) errors.datum = 'blockDate';
    if (!TIME.test(from)) errors.von = 'blockTime';
    if (!TIME.test(to)) errors.bis = 'blockTime';
    if (reason.length < 2 || reason.length > REASON_MAX) errors.grund = 'blockReason';
    const zone = p.tenant.timeZone;
    const start = errors.datum || errors.von ? null : existingLocalInstant(date, from, zone);
    const end = errors.datum || errors.bis ? null : existingLocalInstant(allDay ? addDays(date, 1) : date, to, zone);
    if (!errors.von && !start) errors.von = 'blockTime';
    if (start && end && end <= start) errors.bis = 'blockOrder';
    if (Object.keys(errors).length > 0 || !start || !end) return this.form(req, res, p, body, errors);
    const key = queryString(body, 'key');
    const result = await this.blocks.create(
      scope,
      staffActor(req),
      { locationId, counterId, start: start.toISOString(), end: end.toISOString(), reason },
      key && isUuidShaped(key) ? key : undefined,
    );
    res.redirect(303, `${p.base}/mitarbeiter/sperren/${result.block.id}`);
  }

  @Get(':id')
  async block(@Param('id') id: string, @Req() req: StaffRequest, @Res() res: Response): Promise<void> {
    const p = await this.pages.staffRequest(req, res);
    const result = await this.blocks.get(this.access.scope(req.staffUser), staffActor(req), id);
    this.pages.render(res, p, 'block', { result, action: `${p.base}/mitarbeiter/sperren/${id}` }, { title: 'block.resultTitle' });
  }

  @Post(':id/anbieten')
  async offer(@Param('id') id: string, @Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    this.pages.checkStaffForm(req, body);
    const p = await this.pages.staffRequest(req, res);
    const scope = this.access.scope(req.staffUser);
    const actor = staffActor(req);
    const offered = await this.blocks.offer(scope, actor, id);
    // The call list holds names and phone numbers: shown on this answer (audited as a view), not kept in a URL.
    const result = offered.result;
    await this.blocks.auditView(actor, id, result);
    this.pages.render(
      res,
      p,
      'block',
      { result, offered, action: `${p.base}/mitarbeiter/sperren/${id}` },
      { title: 'block.resultTitle', switchUrl: `${p.base}/mitarbeiter/sperren/${id}` },
    );
  }

  @Post(':id/aufheben')
  async remove(@Param('id') id: string, @Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    this.pages.checkStaffForm(req, body);
    const p = await this.pages.staffRequest(req, res);
    await this.blocks.remove(this.access.scope(req.staffUser), staffActor(req), id);
    res.redirect(303, `${p.base}/mitarbeiter/sperren?aufgehoben=1`);
  }

  private async form(req: StaffRequest, res: Response, p: PortalRequest, q: Form, errors: FieldErrors): Promise<void> {
    const scope = this.access.scope(req.staffUser);
    const locations = await this.access.locations(scope);
    const locationId = queryString(q, 'standort') || locations[0]?.id || '';
    const date = queryString(q, 'datum') || this.calendar.today();
    // The counters of the chosen location (its lanes); changing the location reloads them (GET).
    const counters = locationId && isIsoDate(date) ? await this.calendar.counters(scope, locationId) : [];
    this.pages.render(
      res,
      p,
      'block-form',
      {
        locations,
        locationId,
        counters,
        counterId: queryString(q, 'schalter') ?? '',
        day: date,
        from: queryString(q, 'von') ?? '',
        to: queryString(q, 'bis') ?? '',
        allDay: queryString(q, 'ganzerTag') === '1',
        reason: queryString(q, 'grund') ?? '',
        key: queryString(q, 'key') ?? randomUUID(),
        lifted: queryString(q, 'aufgehoben') === '1',
        reasonMax: REASON_MAX,
      },
      { title: 'block.title', status: Object.keys(errors).length ? 400 : 200, errors, switchUrl: `${p.base}/mitarbeiter/sperren` },
    );
  }
}
