import { Body, Controller, Delete, Get, Header, HttpCode, NotFoundException, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCookieAuth, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { StaffAuthGuard, type StaffRequest } from '../../../apps/server/src/auth/staff-auth.guard.js';
import { ZodValidationPipe } from '../../../apps/server/src/common/zod-validation.pipe.js';
import { RequiresPlugin } from '../../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { bookingManifest } from '../booking.manifest.js';
import { CalendarFeedService, FEED_NOT_FOUND } from './calendar-feed.service.js';
import { StaffAccessService } from './staff-access.service.js';
import { staffActor } from './staff-bookings.service.js';
import { staffId } from './staff-calendar.controller.js';

const issueBody = z
  .object({ locationId: staffId('einen Standort (locationId)'), counterId: staffId('einen Schalter (counterId)').nullable().default(null) })
  .strict();
const listQuery = z.object({ locationId: staffId('einen Standort (locationId)') }).strict();

/** Issuing and revoking calendar feeds: supervisors and administrators. */
@ApiTags('staff calendar')
@ApiParam({ name: 'slug', description: 'Municipality slug, e.g. musterstadt' })
@ApiCookieAuth('amtszeit.sid')
@RequiresPlugin(bookingManifest, { audience: 'staff' })
@UseGuards(StaffAuthGuard)
@Controller('api/v1/tenants/:slug/backoffice/feeds')
export class CalendarFeedAdminController {
  constructor(
    private readonly feeds: CalendarFeedService,
    private readonly access: StaffAccessService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Issue a private ICS feed of a location (or one counter); the URL with its secret is shown once' })
  @ApiBody({ description: '{ locationId, counterId?: string | null }' })
  @ApiResponse({ status: 201, description: '{ id, locationId, counterId, createdAt, url }' })
  @ApiResponse({ status: 403, description: 'Clerks cannot issue feeds' })
  issue(@Body(new ZodValidationPipe(issueBody)) body: z.infer<typeof issueBody>, @Req() req: StaffRequest) {
    return this.feeds.issue(this.access.scope(req.staffUser), staffActor(req), body.locationId, body.counterId);
  }

  @Get()
  @ApiOperation({ summary: 'The feeds of a location (without their secrets)' })
  @ApiQuery({ name: 'locationId', required: true })
  list(@Query(new ZodValidationPipe(listQuery)) q: z.infer<typeof listQuery>, @Req() req: StaffRequest) {
    return this.feeds.list(this.access.scope(req.staffUser), q.locationId);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a feed: its URL answers 404 from now on' })
  async revoke(@Param('id') id: string, @Req() req: StaffRequest): Promise<void> {
    await this.feeds.revoke(this.access.scope(req.staffUser), staffActor(req), id);
  }
}

/** The feed itself: no session (calendar apps cannot log in); the secret in the URL is the key. */
@ApiTags('staff calendar')
@ApiParam({ name: 'slug', description: 'Municipality slug, e.g. musterstadt' })
@RequiresPlugin(bookingManifest)
@Controller('api/v1/tenants/:slug/calendar-feeds')
export class CalendarFeedController {
  constructor(private readonly feeds: CalendarFeedService) {}

  @Get(':file')
  @ApiOperation({ summary: 'A private calendar feed (ICS): `<secret>.ics` as issued; computed per request' })
  @ApiProduces('text/calendar')
  @ApiResponse({ status: 200, description: 'text/calendar' })
  @ApiResponse({ status: 404, description: 'Unknown or revoked' })
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @Header('X-Robots-Tag', 'noindex')
  feed(@Param('file') file: string) {
    if (!file.endsWith('.ics')) throw new NotFoundException(FEED_NOT_FOUND);
    return this.feeds.ics(file.slice(0, -4));
  }
}
