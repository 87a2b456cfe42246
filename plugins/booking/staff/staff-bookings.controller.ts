import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCookieAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { StaffAuthGuard, type StaffRequest } from '../../../apps/server/src/auth/staff-auth.guard.js';
import { ZodValidationPipe } from '../../../apps/server/src/common/zod-validation.pipe.js';
import { RequiresPlugin } from '../../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { bookingManifest } from '../booking.manifest.js';
import { StaffAccessService } from './staff-access.service.js';
import { staffId } from './staff-calendar.controller.js';
import { StaffBookingsService, staffActor } from './staff-bookings.service.js';

const searchQuery = z.object({ q: z.string({ message: 'Bitte einen Suchbegriff (q) angeben.' }).max(200, 'Der Suchbegriff ist zu lang.') }).strict();
const moveBody = z
  .object({
    locationId: staffId('einen Standort (locationId)'),
    start: z.string({ message: 'Bitte eine Startzeit (start) angeben.' }).min(16).max(40),
    revision: z.number({ message: 'Bitte den Stand (revision) des Termins angeben.' }).int().min(0),
  })
  .strict();
const counterBody = z.object({ counterId: staffId('einen Schalter (counterId)').nullable() }).strict();
const noteBody = z
  .object({ note: z.string({ message: 'Bitte eine Notiz (note) angeben.' }).max(1000, 'Die Notiz darf höchstens 1000 Zeichen lang sein.') })
  .strict();

/** Staff open, search and change single appointments for callers; every look at personal data is audited. */
@ApiTags('staff calendar')
@ApiParam({ name: 'slug', description: 'Municipality slug, e.g. musterstadt' })
@ApiCookieAuth('amtszeit.sid')
@RequiresPlugin(bookingManifest, { audience: 'staff' })
@UseGuards(StaffAuthGuard)
@Controller('api/v1/tenants/:slug/backoffice/bookings')
export class StaffBookingsController {
  constructor(
    private readonly bookings: StaffBookingsService,
    private readonly access: StaffAccessService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Search by reference, name (contains), email or phone in the staff member’s locations (at most 50 hits; audited by kind)',
  })
  @ApiQuery({ name: 'q', required: true })
  @ApiResponse({ status: 200, description: 'StaffSearchResult { kind, hits, truncated }' })
  search(@Query(new ZodValidationPipe(searchQuery)) query: z.infer<typeof searchQuery>, @Req() req: StaffRequest) {
    return this.bookings.search(this.access.scope(req.staffUser), staffActor(req), query.q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One appointment with the citizen’s personal data; the opening is written to the audit log' })
  @ApiResponse({ status: 200, description: 'StaffBookingDetail' })
  @ApiResponse({ status: 403, description: 'At a location outside the staff member’s' })
  @ApiResponse({ status: 404, description: 'No such appointment in this municipality' })
  open(@Param('id') id: string, @Req() req: StaffRequest) {
    return this.bookings.open(this.access.scope(req.staffUser), staffActor(req), id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel for a caller: capacity is given back, the citizen gets the cancellation mail; twice is like once' })
  @ApiResponse({ status: 200, description: 'StaffBookingDetail' })
  cancel(@Param('id') id: string, @Req() req: StaffRequest) {
    return this.bookings.cancel(this.access.scope(req.staffUser), staffActor(req), id);
  }

  @Post(':id/move')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Move for a caller to a free time (any location in scope); the citizen gets the mail. A repeated click is answered like the first.',
  })
  @ApiBody({ description: '{ locationId, start (ISO 8601 with offset), revision (as last read) }' })
  @ApiResponse({ status: 200, description: 'StaffBookingDetail' })
  @ApiResponse({ status: 409, description: 'The time is gone (CAPACITY_GONE) or the booking changed meanwhile (BOOKING_CHANGED)' })
  move(@Param('id') id: string, @Body(new ZodValidationPipe(moveBody)) body: z.infer<typeof moveBody>, @Req() req: StaffRequest) {
    return this.bookings.move(this.access.scope(req.staffUser), staffActor(req), id, body);
  }

  @Put(':id/counter')
  @ApiOperation({ summary: 'Put the appointment at a counter of its location (null: first free lane)' })
  @ApiBody({ description: '{ counterId: string | null }' })
  setCounter(@Param('id') id: string, @Body(new ZodValidationPipe(counterBody)) body: z.infer<typeof counterBody>, @Req() req: StaffRequest) {
    return this.bookings.setCounter(this.access.scope(req.staffUser), staffActor(req), id, body.counterId);
  }

  @Put(':id/note')
  @ApiOperation({ summary: 'Set the staff note (at most 1000 characters; empty removes it); staff only, never in mails or feeds' })
  @ApiBody({ description: '{ note: string }' })
  setNote(@Param('id') id: string, @Body(new ZodValidationPipe(noteBody)) body: z.infer<typeof noteBody>, @Req() req: StaffRequest) {
    return this.bookings.setNote(this.access.scope(req.staffUser), staffActor(req), id, body.note);
  }
}
