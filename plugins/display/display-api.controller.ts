import { Controller, Get, Next, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { DisplayStateRoute } from './display-state.route.js';

/**
 * What a paired call display polls. The location is the device's own (from its token): there is no
 * parameter that could name another one. GET is answered by the fast route in front of the router
 * (DisplayStateRoute, which checks tenant, plugin and device itself); this controller documents the
 * route in the API document and serves HEAD through the same handler.
 */
@ApiTags('display')
@ApiBearerAuth()
@Controller('api/v1/tenants/:slug/display')
export class DisplayApiController {
  constructor(private readonly route: DisplayStateRoute) {}

  @Get('state')
  @ApiOperation({
    summary: "The display's location: last calls (numbers and counters, never names), waiting count, estimated wait, the device's config and the server time",
  })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'The ETag of the last answer: 304 while nothing changed' })
  @ApiResponse({
    status: 200,
    description: '{ serverTime, assetVersion, display: { layout, rows, languages, notice, gong, pollSeconds, languageSeconds }, state: DisplayState }',
  })
  @ApiResponse({ status: 304, description: 'Unchanged since the ETag sent in If-None-Match' })
  @ApiResponse({ status: 401, description: 'No token, or not a paired display of this municipality' })
  @ApiResponse({ status: 403, description: 'The display plugin is off for this municipality' })
  @ApiResponse({ status: 404, description: 'Unknown municipality' })
  state(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): Promise<void> {
    return this.route.handle(req, res, next);
  }
}
