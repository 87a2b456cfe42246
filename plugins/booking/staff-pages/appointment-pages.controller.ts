import { Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { StaffAuthGuard, type StaffRequest } from '../../../apps/server/src/auth/staff-auth.guard.js';
import { isIsoDate, localDate } from '../../../apps/server/src/common/local-time.js';
import { RequiresPlugin } from '../../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { FormBody } from '../../../apps/server/src/web/form-body.decorator.js';
import { queryString, type FieldErrors } from '../../../apps/server/src/web/form-query.js';
import type { PortalRequest } from '../../../apps/server/src/web/page-frame.service.js';
import { PortalExceptionFilter } from '../../../apps/server/src/web/portal-exception.filter.js';
import { CatalogService } from '../../../apps/server/src/catalog/catalog.service.js';
import { AvailabilityService } from '../availability.service.js';
import { bookingManifest } from '../booking.manifest.js';
import { locationsOffering } from '../portal/selection.js';
import { CalendarService } from '../staff/calendar.service.js';
import type { StaffBookingDetail, StaffScope } from '../staff/calendar.types.js';
import { StaffAccessService } from '../staff/staff-access.service.js';
import { StaffBookingsService, staffActor } from '../staff/staff-bookings.service.js';
import { BookingStaffPages, freePhoneTimes } from './staff-pages.service.js';

type Form = Record<string, unknown>;

const DONE = new Set(['storniert', 'verschoben', 'notiz', 'schalter']);
const NOTE_MAX = 1000;

/**
 * One appointment for staff: opening it shows the citizen's data (StaffBookingsService writes the
 * audit entry before anything is shown), and its forms act for a caller — cancel, move, counter,
 * note — each a POST with the form token, then 303 back to the page (POST–redirect–GET).
 */
@ApiExcludeController()
@RequiresPlugin(bookingManifest, { audience: 'staff' })
@UseGuards(StaffAuthGuard)
@UseFilters(PortalExceptionFilter)
@Controller(':slug/mitarbeiter/termin')
export class AppointmentPagesController {
  constructor(
    private readonly pages: BookingStaffPages,
    private readonly bookings: StaffBookingsService,
    private readonly calendar: CalendarService,
    private readonly access: StaffAccessService,
    private readonly availability: AvailabilityService,
    private readonly catalog: CatalogService,
  ) {}

  @Get(':id')
  async page(@Param('id') id: string, @Req() req: StaffRequest, @Res() res: Response, @Query() q: Form): Promise<void> {
    const p = await this.pages.staffRequest(req, res);
    const scope = this.access.scope(req.staffUser);
    const done = queryString(q, 'erledigt');
    const moveDay = queryString(q, 'tag');
    await this.show(res, p, scope, await this.bookings.open(scope, staffActor(req), id), {
      done: done && DONE.has(done) ? done : null,
      moveDay: moveDay && isIsoDate(moveDay) ? moveDay : null,
      moveTo: queryString(q, 'ort'),
    });
  }

  @Post(':id/stornieren')
  async cancel(@Param('id') id: string, @Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    this.pages.checkStaffForm(req, body);
    await this.bookings.cancel(this.access.scope(req.staffUser), staffActor(req), id);
    await this.back(req, res, id, 'storniert');
  }

  @Post(':id/verschieben')
  async move(@Param('id') id: string, @Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    this.pages.checkStaffForm(req, body);
    const p = await this.pages.staffRequest(req, res);
    const start = queryString(body, 'start') ?? '';
    const revision = Number(queryString(body, 'revision'));
    const scope = this.access.scope(req.staffUser);
    // One of the free times the page offered (tenant-local ISO with offset); the service checks it is still free.
    if (Number.isNaN(Date.parse(start)) || start.length < 16 || start.length > 40 || !Number.isInteger(revision)) {
      const moveDay = queryString(body, 'tag');
      return this.show(res, p, scope, await this.bookings.open(scope, staffActor(req), id), {
        moveDay: moveDay && isIsoDate(moveDay) ? moveDay : null,
        moveTo: queryString(body, 'standort'),
        errors: { start: 'apptMoveTime' },
      });
    }
    const locationId = queryString(body, 'standort') ?? '';
    await this.bookings.move(scope, staffActor(req), id, { locationId, start, revision });
    await this.back(req, res, id, 'verschoben');
  }

  @Post(':id/schalter')
  async counter(@Param('id') id: string, @Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    this.pages.checkStaffForm(req, body);
    await this.bookings.setCounter(this.access.scope(req.staffUser), staffActor(req), id, queryString(body, 'schalter') || null);
    await this.back(req, res, id, 'schalter');
  }

  @Post(':id/notiz')
  async note(@Param('id') id: string, @Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    this.pages.checkStaffForm(req, body);
    const note = queryString(body, 'notiz') ?? '';
    const scope = this.access.scope(req.staffUser);
    if (note.length > NOTE_MAX) {
      const p = await this.pages.staffRequest(req, res);
      return this.show(res, p, scope, { ...(await this.bookings.open(scope, staffActor(req), id)), note }, { errors: { notiz: 'apptNoteLong' } });
    }
    await this.bookings.setNote(scope, staffActor(req), id, note);
    await this.back(req, res, id, 'notiz');
  }

  private async back(req: StaffRequest, res: Response, id: string, done: string): Promise<void> {
    const p = await this.pages.staffRequest(req, res);
    res.redirect(303, `${p.base}/mitarbeiter/termin/${id}?erledigt=${done}`);
  }

  /**
   * The page of one appointment: its data, the counters of its day for the counter form, the forms.
   * Moving may go to any location of the scope that offers all of the appointment's services.
   */
  private async show(
    res: Response,
    p: PortalRequest,
    scope: StaffScope,
    b: StaffBookingDetail,
    o: { done?: string | null; moveDay?: string | null; moveTo?: string; errors?: FieldErrors },
  ): Promise<void> {
    const date = localDate(new Date(b.startAt), p.tenant.timeZone);
    const lanes = await this.calendar.counters(scope, b.location.id);
    const services = b.services.map((s) => ({ serviceId: s.serviceId, quantity: s.quantity }));
    const offering = locationsOffering(services, await this.catalog.services());
    const moveLocations = (await this.access.locations(scope)).filter((l) => offering.includes(l.id));
    const moveTo = moveLocations.find((l) => l.id === o.moveTo) ?? b.location;
    // The free times of the chosen day and location for its services.
    const free = b.changeable && o.moveDay ? await freePhoneTimes(this.availability, services, moveTo.id, o.moveDay) : null;
    const self = `${p.base}/mitarbeiter/termin/${b.id}`;
    this.pages.render(
      res,
      p,
      'appointment',
      {
        b,
        day: date,
        moveDay: o.moveDay ?? date,
        moveLocations,
        moveTo,
        free,
        lanes,
        done: o.done ?? null,
        action: self,
        calendar: `${p.base}/mitarbeiter/kalender?standort=${b.location.id}&datum=${date}`,
        noteMax: NOTE_MAX,
      },
      { title: 'appt.title', status: o.errors ? 400 : 200, errors: o.errors, switchUrl: self },
    );
  }
}
