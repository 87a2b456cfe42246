import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCookieAuth, ApiHeader, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { StaffAuthGuard, type StaffRequest } from '../../../apps/server/src/auth/staff-auth.guard.js';
import { ZodValidationPipe } from '../../../apps/server/src/common/zod-validation.pipe.js';
import { RequiresPlugin } from '../../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { IDEMPOTENCY_KEY_DOC } from '../booking.controller.js';
import { bookingManifest } from '../booking.manifest.js';
import type { BlockOfferResult } from './calendar.types.js';
import { CapacityBlockService } from './capacity-block.service.js';
import { StaffAccessService } from './staff-access.service.js';
import { staffActor } from './staff-bookings.service.js';
import { staffId } from './staff-calendar.controller.js';

const instant = (what: string) => z.string({ message: `Bitte ${what} angeben.` }).max(40);
const blockBody = z
  .object({
    locationId: staffId('einen Standort (locationId)'),
    counterId: staffId('einen Schalter (counterId)').nullable().default(null),
    start: instant('den Beginn (start)'),
    end: instant('das Ende (end)'),
    reason: z.string({ message: 'Bitte einen Grund (reason) angeben.' }).max(200, 'Der Grund darf höchstens 200 Zeichen lang sein.'),
  })
  .strict();

/** Blocking capacity (a slot, a counter for a day, the location for some hours) and offering the affected citizens a new time. */
@ApiTags('staff calendar')
@ApiParam({ name: 'slug', description: 'Municipality slug, e.g. musterstadt' })
@ApiCookieAuth('amtszeit.sid')
@RequiresPlugin(bookingManifest, { audience: 'staff' })
@UseGuards(StaffAuthGuard)
@Controller('api/v1/tenants/:slug/backoffice/blocks')
export class CapacityBlockController {
  constructor(
    private readonly blocks: CapacityBlockService,
    private readonly access: StaffAccessService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Block a counter (counterId) or the whole location (counterId null) from start to end; lists the affected confirmed appointments' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: `${IDEMPOTENCY_KEY_DOC} Bound to the staff member.` })
  @ApiBody({ description: '{ locationId, counterId?: string | null, start, end (ISO 8601 with offset), reason }' })
  @ApiResponse({ status: 201, description: 'BlockResult { block, removedUnits, affected }' })
  create(
    @Body(new ZodValidationPipe(blockBody)) body: z.infer<typeof blockBody>,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() req: StaffRequest,
  ) {
    return this.blocks.create(this.access.scope(req.staffUser), staffActor(req), body, idempotencyKey);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A block with the confirmed appointments it hits (names and phone, to call; audited)' })
  @ApiResponse({ status: 200, description: 'BlockResult' })
  get(@Param('id') id: string, @Req() req: StaffRequest) {
    return this.blocks.get(this.access.scope(req.staffUser), staffActor(req), id);
  }

  @Post(':id/offer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mail each affected citizen with an address an offer of a new time (once per block); lists those to call' })
  @ApiResponse({ status: 200, description: 'BlockOfferResult { mailed, callList, alreadyOffered }' })
  async offer(@Param('id') id: string, @Req() req: StaffRequest): Promise<BlockOfferResult> {
    const { mailed, callList, alreadyOffered } = await this.blocks.offer(this.access.scope(req.staffUser), staffActor(req), id);
    return { mailed, callList, alreadyOffered };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Lift the block: its capacity is given back' })
  async remove(@Param('id') id: string, @Req() req: StaffRequest): Promise<void> {
    await this.blocks.remove(this.access.scope(req.staffUser), staffActor(req), id);
  }
}
