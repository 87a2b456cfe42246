import { Controller, Get, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { StaffAuthGuard, type StaffRequest } from '../../../apps/server/src/auth/staff-auth.guard.js';
import { CatalogService } from '../../../apps/server/src/catalog/catalog.service.js';
import { Clock } from '../../../apps/server/src/common/clock.js';
import { DomainError } from '../../../apps/server/src/common/domain-error.js';
import { httpStatusOf } from '../../../apps/server/src/common/domain-error.filter.js';
import { RequiresPlugin } from '../../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { FormBody } from '../../../apps/server/src/web/form-body.decorator.js';
import { queryList, queryString, type FieldErrors } from '../../../apps/server/src/web/form-query.js';
import { readCookie } from '../../../apps/server/src/web/locale.js';
import type { PortalRequest } from '../../../apps/server/src/web/page-frame.service.js';
import { PortalExceptionFilter } from '../../../apps/server/src/web/portal-exception.filter.js';
import { queueManifest } from '../queue.manifest.js';
import { QueueService, type QueueActor } from '../queue.service.js';
import type { CounterBoard, TicketView, TransferTarget } from '../queue.types.js';
import { counterView, locationServices, type ViewContext } from './board-view.js';
import { WorkplaceChoicesService } from './workplace-choices.service.js';
import { liveEtag, notModified } from './live-page.js';
import { QueueWorkplacePages } from './workplace-pages.service.js';

type Form = Record<string, unknown>;

/** The flash messages after an action (POST–redirect–GET), by the `erledigt` query value. */
const DONE = new Set([
  'geoeffnet',
  'pause',
  'weiter',
  'aufgerufen',
  'erneut',
  'begonnen',
  'abgeschlossen',
  'nicht-erschienen',
  'geparkt',
  'weitergeleitet',
  'zurueckgeholt',
  'wartemarke',
  'eingecheckt',
  'niemand',
]);
const NUMBER = /^[A-Z]{0,3}\d{1,4}$/;
/** The browser's last choice of location, counter and services (a convenience, checked on use). */
const CHOICE_COOKIE = 'amtszeit.schalter';

/**
 * The counter workplace (`/<slug>/schalter`): first the choice of location, counter and services,
 * then the clerk's current visitor, the waiting list, today's appointments and the parked tickets.
 * Every action is a form POST with the form token, then 303 back (without JavaScript too); a refusal
 * of the engine (someone else was faster, a recall too soon) shows the page again with its text.
 * The page answers its own poll with 304 while the board's version is unchanged (workplace.js).
 */
@ApiExcludeController()
@RequiresPlugin(queueManifest, { audience: 'staff' })
@UseGuards(StaffAuthGuard)
@UseFilters(PortalExceptionFilter)
@Controller(':slug/schalter')
export class CounterPagesController {
  constructor(
    private readonly pages: QueueWorkplacePages,
    private readonly queue: QueueService,
    private readonly choices: WorkplaceChoicesService,
    private readonly catalog: CatalogService,
    private readonly clock: Clock,
  ) {}

  @Get()
  async page(@Req() req: StaffRequest, @Res() res: Response, @Query() q: Form): Promise<void> {
    const actor = this.choices.actor(req.staffUser);
    const changing = queryString(q, 'wechseln') === '1';
    // The poll's 304 costs two key reads; the frame and the board are built only when something changed.
    const etag = liveEtag(req, res, await this.queue.boardTag(actor), this.clock.now());
    if (!changing && notModified(req, res, etag)) return;
    const p = await this.pages.staffRequest(req, res);
    const board = await this.queue.counterBoard(actor);
    if (!board.workplace || changing) return this.choose(req, res, p, board, queryString(q, 'standort'));
    const done = queryString(q, 'erledigt');
    const nr = queryString(q, 'nr');
    const message = done && DONE.has(done) ? p.t(`counter.done.${done}`, { number: nr && NUMBER.test(nr) ? nr : '' }) : null;
    await this.show(req, res, p, board, { done: message, etag });
  }

  @Post('oeffnen')
  async open(@Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    this.pages.checkStaffForm(req, body);
    const p = await this.pages.staffRequest(req, res);
    const locationId = queryString(body, 'standort') ?? '';
    const counterId = queryString(body, 'schalter') ?? '';
    const serviceIds = queryList(body, 'dienste');
    const errors: FieldErrors = {};
    if (!counterId) errors.schalter = 'counterChoice';
    if (!serviceIds.length) errors.dienste = 'servicesChoice';
    if (Object.keys(errors).length) {
      return this.choose(req, res, p, await this.queue.counterBoard(this.choices.actor(req.staffUser)), locationId, { errors, counterId, serviceIds });
    }
    try {
      await this.queue.openWorkplace(this.choices.actor(req.staffUser), { locationId, counterId, serviceIds });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return this.choose(req, res, p, await this.queue.counterBoard(this.choices.actor(req.staffUser)), locationId, {
        refusal: p.t(`errors.code.${err.code}`),
        status: httpStatusOf(err),
        counterId,
        serviceIds,
      });
    }
    const path = `${p.base}/schalter`;
    res.cookie(CHOICE_COOKIE, [locationId, counterId, serviceIds.join(',')].join('|'), {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      path,
      maxAge: 365 * 24 * 3600 * 1000,
    });
    res.redirect(303, `${path}?erledigt=geoeffnet`);
  }

  @Post('pause')
  pause(@Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    return this.act(req, res, body, async (a) => {
      await this.queue.pauseWorkplace(a);
      return { done: 'pause' };
    });
  }

  @Post('weiter')
  resume(@Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    return this.act(req, res, body, async (a) => {
      await this.queue.resumeWorkplace(a);
      return { done: 'weiter' };
    });
  }

  @Post('schliessen')
  async close(@Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    return this.act(req, res, body, async (a) => {
      await this.queue.closeWorkplace(a);
      return { done: null };
    });
  }

  @Post('naechster')
  next(@Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    return this.act(req, res, body, async (a) => {
      const called = await this.queue.callNext(a);
      return called ? { done: 'aufgerufen', ticket: called } : { done: 'niemand' };
    });
  }

  @Post('aufrufen')
  call(@Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    return this.act(req, res, body, async (a) => ({ done: 'aufgerufen', ticket: await this.queue.callTicket(a, ticketOf(body)) }));
  }

  @Post('erneut')
  recall(@Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    return this.act(req, res, body, async (a) => {
      const ticket = await this.queue.recall(a, ticketOf(body));
      // The call after the last one makes the visitor a no-show.
      return { done: ticket.status === 'no-show' ? 'nicht-erschienen' : 'erneut', ticket };
    });
  }

  @Post('beginnen')
  begin(@Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    return this.act(req, res, body, async (a) => ({ done: 'begonnen', ticket: await this.queue.start(a, ticketOf(body)) }));
  }

  @Post('abschliessen')
  finish(@Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    return this.act(req, res, body, async (a) => ({
      done: 'abgeschlossen',
      ticket: await this.queue.finish(a, ticketOf(body), queryList(body, 'erbracht')),
    }));
  }

  @Post('nicht-erschienen')
  noShow(@Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    return this.act(req, res, body, async (a) => ({ done: 'nicht-erschienen', ticket: await this.queue.noShow(a, ticketOf(body)) }));
  }

  @Post('parken')
  park(@Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    return this.act(req, res, body, async (a) => ({ done: 'geparkt', ticket: await this.queue.park(a, ticketOf(body)) }));
  }

  @Post('zurueckholen')
  restore(@Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    return this.act(req, res, body, async (a) => ({ done: 'zurueckgeholt', ticket: await this.queue.restore(a, ticketOf(body)) }));
  }

  @Post('weiterleiten')
  transfer(@Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    const service = queryString(body, 'zielDienst');
    const target: TransferTarget = {
      counterId: queryString(body, 'zielSchalter') || null,
      serviceIds: service ? [service] : undefined,
      locationId: queryString(body, 'zielStandort') || undefined,
      position: queryString(body, 'platz') === 'end' ? 'end' : 'keep',
    };
    if (!target.counterId && !target.serviceIds && !target.locationId) return this.invalid(req, res, body, { refusal: 'errors.transferTarget' });
    return this.act(req, res, body, async (a) => {
      const ticketId = ticketOf(body);
      const before = (await this.queue.counterBoard(a)).workplace?.current;
      await this.queue.transfer(a, ticketId, target);
      return { done: 'weitergeleitet', ticket: before?.id === ticketId ? before : undefined };
    });
  }

  @Post('wartemarke')
  async issue(@Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    const serviceIds = queryList(body, 'dienste');
    if (!serviceIds.length) return this.invalid(req, res, body, { errors: { wartemarke: 'issueServices' } });
    return this.act(req, res, body, async (a, board) => ({
      done: 'wartemarke',
      ticket: await this.queue.issueWalkIn(
        { locationId: board.workplace!.locationId, serviceIds, priority: queryString(body, 'dringend') === '1' ? 1 : 0, source: 'staff' },
        a,
      ),
    }));
  }

  @Post('einchecken')
  checkIn(@Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    // The workplace's location: another location's appointment is refused by the engine.
    return this.act(req, res, body, async (a, board) => ({
      done: 'eingecheckt',
      ticket: await this.queue.checkIn({ bookingId: queryString(body, 'termin') ?? '', locationId: board.workplace!.locationId, source: 'staff' }, a),
    }));
  }

  /**
   * One action: the form token first, then the engine; 303 back to the page with what happened,
   * or the page again with the refusal's text (the engine's domain error, e.g. already called).
   */
  private async act(
    req: StaffRequest,
    res: Response,
    body: Form,
    run: (actor: QueueActor, board: CounterBoard) => Promise<{ done: string | null; ticket?: TicketView }>,
  ): Promise<void> {
    this.pages.checkStaffForm(req, body);
    const p = await this.pages.staffRequest(req, res);
    const board = await this.queue.counterBoard(this.choices.actor(req.staffUser));
    if (!board.workplace) return this.choose(req, res, p, board, undefined);
    try {
      const { done, ticket } = await run(this.choices.actor(req.staffUser), board);
      const query = done ? `?erledigt=${done}${ticket ? `&nr=${encodeURIComponent(ticket.number)}` : ''}` : '';
      res.redirect(303, `${p.base}/schalter${query}`);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await this.show(req, res, p, await this.queue.counterBoard(this.choices.actor(req.staffUser)), {
        refusal: p.t(`errors.code.${err.code}`),
        status: httpStatusOf(err),
      });
    }
  }

  /** The page again (400) for a form the page itself refuses (nothing chosen), after the form token. */
  private async invalid(req: StaffRequest, res: Response, body: Form, o: { errors?: FieldErrors; refusal?: string }): Promise<void> {
    this.pages.checkStaffForm(req, body);
    const p = await this.pages.staffRequest(req, res);
    const board = await this.queue.counterBoard(this.choices.actor(req.staffUser));
    await this.show(req, res, p, board, { errors: o.errors, refusal: o.refusal && p.t(o.refusal), status: 400 });
  }

  private async context(p: PortalRequest): Promise<ViewContext> {
    return { t: p.t, locale: p.locale, catalog: await this.catalog.snapshot() };
  }

  private async show(
    req: StaffRequest,
    res: Response,
    p: PortalRequest,
    board: CounterBoard,
    o: { done?: string | null; refusal?: string; errors?: FieldErrors; status?: number; etag?: string },
  ): Promise<void> {
    if (!board.workplace) return this.choose(req, res, p, board, undefined);
    const c = await this.context(p);
    const locations = await this.choices.locations(req.staffUser);
    const counters = await this.choices.counters(board.workplace.locationId);
    const action = `${p.base}/schalter`;
    const etag = o.etag ?? liveEtag(req, res, await this.queue.boardTag(this.choices.actor(req.staffUser)), this.clock.now());
    res.setHeader('ETag', etag);
    this.pages.render(
      res,
      p,
      'counter',
      { ...counterView(c, board, { counters, locations }), action, pollUrl: action, etag, done: o.done ?? null, refusal: o.refusal ?? null },
      { title: 'counter.title', status: o.status, errors: o.errors, switchUrl: action },
    );
  }

  /** The choice of location, counter and services: the current or the remembered one preselected. */
  private async choose(
    req: StaffRequest,
    res: Response,
    p: PortalRequest,
    board: CounterBoard,
    asked: string | undefined,
    o: { errors?: FieldErrors; refusal?: string; status?: number; counterId?: string; serviceIds?: string[] } = {},
  ): Promise<void> {
    const c = await this.context(p);
    const locations = await this.choices.locations(req.staffUser);
    const [lastLocation, lastCounter, lastServices] = (readCookie(req, CHOICE_COOKIE) ?? '').split('|');
    const w = board.workplace;
    const location = locations.find((l) => l.id === asked) ?? locations.find((l) => l.id === (w?.locationId ?? lastLocation)) ?? locations[0];
    const action = `${p.base}/schalter`;
    if (!location) {
      return this.pages.render(res, p, 'counter-choose', { noLocation: true, action }, { title: 'counter.chooseTitle', switchUrl: action });
    }
    const sameAsLast = location.id === (w?.locationId ?? lastLocation);
    const counterId = o.counterId ?? (sameAsLast ? (w?.counterId ?? lastCounter) : undefined);
    const serviceIds = o.serviceIds ?? (sameAsLast ? (w?.serviceIds ?? lastServices?.split(',')) : undefined);
    const counters = (await this.choices.counters(location.id)).map((x) => ({ ...x, selected: x.id === counterId }));
    const services = locationServices(c, location.id).map((s) => ({ ...s, checked: serviceIds ? serviceIds.includes(s.id) : true }));
    this.pages.render(
      res,
      p,
      'counter-choose',
      { locations, location, singleLocation: locations.length === 1, counters, services, action, refusal: o.refusal ?? null },
      { title: 'counter.chooseTitle', status: o.status ?? (o.errors ? 400 : 200), errors: o.errors, switchUrl: action },
    );
  }
}

function ticketOf(body: Form): string {
  return queryString(body, 'ticket') ?? '';
}
