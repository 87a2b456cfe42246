import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { StaffAuthGuard } from '../../apps/server/src/auth/staff-auth.guard.js';
import { ZodValidationPipe } from '../../apps/server/src/common/zod-validation.pipe.js';
import { isIsoDate } from '../../apps/server/src/common/local-time.js';
import { RequiresPlugin } from '../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { citizenSchema } from '../booking/booking.api.js';
import { MAX_LOCATIONS, MAX_WINDOWS } from './entities/wish.entity.js';
import { OfferService } from './offer.service.js';
import { StatsService } from './stats.service.js';
import { WishService } from './wish.service.js';
import { terminagentManifest } from './terminagent.manifest.js';

const id = z.string().min(1).max(64);
const date = z.string().refine(isIsoDate, 'expected a date YYYY-MM-DD');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time HH:MM');

export const createWishSchema = z
  .object({
    services: z
      .array(z.object({ serviceId: id, quantity: z.number().int().min(1).max(99) }).strict())
      .min(1, 'choose at least one service')
      .max(6, 'at most 6 services per wish'),
    locationIds: z.array(z.uuid()).min(1, 'choose at least one location').max(MAX_LOCATIONS),
    windows: z
      .array(z.object({ weekday: z.number().int().min(1).max(7), from: hhmm, to: hhmm }).strict())
      .min(1, 'choose at least one weekday')
      .max(MAX_WINDOWS),
    earliestDate: date,
    latestDate: date,
    citizen: citizenSchema,
    consent: z.literal(true, { message: 'consent to the privacy notice is required' }),
    locale: z.enum(['de', 'en']).default('de'),
  })
  .strict();

const tokenBody = z.object({ token: z.string().min(1).max(64) }).strict();
const acceptBody = z.object({ token: z.string().min(1).max(64), proposalId: id }).strict();
const periodQuery = z
  .object({ from: date, to: date })
  .strict()
  .refine((q) => q.from <= q.to, 'from must not be after to');

/** The terminagent's JSON API: the citizen's wish and offer links, and the figures for staff. */
@ApiTags('terminagent')
@ApiParam({ name: 'slug', description: 'Municipality slug, e.g. musterstadt' })
@RequiresPlugin(terminagentManifest)
@Controller('api/v1/tenants/:slug/terminagent')
export class TerminagentController {
  constructor(
    private readonly wishes: WishService,
    private readonly offers: OfferService,
    private readonly stats: StatsService,
  ) {}

  @Post('wishes')
  @ApiOperation({ summary: 'Register a wish; it joins the queue once confirmed through the link mailed to the citizen' })
  @ApiBody({
    description:
      '{ services: [{serviceId, quantity}], locationIds, windows: [{weekday 1-7, from, to}], earliestDate, latestDate, citizen, consent: true, locale? }',
  })
  @ApiResponse({ status: 201, description: 'The unconfirmed wish (the secret link goes only to the email address)' })
  @ApiResponse({ status: 409, description: 'An open wish with the same email address and services exists' })
  async create(@Body(new ZodValidationPipe(createWishSchema)) body: z.infer<typeof createWishSchema>) {
    const { token: _secret, ...view } = await this.wishes.create(body);
    return view;
  }

  @Get('wishes/:id')
  @ApiOperation({ summary: 'A wish and its state' })
  get(@Param('id') wishId: string, @Query('token') token: string) {
    return this.wishes.get(wishId, token);
  }

  @Post('wishes/:id/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm the email address: the wish joins the queue, its place is this moment' })
  confirm(@Param('id') wishId: string, @Body(new ZodValidationPipe(tokenBody)) body: z.infer<typeof tokenBody>) {
    return this.wishes.confirm(wishId, body.token);
  }

  @Post('wishes/:id/withdraw')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw the wish; held proposals go back to the agent pool' })
  withdraw(@Param('id') wishId: string, @Body(new ZodValidationPipe(tokenBody)) body: z.infer<typeof tokenBody>) {
    return this.wishes.withdraw(wishId, body.token);
  }

  @Get('offers/:id')
  @ApiOperation({ summary: 'An offer with its proposed times' })
  offer(@Param('id') offerId: string, @Query('token') token: string) {
    return this.offers.get(offerId, token);
  }

  @Post('offers/:id/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept one proposal: the appointment is confirmed and mailed like a booking' })
  @ApiResponse({ status: 409, description: 'Already answered or lapsed' })
  accept(@Param('id') offerId: string, @Body(new ZodValidationPipe(acceptBody)) body: z.infer<typeof acceptBody>) {
    return this.offers.accept(offerId, body.token, body.proposalId);
  }

  @Post('offers/:id/decline')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decline the offer; its times go back to the agent pool' })
  decline(@Param('id') offerId: string, @Body(new ZodValidationPipe(tokenBody)) body: z.infer<typeof tokenBody>) {
    return this.offers.decline(offerId, body.token);
  }

  @Get('figures')
  @UseGuards(StaffAuthGuard)
  @ApiOperation({ summary: 'Figures per location and service over a period (staff and administrators)' })
  @ApiQuery({ name: 'from', example: '2026-11-01' })
  @ApiQuery({ name: 'to', example: '2026-11-30' })
  figures(@Query(new ZodValidationPipe(periodQuery)) q: z.infer<typeof periodQuery>) {
    return this.stats.figures(q.from, q.to);
  }
}
