import { Controller, Get, Headers, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentDevice, DeviceAuthGuard, DeviceKinds } from '../../apps/server/src/devices/device-auth.guard.js';
import type { DeviceIdentity } from '../../apps/server/src/devices/device.types.js';
import { RequiresPlugin } from '../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { DisplayStateService } from './display-state.service.js';
import { displayManifest } from './display.manifest.js';

/**
 * What a paired call display polls. The location is the device's own (from its token): there is no
 * parameter that could name another one.
 */
@ApiTags('display')
@ApiBearerAuth()
@RequiresPlugin(displayManifest, { audience: 'device' })
@UseGuards(DeviceAuthGuard)
@DeviceKinds('display')
@Controller('api/v1/tenants/:slug/display')
export class DisplayApiController {
  constructor(private readonly display: DisplayStateService) {}

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
  async state(@CurrentDevice() device: DeviceIdentity, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() res: Response): Promise<void> {
    const answer = await this.display.answer(device, ifNoneMatch);
    res.setHeader('ETag', answer.etag);
    res.setHeader('Cache-Control', 'no-cache');
    if (answer.status === 304) res.status(304).end();
    else res.status(200).type('application/json').send(answer.body);
  }
}
