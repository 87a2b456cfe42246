import { Body, Controller, Get, HttpCode, HttpException, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiBody, ApiExcludeEndpoint, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError, domainErrorMessage } from '../common/domain-error.js';
import { domainErrorBody } from '../common/domain-error.filter.js';
import { PortalExceptionFilter } from '../web/portal-exception.filter.js';
import { apiLocale } from './device-messages.js';
import { DevicePages } from './device-pages.service.js';
import { DeviceService, PAIRING_CODE_MINUTES, type PairResult } from './device.service.js';

/** Where a paired device goes: its plugin's page. */
export const DEVICE_HOME: Record<PairResult['kind'], string> = { display: 'anzeige', kiosk: 'kiosk' };

/**
 * Pairing of kiosks and call displays: the API a device posts its one-time code to, and the page
 * (`/<slug>/geraet/koppeln`) where a person types it on the device (or the QR brings it in the URL
 * fragment). Everything else about devices is in the admin panel.
 */
@ApiTags('devices')
@ApiParam({ name: 'slug', description: 'Municipality slug, e.g. musterstadt' })
@Controller()
export class DevicesController {
  constructor(
    private readonly devices: DeviceService,
    private readonly pages: DevicePages,
  ) {}

  @Post('api/v1/tenants/:slug/devices/pair')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Pairs a kiosk or call display with the one-time code from the admin panel',
    description: `The code (XXXX-XXXX, valid ${PAIRING_CODE_MINUTES} minutes) is single-use. The answer carries the device's bearer token, shown only this once; it replaces an earlier token of the device. Messages in German, English with Accept-Language: en.`,
  })
  @ApiBody({ schema: { type: 'object', required: ['code'], properties: { code: { type: 'string', example: 'ABCD-EFGH' } } } })
  @ApiResponse({ status: 200, description: '{ token, deviceId, kind, locationId, name, home }' })
  @ApiResponse({ status: 400, description: 'Malformed (DEVICE_CODE_INVALID), or unknown, spent or expired code (DEVICE_CODE_UNKNOWN)' })
  @ApiResponse({ status: 429, description: 'Too many attempts from this address (DEVICE_PAIR_LIMITED)' })
  async pair(@Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    try {
      const paired = await this.devices.pair((body as { code?: unknown } | undefined)?.code, req.ip);
      res.setHeader('Cache-Control', 'no-store');
      return { ...paired, home: DEVICE_HOME[paired.kind] };
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      // The device's screen shows this text: German, or English when the client asks for it.
      const body = { ...domainErrorBody(err), message: domainErrorMessage(err.code, apiLocale(req)) ?? err.message };
      if (err.code === 'DEVICE_PAIR_LIMITED') res.setHeader('Retry-After', '300');
      throw new HttpException(body, body.statusCode);
    }
  }

  @Get(':slug/geraet/koppeln')
  @ApiExcludeEndpoint()
  @UseFilters(PortalExceptionFilter)
  async pairPage(@Req() req: Request, @Res() res: Response): Promise<void> {
    const p = await this.pages.request(req, res);
    this.pages.render(res, p, 'pair', { slug: p.tenant.slug, homes: JSON.stringify(DEVICE_HOME) }, { title: 'pair.title' });
  }
}
