import { Body, Controller, Get, Header, Headers, HttpCode, Ip, Param, Post, Query } from '@nestjs/common';
import { phoneInputSchema } from '../../apps/server/src/notifications/phone-number.js';
import { ApiBody, ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ZodValidationPipe } from '../../apps/server/src/common/zod-validation.pipe.js';
import { RequiresPlugin } from '../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { AvailabilityService } from './availability.service.js';
import { BookingService } from './booking.service.js';
import { BotProtectionService } from './bot-protection.service.js';
import { bookingManifest } from './booking.manifest.js';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
const id = z.string().min(1).max(64);

/** `services=<id>:<qty>,<id>:<qty>` as in the issue; a bare id means quantity 1. */
const servicesParam = z
  .string({ message: 'services is required, e.g. services=<id>:2,<id>:1' })
  .min(1)
  .max(2000)
  .transform((v, ctx) =>
    v.split(',').map((part) => {
      const [serviceId, qty = '1'] = part.split(':');
      if (!serviceId || !/^\d{1,3}$/.test(qty)) ctx.addIssue({ code: 'custom', message: `bad entry '${part.slice(0, 80)}', expected <id>:<quantity>` });
      return { serviceId, quantity: Number(qty) };
    }),
  );

export const availabilityQuerySchema = z.object({
  services: servicesParam,
  locations: z
    .string()
    .max(4000)
    .optional()
    .transform((v) => (v ? v.split(',').filter(Boolean) : undefined)),
  from: date,
  to: date,
});

const serviceLines = z
  .array(z.object({ serviceId: id, quantity: z.number().int().min(1).max(99) }).strict())
  .min(1, 'choose at least one service')
  .max(6, 'at most 6 services per booking');

export const citizenSchema = z
  .object({
    name: z.string().trim().min(2, 'please enter your name').max(200),
    email: z.email('please enter a valid email address').max(254),
    phone: phoneInputSchema.optional(),
    /** Also send confirmation and reminder by SMS to `phone` (consent). */
    sms: z.boolean().optional(),
  })
  .strict();

export const createBookingSchema = z
  .object({
    services: serviceLines,
    locationId: id,
    start: z.string().min(16).max(40),
    citizen: citizenSchema,
    consent: z.literal(true, { message: 'consent to the privacy notice is required' }),
    locale: z.enum(['de', 'en']).default('de'),
    altcha: z.string().max(5000).optional(),
  })
  .strict();

export const IDEMPOTENCY_KEY_DOC =
  '1–100 printable ASCII characters, kept 24 h. The same key with the same request returns the first response again; with another request 422.';

const tokenBody = z.object({ token: z.string().min(1).max(64) }).strict();
const rebookBody = z.object({ token: z.string().min(1).max(64), locationId: id, start: z.string().min(16).max(40) }).strict();

@ApiTags('booking')
@ApiParam({ name: 'slug', description: 'Municipality slug, e.g. musterstadt' })
@RequiresPlugin(bookingManifest)
@Controller('api/v1/tenants/:slug')
export class BookingController {
  constructor(
    private readonly availability: AvailabilityService,
    private readonly bookings: BookingService,
    private readonly bots: BotProtectionService,
  ) {}

  @Get('availability')
  @ApiOperation({ summary: 'Free start times per location and day (tenant-local ISO 8601 with offset)' })
  @ApiQuery({ name: 'services', example: '<serviceId>:2,<serviceId>:1' })
  @ApiQuery({ name: 'locations', required: false, description: 'Comma-separated location ids' })
  @ApiQuery({ name: 'from', example: '2026-11-24' })
  @ApiQuery({ name: 'to', example: '2026-12-14' })
  find(@Query(new ZodValidationPipe(availabilityQuerySchema)) q: z.infer<typeof availabilityQuerySchema>) {
    return this.availability.find({ services: q.services, locationIds: q.locations, from: q.from, to: q.to });
  }

  @Get('bookings/challenge')
  @ApiOperation({ summary: 'A proof-of-work challenge (ALTCHA) to solve before booking, when the tenant uses the captcha' })
  @Header('Cache-Control', 'no-store')
  challenge() {
    return this.bots.challenge();
  }

  @Post('bookings')
  @ApiOperation({ summary: 'Book: holds the time as pending and mails the confirm link (double opt-in)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: IDEMPOTENCY_KEY_DOC })
  @ApiBody({ description: '{ services: [{serviceId, quantity}], locationId, start, citizen: {name, email, phone?}, consent: true, locale?, altcha? }' })
  @ApiResponse({ status: 201, description: 'Pending booking with reference and token' })
  @ApiResponse({ status: 409, description: 'The time is no longer available, or a request with the same Idempotency-Key is still running' })
  @ApiResponse({ status: 422, description: 'The Idempotency-Key was already used for a different request' })
  @ApiResponse({ status: 429, description: 'Rate limit, or too many unconfirmed or active bookings of this address or mailbox' })
  create(
    @Body(new ZodValidationPipe(createBookingSchema)) body: z.infer<typeof createBookingSchema>,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Ip() ip: string,
  ) {
    return this.bookings.create({ ...body, channel: 'online', idempotencyKey, ip });
  }

  @Get('bookings/:reference')
  @ApiOperation({ summary: 'A booking with services, document checklist and location' })
  get(@Param('reference') reference: string, @Query('token') token: string) {
    return this.bookings.get(reference, token);
  }

  @Get('bookings/:reference/ics')
  @ApiOperation({ summary: 'The appointment as iCalendar file' })
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="termin.ics"')
  ics(@Param('reference') reference: string, @Query('token') token: string) {
    return this.bookings.icsFor(reference, token);
  }

  @Post('bookings/:reference/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm a pending booking (the link from the receipt mail leads to a page that posts here)' })
  confirm(@Param('reference') reference: string, @Body(new ZodValidationPipe(tokenBody)) body: z.infer<typeof tokenBody>) {
    return this.bookings.confirm(reference, body.token);
  }

  @Post('bookings/:reference/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel; the capacity comes back (after the policy delay for confirmed bookings)' })
  cancel(@Param('reference') reference: string, @Body(new ZodValidationPipe(tokenBody)) body: z.infer<typeof tokenBody>) {
    return this.bookings.cancel(reference, body.token);
  }

  @Post('bookings/:reference/rebook')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move the appointment to another time or location in one step' })
  rebook(@Param('reference') reference: string, @Body(new ZodValidationPipe(rebookBody)) body: z.infer<typeof rebookBody>) {
    return this.bookings.rebook(reference, body.token, { locationId: body.locationId, start: body.start });
  }
}
