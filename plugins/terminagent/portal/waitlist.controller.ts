import { Controller, Get, HttpException, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { CatalogService } from '../../../apps/server/src/catalog/catalog.service.js';
import { Clock } from '../../../apps/server/src/common/clock.js';
import { DomainError } from '../../../apps/server/src/common/domain-error.js';
import { httpStatusOf } from '../../../apps/server/src/common/domain-error.filter.js';
import { addDays, isIsoDate, localDate } from '../../../apps/server/src/common/local-time.js';
import { PluginHostService } from '../../../apps/server/src/plugin-host/plugin-host.service.js';
import { RequiresPlugin } from '../../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { FormBody } from '../../../apps/server/src/web/form-body.decorator.js';
import { queryList, queryString, type FieldErrors } from '../../../apps/server/src/web/form-query.js';
import type { PortalRequest } from '../../../apps/server/src/web/page-frame.service.js';
import { PortalExceptionFilter } from '../../../apps/server/src/web/portal-exception.filter.js';
import { OfferService, type OfferView } from '../offer.service.js';
import { WishService, type WishView } from '../wish.service.js';
import { WaitlistPages } from './waitlist-pages.service.js';
import { terminagentManifest } from '../terminagent.manifest.js';

type Form = Record<string, unknown>;

/** Weekdays offered in the form (town halls are closed on Sundays). */
const WEEKDAYS = [1, 2, 3, 4, 5, 6];
const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * The citizen's waitlist pages: the wish form, and the pages behind the mail links (confirm,
 * status, withdraw, the offer with accept and decline). A GET only shows; every change is a
 * button whose form POSTs, followed by a redirect (mail scanners follow links).
 */
@ApiExcludeController()
@RequiresPlugin(terminagentManifest)
@UseFilters(PortalExceptionFilter)
@Controller(':slug')
export class WaitlistController {
  constructor(
    private readonly pages: WaitlistPages,
    private readonly wishes: WishService,
    private readonly offers: OfferService,
    private readonly catalog: CatalogService,
    private readonly host: PluginHostService,
    private readonly clock: Clock,
  ) {}

  @Get('warteliste')
  async form(@Req() req: Request, @Res() res: Response, @Query() q: Form): Promise<void> {
    const p = await this.pages.request(req, res);
    const quantities = Object.fromEntries(
      queryList(q, 'services')
        .map((e) => e.split(':'))
        .map(([id, n]) => [`n_${id}`, n ?? '1']),
    );
    const settings = await this.host.settings(terminagentManifest);
    const today = localDate(this.clock.now(), p.tenant.timeZone);
    await this.renderForm(res, p, { ...quantities, earliest: addDays(today, 1), latest: addDays(today, Math.min(settings.wishLifetimeDays, 60)) }, {}, 200);
  }

  @Post('warteliste')
  async submit(@Req() req: Request, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    const p = await this.pages.request(req, res);
    const { input, errors } = await this.parse(body);
    if (!input) return this.renderForm(res, p, body, errors, 400);
    try {
      await this.wishes.create({ ...input, locale: p.locale });
    } catch (err) {
      // A refused phone number belongs to its field; other refusals to the whole form.
      if (err instanceof DomainError)
        return this.renderForm(res, p, body, { [err.code.startsWith('PHONE_') ? 'phone' : 'form']: `code.${err.code}` }, httpStatusOf(err));
      if (err instanceof HttpException && err.getStatus() === 400) return this.renderForm(res, p, body, { form: 'wlRejected' }, 400);
      throw err;
    }
    this.pages.render(res, p, 'sent', { email: input.citizen.email }, { title: 'wl.sentTitle', switchUrl: `${p.base}/warteliste` });
  }

  @Get('warteliste/:id')
  async status(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Query() q: Form): Promise<void> {
    const p = await this.pages.request(req, res);
    const token = this.token(q);
    const wish = await this.wishes.get(id, token);
    const done = queryString(q, 'erledigt');
    this.pages.render(
      res,
      p,
      'wish-page',
      { ...this.wishView(p, wish, token), mode: 'status', done: done === 'confirmed' || done === 'withdrawn' ? done : null },
      { title: 'wl.statusTitle' },
    );
  }

  @Get('warteliste/:id/bestaetigen')
  async confirmPage(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Query() q: Form): Promise<void> {
    const p = await this.pages.request(req, res);
    const token = this.token(q);
    const wish = await this.wishes.get(id, token);
    if (wish.status !== 'unconfirmed') return res.redirect(303, this.wishUrl(p, id, token));
    this.pages.render(res, p, 'wish-page', { ...this.wishView(p, wish, token), mode: 'confirm' }, { title: 'wl.confirmTitle' });
  }

  @Post('warteliste/:id/bestaetigen')
  async confirm(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @FormBody() body: Form): Promise<void> {
    const p = await this.pages.request(req, res);
    const token = this.token(body);
    await this.wishes.confirm(id, token);
    res.redirect(303, `${this.wishUrl(p, id, token)}&erledigt=confirmed`);
  }

  @Get('warteliste/:id/zuruecknehmen')
  async withdrawPage(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Query() q: Form): Promise<void> {
    const p = await this.pages.request(req, res);
    const token = this.token(q);
    const wish = await this.wishes.get(id, token);
    this.pages.render(res, p, 'wish-page', { ...this.wishView(p, wish, token), mode: 'withdraw' }, { title: 'wl.withdrawTitle' });
  }

  @Post('warteliste/:id/zuruecknehmen')
  async withdraw(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @FormBody() body: Form): Promise<void> {
    const p = await this.pages.request(req, res);
    const token = this.token(body);
    await this.wishes.withdraw(id, token);
    res.redirect(303, `${this.wishUrl(p, id, token)}&erledigt=withdrawn`);
  }

  @Get('terminvorschlag/:id')
  async offer(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Query() q: Form): Promise<void> {
    const p = await this.pages.request(req, res);
    const token = this.token(q);
    this.renderOffer(res, p, await this.offers.get(id, token), token, {}, 200);
  }

  @Post('terminvorschlag/:id/annehmen')
  async accept(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @FormBody() body: Form): Promise<void> {
    const p = await this.pages.request(req, res);
    const token = this.token(body);
    await this.answer(res, p, id, token, () => this.offers.accept(id, token, queryString(body, 'proposal') ?? ''));
  }

  @Post('terminvorschlag/:id/ablehnen')
  async decline(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @FormBody() body: Form): Promise<void> {
    const p = await this.pages.request(req, res);
    const token = this.token(body);
    await this.answer(res, p, id, token, () => this.offers.decline(id, token));
  }

  /** An answer that came too late (or twice) shows the offer's state with a notice, not an error page. */
  private async answer(res: Response, p: PortalRequest, id: string, token: string, fn: () => Promise<OfferView>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      if (err instanceof DomainError) return this.renderOffer(res, p, await this.offers.get(id, token), token, { form: `code.${err.code}` }, httpStatusOf(err));
      throw err;
    }
    res.redirect(303, this.offerUrl(p, id, token));
  }

  private renderOffer(res: Response, p: PortalRequest, offer: OfferView, token: string, errors: FieldErrors, status: number): void {
    const en = p.locale === 'en';
    this.pages.render(
      res,
      p,
      'offer',
      {
        offer,
        token,
        open: offer.status === 'open',
        accepted: offer.status === 'accepted',
        several: offer.proposals.length > 1,
        services: offer.services.map((s) => ({ quantity: s.quantity, label: en && s.nameEn ? s.nameEn : s.name })),
        urls: {
          accept: `${p.base}/terminvorschlag/${encodeURIComponent(offer.id)}/annehmen`,
          decline: `${p.base}/terminvorschlag/${encodeURIComponent(offer.id)}/ablehnen`,
        },
      },
      { title: 'offer.title', errors, status, switchUrl: this.offerUrl(p, offer.id, token) },
    );
  }

  private async renderForm(res: Response, p: PortalRequest, values: Form, errors: FieldErrors, status: number): Promise<void> {
    const en = p.locale === 'en';
    const [services, locations] = await Promise.all([this.catalog.services(), this.catalog.locations()]);
    const chosenLocations = queryList(values, 'loc');
    this.pages.render(
      res,
      p,
      'wish',
      {
        services: services
          .filter((s) => s.onlineBookable)
          .map((s) => ({
            field: `n_${s.id}`,
            label: en && s.nameEn ? s.nameEn : s.name,
            maxQuantity: s.maxQuantity,
            value: queryString(values, `n_${s.id}`) ?? '',
          })),
        locations: locations.map((l) => ({ id: l.id, name: l.name, checked: chosenLocations.includes(l.id) })),
        weekdays: WEEKDAYS.map((d) => ({
          day: d,
          checked: queryString(values, `day_${d}`) === 'on',
          from: queryString(values, `from_${d}`) ?? '08:00',
          to: queryString(values, `to_${d}`) ?? '18:00',
        })),
        earliest: queryString(values, 'earliest') ?? '',
        latest: queryString(values, 'latest') ?? '',
        citizen: {
          name: queryString(values, 'name') ?? '',
          email: queryString(values, 'email') ?? '',
          phone: queryString(values, 'phone') ?? '',
          consent: queryString(values, 'consent') === 'yes',
        },
      },
      { title: 'wl.title', errors, status, switchUrl: `${p.base}/warteliste` },
    );
  }

  /** The form as the service's input; field errors are message keys. */
  private async parse(body: Form) {
    const errors: FieldErrors = {};
    const services = Object.entries(body)
      .filter(([k]) => k.startsWith('n_'))
      .map(([k, v]) => ({ serviceId: k.slice(2), quantity: Number(Array.isArray(v) ? v[0] : v) }))
      .filter((s) => Number.isInteger(s.quantity) && s.quantity > 0);
    if (services.length === 0) errors.services = 'wlServices';
    const locationIds = queryList(body, 'loc');
    if (locationIds.length === 0) errors.locations = 'wlLocations';
    const windows = WEEKDAYS.filter((d) => queryString(body, `day_${d}`) === 'on').map((d) => ({
      weekday: d,
      from: queryString(body, `from_${d}`) ?? '',
      to: queryString(body, `to_${d}`) ?? '',
    }));
    if (windows.length === 0 || windows.some((w) => !hhmm.test(w.from) || !hhmm.test(w.to) || w.from >= w.to)) errors.weekdays = 'wlWeekdays';
    const earliestDate = queryString(body, 'earliest') ?? '';
    const latestDate = queryString(body, 'latest') ?? '';
    if (!isIsoDate(earliestDate) || !isIsoDate(latestDate) || earliestDate > latestDate) errors.earliest = 'wlDates';
    const name = (queryString(body, 'name') ?? '').trim();
    if (name.length < 2 || name.length > 200) errors.name = 'wlName';
    const email = (queryString(body, 'email') ?? '').trim();
    if (!z.email().max(254).safeParse(email).success) errors.email = 'wlEmail';
    const phone = (queryString(body, 'phone') ?? '').trim();
    if (queryString(body, 'consent') !== 'yes') errors.consent = 'wlConsent';
    if (Object.keys(errors).length) return { input: null, errors };
    return {
      input: {
        services,
        locationIds,
        windows,
        earliestDate,
        latestDate,
        citizen: { name, email, ...(phone ? { phone: phone.slice(0, 50) } : {}) },
        consent: true as const,
      },
      errors,
    };
  }

  private wishView(p: PortalRequest, wish: WishView, token: string) {
    const en = p.locale === 'en';
    return {
      wish,
      token,
      services: wish.services.map((s) => ({ quantity: s.quantity, label: en && s.nameEn ? s.nameEn : s.name })),
      windows: wish.windows.map((w) => p.t('wl.window', { day: p.t(`wl.weekday.${w.weekday}`), from: w.from, to: w.to })),
      open: wish.status === 'unconfirmed' || wish.status === 'waiting' || wish.status === 'offered',
      urls: {
        confirm: `${p.base}/warteliste/${encodeURIComponent(wish.id)}/bestaetigen`,
        withdraw: `${p.base}/warteliste/${encodeURIComponent(wish.id)}/zuruecknehmen`,
        withdrawPage: `${p.base}/warteliste/${encodeURIComponent(wish.id)}/zuruecknehmen?token=${encodeURIComponent(token)}`,
        status: this.wishUrl(p, wish.id, token),
      },
    };
  }

  private token(q: Form): string {
    return (queryString(q, 'token') ?? '').slice(0, 200);
  }

  private wishUrl(p: PortalRequest, id: string, token: string): string {
    return `${p.base}/warteliste/${encodeURIComponent(id)}?token=${encodeURIComponent(token)}`;
  }

  private offerUrl(p: PortalRequest, id: string, token: string): string {
    return `${p.base}/terminvorschlag/${encodeURIComponent(id)}?token=${encodeURIComponent(token)}`;
  }
}
