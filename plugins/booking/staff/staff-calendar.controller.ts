import { Controller, Get, Query, Req, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { StaffAuthGuard, type StaffRequest } from '../../../apps/server/src/auth/staff-auth.guard.js';
import { isIsoDate } from '../../../apps/server/src/common/local-time.js';
import { ZodValidationPipe } from '../../../apps/server/src/common/zod-validation.pipe.js';
import { RequiresPlugin } from '../../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { UUID_SHAPE } from '../../../apps/server/src/database/uuid-entity.js';
import { bookingManifest } from '../booking.manifest.js';
import { CalendarService } from './calendar.service.js';
import { StaffAccessService } from './staff-access.service.js';
import { StaffBookingsService, staffActor } from './staff-bookings.service.js';

export const staffId = (what: string) => z.string({ message: `Bitte ${what} angeben.` }).regex(UUID_SHAPE, `${what} ist ungültig.`);
export const localDateParam = z.string().refine(isIsoDate, 'Bitte ein Datum im Format JJJJ-MM-TT angeben.').optional();

const calendarQuery = z.object({ locationId: staffId('einen Standort (locationId)'), date: localDateParam }).strict();

/** The authority's calendar for staff: day and week per location, limited to the staff member's locations. */
@ApiTags('staff calendar')
@ApiParam({ name: 'slug', description: 'Municipality slug, e.g. musterstadt' })
@ApiCookieAuth('amtszeit.sid')
@RequiresPlugin(bookingManifest, { audience: 'staff' })
@UseGuards(StaffAuthGuard)
@Controller('api/v1/tenants/:slug/backoffice/calendar')
export class StaffCalendarController {
  constructor(
    private readonly calendar: CalendarService,
    private readonly access: StaffAccessService,
    private readonly bookings: StaffBookingsService,
  ) {}

  @Get('locations')
  @ApiOperation({ summary: 'The locations the staff member may see (a clerk: their own; supervisors and administrators: all)' })
  @ApiResponse({ status: 200, description: '[{ id, name }]' })
  locations(@Req() req: StaffRequest) {
    return this.access.locations(this.access.scope(req.staffUser));
  }

  @Get('day')
  @ApiOperation({ summary: "A location's appointments of one day (default today, tenant-local) in counter lanes; no personal data" })
  @ApiQuery({ name: 'locationId', required: true })
  @ApiQuery({ name: 'date', required: false, description: 'YYYY-MM-DD, tenant-local; default today' })
  @ApiResponse({ status: 200, description: 'CalendarDay (plugins/booking/staff/calendar.types.ts)' })
  @ApiResponse({ status: 403, description: 'The location is not one of the staff member’s' })
  day(@Query(new ZodValidationPipe(calendarQuery)) q: z.infer<typeof calendarQuery>, @Req() req: StaffRequest) {
    return this.calendar.day(this.access.scope(req.staffUser), q.locationId, q.date);
  }

  @Get('week')
  @ApiOperation({ summary: 'Monday to Sunday of the ISO week holding the date (default this week)' })
  @ApiQuery({ name: 'locationId', required: true })
  @ApiQuery({ name: 'date', required: false, description: 'any day of the week, YYYY-MM-DD' })
  @ApiResponse({ status: 200, description: 'CalendarWeek' })
  @ApiResponse({ status: 403, description: 'The location is not one of the staff member’s' })
  week(@Query(new ZodValidationPipe(calendarQuery)) q: z.infer<typeof calendarQuery>, @Req() req: StaffRequest) {
    return this.calendar.week(this.access.scope(req.staffUser), q.locationId, q.date);
  }

  @Get('print')
  @ApiOperation({ summary: 'The day list to print (A4): the day in time order with names and counters; audited as one look at personal data' })
  @ApiQuery({ name: 'locationId', required: true })
  @ApiQuery({ name: 'date', required: false, description: 'YYYY-MM-DD, tenant-local; default today' })
  @ApiResponse({ status: 200, description: 'CalendarPrintDay' })
  print(@Query(new ZodValidationPipe(calendarQuery)) q: z.infer<typeof calendarQuery>, @Req() req: StaffRequest) {
    return this.bookings.printDay(this.access.scope(req.staffUser), staffActor(req), q.locationId, q.date);
  }
}
