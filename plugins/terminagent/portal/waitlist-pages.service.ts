import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { fromRoot } from '../../../apps/server/src/common/project-root.js';
import { Messages, type Params } from '../../../apps/server/src/web/i18n.js';
import { PortalPages, type PortalRequest, type RenderOptions } from '../../booking/portal/portal-pages.service.js';

const DIR = fromRoot('plugins/terminagent/portal');
/** The booking portal renders from its own views folder; the agent's pages sit beside it. */
const VIEW_PREFIX = '../../../terminagent/portal/views/';

/**
 * The agent's citizen pages in the booking portal's frame (layout, branding, language switch,
 * security headers): its views are rendered by the portal's renderer, its texts come first from
 * the agent's catalogue, then from the portal's (layout, errors).
 */
@Injectable()
export class WaitlistPages {
  private readonly messages = new Messages(`${DIR}/i18n`);

  constructor(private readonly portal: PortalPages) {}

  async request(req: Request, res: Response): Promise<PortalRequest> {
    const p = await this.portal.request(req, res);
    const own = new Set(this.messages.keys(p.locale));
    const mine = this.messages.translator(p.locale);
    const portal = p.t;
    return { ...p, t: (key: string, params?: Params) => (own.has(key) || own.has(`${key}.other`) ? mine(key, params) : portal(key, params)) };
  }

  render(res: Response, p: PortalRequest, view: string, data: Record<string, unknown>, options: RenderOptions): void {
    this.portal.render(res, p, `${VIEW_PREFIX}${view}`, data, options);
  }
}
