import { Controller, ForbiddenException, Get, NotFoundException, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { StaffAuthGuard, type StaffRequest } from '../../../apps/server/src/auth/staff-auth.guard.js';
import { CatalogService } from '../../../apps/server/src/catalog/catalog.service.js';
import { Clock } from '../../../apps/server/src/common/clock.js';
import { RequiresPlugin } from '../../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { queryString } from '../../../apps/server/src/web/form-query.js';
import { PortalExceptionFilter } from '../../../apps/server/src/web/portal-exception.filter.js';
import { queueManifest } from '../queue.manifest.js';
import { QueueService } from '../queue.service.js';
import { presenceView } from './board-view.js';
import { WorkplaceChoicesService } from './workplace-choices.service.js';
import { liveEtag, notModified } from './live-page.js';
import { QueueWorkplacePages } from './workplace-pages.service.js';

/**
 * The supervisors' presence overview (`/<slug>/anwesenheit`): per location who waits (numbers, not
 * names) and who is at which counter in which state since when; it polls itself like the counter page.
 * Clerks get the 403 page (the engine refuses them too).
 */
@ApiExcludeController()
@RequiresPlugin(queueManifest, { audience: 'staff' })
@UseGuards(StaffAuthGuard)
@UseFilters(PortalExceptionFilter)
@Controller(':slug/anwesenheit')
export class PresencePagesController {
  constructor(
    private readonly pages: QueueWorkplacePages,
    private readonly queue: QueueService,
    private readonly choices: WorkplaceChoicesService,
    private readonly catalog: CatalogService,
    private readonly clock: Clock,
  ) {}

  @Get()
  async page(@Req() req: StaffRequest, @Res() res: Response, @Query() q: Record<string, unknown>): Promise<void> {
    if (req.staffUser.role === 'staff') throw new ForbiddenException();
    const actor = this.choices.actor(req.staffUser);
    const locations = await this.choices.locations(req.staffUser);
    // Without a choice: the location of the supervisor's own counter, if one is open.
    const asked = queryString(q, 'standort') ?? (await this.queue.counterBoard(actor)).workplace?.locationId;
    const location = locations.find((l) => l.id === asked) ?? locations[0];
    if (!location) throw new NotFoundException();
    // The poll's 304 costs one key read; the overview is built only when the location changed.
    const etag = liveEtag(req, res, `${location.id}-${await this.queue.locationVersion(location.id)}`, this.clock.now());
    if (notModified(req, res, etag)) return;
    const p = await this.pages.staffRequest(req, res);
    const view = await this.queue.presence(actor, location.id);
    const action = `${p.base}/anwesenheit`;
    const self = `${action}?standort=${location.id}`;
    res.setHeader('ETag', etag);
    this.pages.render(
      res,
      p,
      'presence',
      { ...presenceView({ t: p.t, locale: p.locale, catalog: await this.catalog.snapshot() }, view), locations, location, action, pollUrl: self, etag },
      { title: 'presence.title', switchUrl: self },
    );
  }
}
