import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCookieAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { StaffAuthGuard, type StaffRequest } from '../../apps/server/src/auth/staff-auth.guard.js';
import { Clock } from '../../apps/server/src/common/clock.js';
import { ZodValidationPipe } from '../../apps/server/src/common/zod-validation.pipe.js';
import { RequiresPlugin } from '../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { StaffAccessService } from '../booking/booking.api.js';
import { queueManifest } from './queue.manifest.js';
import { QueueService, queueActor, type QueueActor } from './queue.service.js';

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const id = (what: string) => z.string({ message: `Bitte ${what} angeben.` }).regex(UUID_SHAPE, `${what} ist ungültig.`);
const serviceList = z.array(id('ein Anliegen (serviceIds)')).max(20, 'Höchstens 20 Anliegen.');

const locationQuery = z.object({ locationId: id('einen Standort (locationId)').optional() }).strict();
const presenceQuery = z.object({ locationId: id('einen Standort (locationId)') }).strict();
const openBody = z
  .object({ locationId: id('einen Standort (locationId)'), counterId: id('einen Schalter (counterId)'), serviceIds: serviceList.default([]) })
  .strict();
const walkInBody = z
  .object({
    locationId: id('einen Standort (locationId)'),
    serviceIds: serviceList.min(1, 'Bitte mindestens ein Anliegen wählen.'),
    priority: z.number({ message: 'Die Dringlichkeit (priority) muss eine Zahl sein.' }).int().min(0).max(9).optional(),
  })
  .strict();
const checkInBody = z
  .object({
    bookingId: id('einen Termin (bookingId)').optional(),
    reference: z.string({ message: 'Die Buchungsnummer (reference) muss Text sein.' }).min(4).max(20).optional(),
    locationId: id('einen Standort (locationId)').optional(),
  })
  .strict()
  .refine((b) => !!b.bookingId !== !!b.reference, { message: 'Bitte entweder einen Termin (bookingId) oder eine Buchungsnummer (reference) angeben.' });
const finishBody = z.object({ deliveredServiceIds: serviceList.optional() }).strict();
const transferBody = z
  .object({
    counterId: id('einen Schalter (counterId)').nullable().optional(),
    serviceIds: serviceList.optional(),
    locationId: id('einen Standort (locationId)').optional(),
    position: z.enum(['keep', 'end'], { message: 'Bitte die Position (position) „keep“ oder „end“ angeben.' }),
  })
  .strict()
  .refine((b) => b.counterId || b.serviceIds?.length || b.locationId, { message: 'Bitte einen Schalter, Anliegen oder Standort als Ziel angeben.' });
const priorityBody = z.object({ priority: z.number({ message: 'Bitte die Dringlichkeit (priority) angeben.' }).int().min(0).max(9) }).strict();
const emptyBody = z.object({}).strict().optional();

/**
 * The counter's and the supervisors' JSON API (the counter pages call it from their script and
 * forms). Every route needs a staff session; the service checks role, location and counter.
 */
@ApiTags('queue')
@ApiParam({ name: 'slug', description: 'Municipality slug, e.g. musterstadt' })
@ApiCookieAuth('amtszeit.sid')
@RequiresPlugin(queueManifest, { audience: 'staff' })
@UseGuards(StaffAuthGuard)
@Controller('api/v1/tenants/:slug/queue')
export class QueueController {
  constructor(
    private readonly queue: QueueService,
    private readonly access: StaffAccessService,
    private readonly clock: Clock,
  ) {}

  private actor(req: StaffRequest): QueueActor {
    return queueActor(req.staffUser, this.access.scope(req.staffUser));
  }

  @Get('board')
  @ApiOperation({
    summary: 'The counter board: own workplace, callable waiting tickets in order (position, estimate), parked/no-show, today’s appointments',
  })
  @ApiQuery({ name: 'locationId', required: false, description: 'Before a workplace is open: the location whose lists to show' })
  @ApiResponse({ status: 200, description: 'CounterBoard; ETag (queue version, workplace and minute); 304 on If-None-Match' })
  @ApiResponse({ status: 304, description: 'Unchanged since the ETag sent' })
  async board(@Query(new ZodValidationPipe(locationQuery)) query: z.infer<typeof locationQuery>, @Req() req: StaffRequest, @Res() res: Response) {
    const actor = this.actor(req);
    const etag = this.etag(await this.queue.boardTag(actor, query.locationId));
    if (this.notModified(req, res, etag)) return;
    res.status(200).json(await this.queue.counterBoard(actor, query.locationId));
  }

  @Get('presence')
  @ApiOperation({ summary: 'Supervisors’ overview of a location: who waits, who is at which counter, since when' })
  @ApiResponse({ status: 200, description: 'PresenceView; ETag; 304 on If-None-Match' })
  @ApiResponse({ status: 403, description: 'Clerks, or a location outside the scope' })
  async presence(@Query(new ZodValidationPipe(presenceQuery)) query: z.infer<typeof presenceQuery>, @Req() req: StaffRequest, @Res() res: Response) {
    const view = await this.queue.presence(this.actor(req), query.locationId);
    if (!this.notModified(req, res, this.etag(`p${view.version}`))) res.status(200).json(view);
  }

  /** Estimates and "late" markers move with time, so the tag carries the minute beside the version. */
  private etag(tag: string): string {
    return `W/"${tag}-${Math.floor(this.clock.now().getTime() / 60_000)}"`;
  }

  private notModified(req: Request, res: Response, etag: string): boolean {
    res.setHeader('ETag', etag);
    if (req.headers['if-none-match'] !== etag) return false;
    res.status(304).end();
    return true;
  }

  @Post('workplace/open')
  @HttpCode(200)
  @ApiOperation({ summary: 'Open (or move) the own workplace: a counter of a location and the services handled today ([]: all)' })
  @ApiBody({ description: '{ locationId, counterId, serviceIds? }' })
  @ApiResponse({ status: 200, description: 'WorkplaceView' })
  @ApiResponse({ status: 409, description: 'QUEUE_COUNTER_TAKEN, QUEUE_WORKPLACE_BUSY' })
  open(@Body(new ZodValidationPipe(openBody)) body: z.infer<typeof openBody>, @Req() req: StaffRequest) {
    return this.queue.openWorkplace(this.actor(req), body);
  }

  @Post('workplace/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause the own workplace (no calls until resumed)' })
  pause(@Body(new ZodValidationPipe(emptyBody)) _body: unknown, @Req() req: StaffRequest) {
    return this.queue.pauseWorkplace(this.actor(req));
  }

  @Post('workplace/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume the own workplace' })
  resume(@Body(new ZodValidationPipe(emptyBody)) _body: unknown, @Req() req: StaffRequest) {
    return this.queue.resumeWorkplace(this.actor(req));
  }

  @Post('workplace/close')
  @HttpCode(204)
  @ApiOperation({ summary: 'Close the own workplace (refused while a visitor is at the counter)' })
  close(@Body(new ZodValidationPipe(emptyBody)) _body: unknown, @Req() req: StaffRequest) {
    return this.queue.closeWorkplace(this.actor(req));
  }

  @Post('tickets/walk-in')
  @HttpCode(201)
  @ApiOperation({ summary: 'Issue a walk-in ticket (Wartemarke) at the front desk; priority > 0 is urgent' })
  @ApiBody({ description: '{ locationId, serviceIds, priority? }' })
  @ApiResponse({ status: 201, description: 'TicketView with position and estimated wait' })
  walkIn(@Body(new ZodValidationPipe(walkInBody)) body: z.infer<typeof walkInBody>, @Req() req: StaffRequest) {
    return this.queue.issueWalkIn({ ...body, source: 'staff' }, this.actor(req));
  }

  @Post('tickets/check-in')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check an appointment in (by bookingId or reference); a second check-in answers the same ticket' })
  @ApiBody({ description: '{ bookingId } or { reference }, optional locationId (the counter’s location)' })
  @ApiResponse({ status: 200, description: 'TicketView' })
  @ApiResponse({ status: 409, description: 'QUEUE_CHECK_IN_WRONG_DAY, QUEUE_CHECK_IN_WRONG_LOCATION, QUEUE_CHECK_IN_CANCELLED, QUEUE_CHECK_IN_STATE' })
  checkIn(@Body(new ZodValidationPipe(checkInBody)) body: z.infer<typeof checkInBody>, @Req() req: StaffRequest) {
    return this.queue.checkIn({ ...body, source: 'staff' }, this.actor(req));
  }

  @Post('tickets/call-next')
  @HttpCode(200)
  @ApiOperation({ summary: 'Call the next ticket for the own counter by the location’s ordering' })
  @ApiResponse({ status: 200, description: '{ ticket: TicketView | null } (null: nobody this counter may call waits)' })
  @ApiResponse({ status: 409, description: 'QUEUE_NO_WORKPLACE, QUEUE_WORKPLACE_PAUSED, QUEUE_WORKPLACE_BUSY' })
  async callNext(@Body(new ZodValidationPipe(emptyBody)) _body: unknown, @Req() req: StaffRequest) {
    return { ticket: await this.queue.callNext(this.actor(req)) };
  }

  @Post('tickets/:id/call')
  @HttpCode(200)
  @ApiOperation({ summary: 'Call a specific waiting ticket to the own counter (supervisors; clerks where clerksMayCallSpecific)' })
  @ApiResponse({ status: 409, description: 'QUEUE_TICKET_CHANGED (someone else called it first)' })
  call(@Param('id') ticketId: string, @Body(new ZodValidationPipe(emptyBody)) _body: unknown, @Req() req: StaffRequest) {
    return this.queue.callTicket(this.actor(req), ticketId);
  }

  @Post('tickets/:id/recall')
  @HttpCode(200)
  @ApiOperation({ summary: 'Call the current ticket again; after callCountMax calls it becomes a no-show' })
  @ApiResponse({ status: 409, description: 'QUEUE_RECALL_TOO_SOON' })
  recall(@Param('id') ticketId: string, @Body(new ZodValidationPipe(emptyBody)) _body: unknown, @Req() req: StaffRequest) {
    return this.queue.recall(this.actor(req), ticketId);
  }

  @Post('tickets/:id/start')
  @HttpCode(200)
  @ApiOperation({ summary: 'The called visitor arrived: the visit begins' })
  start(@Param('id') ticketId: string, @Body(new ZodValidationPipe(emptyBody)) _body: unknown, @Req() req: StaffRequest) {
    return this.queue.start(this.actor(req), ticketId);
  }

  @Post('tickets/:id/finish')
  @HttpCode(200)
  @ApiOperation({ summary: 'Finish the visit with the services actually delivered (default: the ticket’s)' })
  @ApiBody({ description: '{ deliveredServiceIds? }' })
  finish(@Param('id') ticketId: string, @Body(new ZodValidationPipe(finishBody)) body: z.infer<typeof finishBody>, @Req() req: StaffRequest) {
    return this.queue.finish(this.actor(req), ticketId, body.deliveredServiceIds);
  }

  @Post('tickets/:id/no-show')
  @HttpCode(200)
  @ApiOperation({ summary: 'The called visitor did not come' })
  noShow(@Param('id') ticketId: string, @Body(new ZodValidationPipe(emptyBody)) _body: unknown, @Req() req: StaffRequest) {
    return this.queue.noShow(this.actor(req), ticketId);
  }

  @Post('tickets/:id/restore')
  @HttpCode(200)
  @ApiOperation({ summary: 'A no-show or parked ticket back to waiting, at its old place' })
  restore(@Param('id') ticketId: string, @Body(new ZodValidationPipe(emptyBody)) _body: unknown, @Req() req: StaffRequest) {
    return this.queue.restore(this.actor(req), ticketId);
  }

  @Post('tickets/:id/park')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set the current visitor aside; the counter is free' })
  park(@Param('id') ticketId: string, @Body(new ZodValidationPipe(emptyBody)) _body: unknown, @Req() req: StaffRequest) {
    return this.queue.park(this.actor(req), ticketId);
  }

  @Post('tickets/:id/transfer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Forward to another counter, service or location; keep the place in line or go to the end' })
  @ApiBody({ description: '{ counterId?, serviceIds?, locationId?, position: "keep" | "end" }' })
  @ApiResponse({ status: 200, description: 'The new waiting TicketView' })
  transfer(@Param('id') ticketId: string, @Body(new ZodValidationPipe(transferBody)) body: z.infer<typeof transferBody>, @Req() req: StaffRequest) {
    return this.queue.transfer(this.actor(req), ticketId, body);
  }

  @Post('tickets/:id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel: clerks their current ticket, supervisors any open ticket' })
  cancel(@Param('id') ticketId: string, @Body(new ZodValidationPipe(emptyBody)) _body: unknown, @Req() req: StaffRequest) {
    return this.queue.cancel(this.actor(req), ticketId);
  }

  @Post('tickets/:id/priority')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set the priority (0 normal, higher urgent); supervisors and admins' })
  @ApiBody({ description: '{ priority: 0..9 }' })
  priority(@Param('id') ticketId: string, @Body(new ZodValidationPipe(priorityBody)) body: z.infer<typeof priorityBody>, @Req() req: StaffRequest) {
    return this.queue.setPriority(this.actor(req), ticketId, body.priority);
  }
}
