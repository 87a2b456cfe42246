import { Controller, Get, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { RequiresPlugin } from '../../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { PortalExceptionFilter } from '../../../apps/server/src/web/portal-exception.filter.js';
import { displayManifest } from '../display.manifest.js';
import { DisplayPages } from './display-pages.service.js';

/**
 * The full-screen page of a paired display. It is the same for every device and holds no calls:
 * its script reads the device's token from the browser and polls the state API, which answers for
 * the token's location only.
 */
@ApiExcludeController()
@RequiresPlugin(displayManifest)
@UseFilters(PortalExceptionFilter)
@Controller(':slug/anzeige')
export class DisplayPageController {
  constructor(private readonly pages: DisplayPages) {}

  @Get()
  async page(@Req() req: Request, @Res() res: Response): Promise<void> {
    const p = await this.pages.request(req, res);
    this.pages.render(
      res,
      p,
      'display',
      {
        api: `/api/v1/tenants/${encodeURIComponent(p.tenant.slug)}/display/state`,
        labels: this.pages.labels(),
        assetVersion: this.pages.assetVersion(),
        gongUrl: this.pages.gongUrl(),
        stylesheets: [this.pages.stylesheet()],
      },
      { title: 'display.title', layout: 'device' },
    );
  }
}
