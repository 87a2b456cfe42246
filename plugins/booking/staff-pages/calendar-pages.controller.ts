import { Controller, Get, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { StaffAuthGuard, type StaffRequest } from '../../../apps/server/src/auth/staff-auth.guard.js';
import { addDays, isIsoDate } from '../../../apps/server/src/common/local-time.js';
import { RequiresPlugin } from '../../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { queryString } from '../../../apps/server/src/web/form-query.js';
import { PortalExceptionFilter } from '../../../apps/server/src/web/portal-exception.filter.js';
import { bookingManifest } from '../booking.manifest.js';
import { CalendarService } from '../staff/calendar.service.js';
import type { CalendarDay } from '../staff/calendar.types.js';
import { StaffAccessService } from '../staff/staff-access.service.js';
import { dayGrid } from './day-grid.js';
import { BookingStaffPages } from './staff-pages.service.js';

/** The day's lanes with their entries and blocks; blocks of the whole location are shown above them. */
function lanesOf(day: CalendarDay) {
  return day.lanes.map((lane) => ({
    ...lane,
    entries: day.entries.filter((e) => e.counterId === lane.counterId),
    blocks: lane.counterId === null ? [] : day.blocks.filter((b) => b.counterId === lane.counterId),
  }));
}

/**
 * The calendar as staff pages: a location's day by counter and time (today first: a grid of lanes
 * and times on a desktop, a list per counter on a phone and in print), and its week.
 * The data is CalendarService's, limited to the staff member's locations (a clerk's own only);
 * the pages show no personal data.
 */
@ApiExcludeController()
@RequiresPlugin(bookingManifest, { audience: 'staff' })
@UseGuards(StaffAuthGuard)
@UseFilters(PortalExceptionFilter)
@Controller(':slug/mitarbeiter/kalender')
export class CalendarPagesController {
  constructor(
    private readonly pages: BookingStaffPages,
    private readonly calendar: CalendarService,
    private readonly access: StaffAccessService,
  ) {}

  @Get()
  async page(@Req() req: StaffRequest, @Res() res: Response, @Query() q: Record<string, unknown>): Promise<void> {
    const p = await this.pages.staffRequest(req, res);
    const scope = this.access.scope(req.staffUser);
    const locations = await this.access.locations(scope);
    const given = queryString(q, 'datum');
    const week = queryString(q, 'ansicht') === 'woche';
    const title = week ? 'cal.weekTitle' : 'cal.title';
    if (given !== undefined && !isIsoDate(given)) {
      return this.pages.render(res, p, 'calendar', { locations, week }, { title, status: 400, errors: { datum: 'calDate' } });
    }
    const locationId = queryString(q, 'standort') || locations[0]?.id;
    if (!locationId) return this.pages.render(res, p, 'calendar', { locations, week, noLocation: true }, { title });
    const date = given ?? this.calendar.today();
    const link = (d: string, view = week) => `${p.base}/mitarbeiter/kalender?standort=${locationId}&datum=${d}${view ? '&ansicht=woche' : ''}`;
    const ref = queryString(q, 'gebucht');
    const booked = ref && /^[A-Z0-9-]{4,20}$/.test(ref) ? ref : null;
    const common = {
      booked,
      locations,
      locationId,
      selected: date,
      today: this.calendar.today(),
      week,
      dayLink: link(date, false),
      weekLink: link(date, true),
    };
    if (week) {
      const w = await this.calendar.week(scope, locationId, date);
      const days = w.days.map((d) => ({ ...d, link: link(d.date, false) }));
      return this.pages.render(
        res,
        p,
        'calendar',
        { ...common, location: w.days[0]?.location, weekRange: w, days, prev: link(addDays(w.from, -7)), next: link(addDays(w.from, 7)) },
        { title },
      );
    }
    const day = await this.calendar.day(scope, locationId, date);
    this.pages.render(
      res,
      p,
      'calendar',
      {
        ...common,
        location: day.location,
        day,
        lanes: lanesOf(day),
        grid: dayGrid(day, p.tenant.timeZone),
        locationBlocks: day.blocks.filter((b) => b.counterId === null),
        prev: link(addDays(date, -1)),
        next: link(addDays(date, 1)),
      },
      { title },
    );
  }
}
