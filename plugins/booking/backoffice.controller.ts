import { Body, Controller, Headers, Post, Req, UseGuards } from '@nestjs/common';
import { phoneInputSchema } from '../../apps/server/src/notifications/phone-number.js';
import { ApiBody, ApiCookieAuth, ApiHeader, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { StaffAuthGuard, type StaffRequest } from '../../apps/server/src/auth/staff-auth.guard.js';
import { ZodValidationPipe } from '../../apps/server/src/common/zod-validation.pipe.js';
import { RequiresPlugin } from '../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { createBookingSchema, IDEMPOTENCY_KEY_DOC } from './booking.controller.js';
import { BookingService } from './booking.service.js';
import { bookingManifest } from './booking.manifest.js';

const staffBookingSchema = createBookingSchema
  .omit({ altcha: true, citizen: true })
  .extend({
    citizen: z
      .object({
        name: z.string().trim().min(2, 'please enter the name').max(200),
        email: z.email('please enter a valid email address').max(254).optional(),
        phone: phoneInputSchema.optional(),
      })
      .strict(),
  })
  .strict();

/** Back-office (infoline) booking on behalf of a caller: staff and administrators of the tenant. */
@ApiTags('booking')
@ApiParam({ name: 'slug', description: 'Municipality slug, e.g. musterstadt' })
@ApiCookieAuth('amtszeit.sid')
@RequiresPlugin(bookingManifest, { audience: 'staff' })
@UseGuards(StaffAuthGuard)
@Controller('api/v1/tenants/:slug/backoffice')
export class BackofficeController {
  constructor(private readonly bookings: BookingService) {}

  @Post('bookings')
  @ApiOperation({ summary: 'Book for a caller (channel phone): confirmed at once; a confirmation mail goes out when an address is given' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: `${IDEMPOTENCY_KEY_DOC} Bound to the staff member.` })
  @ApiBody({ description: '{ services, locationId, start, citizen: {name, email?, phone?}, consent: true, locale? }' })
  @ApiResponse({ status: 201, description: 'Confirmed booking' })
  @ApiResponse({ status: 401, description: 'Not logged in' })
  @ApiResponse({ status: 422, description: 'The Idempotency-Key was already used for a different request' })
  create(
    @Body(new ZodValidationPipe(staffBookingSchema)) body: z.infer<typeof staffBookingSchema>,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() req: StaffRequest,
  ) {
    return this.bookings.createByStaff({ ...body, idempotencyKey, actorId: req.staffUser.id });
  }
}
