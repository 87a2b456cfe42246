import { Controller, Get, HttpException, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CatalogService } from '../../../apps/server/src/catalog/catalog.service.js';
import { Clock } from '../../../apps/server/src/common/clock.js';
import { DomainError } from '../../../apps/server/src/common/domain-error.js';
import { httpStatusOf } from '../../../apps/server/src/common/domain-error.filter.js';
import { addDays, localDate } from '../../../apps/server/src/common/local-time.js';
import { PluginHostService } from '../../../apps/server/src/plugin-host/plugin-host.service.js';
import { RequiresPlugin } from '../../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { FormBody } from '../../../apps/server/src/web/form-body.decorator.js';
import { queryString, type FieldErrors } from '../../../apps/server/src/web/form-query.js';
import type { PortalRequest } from '../../../apps/server/src/web/page-frame.service.js';
import { PortalExceptionFilter } from '../../../apps/server/src/web/portal-exception.filter.js';
import { AvailabilityService } from '../availability.service.js';
import { BookingService, type BookingView } from '../booking.service.js';
import { MAX_HORIZON_DAYS } from '../release.service.js';
import { PortalPages } from './portal-pages.service.js';
import { bookingManifest } from '../booking.manifest.js';
import { KIOSK_CHECK_IN } from '../booking-mail.service.js';
import { feeSummary } from '../fees.js';

type Query = Record<string, unknown>;

const DONE = new Set(['confirmed', 'cancelled', 'rebooked']);

/**
 * The pages behind the links in a booking's mails. A GET only shows (mail scanners follow links);
 * every change is a button whose form POSTs, followed by a redirect to the manage page.
 */
@ApiExcludeController()
@RequiresPlugin(bookingManifest)
@UseFilters(PortalExceptionFilter)
@Controller(':slug/buchung/:reference')
export class AppointmentController {
  constructor(
    private readonly pages: PortalPages,
    private readonly bookings: BookingService,
    private readonly availability: AvailabilityService,
    private readonly catalog: CatalogService,
    private readonly plugins: PluginHostService,
    private readonly clock: Clock,
  ) {}

  /** Manage page: details with checklist; cancel, rebook, calendar file. */
  @Get()
  async manage(@Req() req: Request, @Res() res: Response, @Param('reference') reference: string, @Query() q: Query): Promise<void> {
    const p = await this.pages.request(req, res);
    const token = this.token(q);
    const booking = await this.bookings.get(reference, token);
    const done = queryString(q, 'erledigt');
    this.pages.render(res, p, 'manage', await this.view(p, booking, token, { done: done && DONE.has(done) ? done : null }), { title: 'manage.title' });
  }

  @Get('bestaetigen')
  async confirmPage(@Req() req: Request, @Res() res: Response, @Param('reference') reference: string, @Query() q: Query): Promise<void> {
    const p = await this.pages.request(req, res);
    const token = this.token(q);
    const booking = await this.bookings.get(reference, token);
    this.pages.render(res, p, 'confirm', await this.view(p, booking, token), { title: 'confirm.title' });
  }

  @Post('bestaetigen')
  async confirm(@Req() req: Request, @Res() res: Response, @Param('reference') reference: string, @FormBody() body: Query): Promise<void> {
    const p = await this.pages.request(req, res);
    const token = this.token(body);
    await this.bookings.confirm(reference, token);
    this.redirectToManage(res, p, reference, token, 'confirmed');
  }

  @Get('stornieren')
  async cancelPage(@Req() req: Request, @Res() res: Response, @Param('reference') reference: string, @Query() q: Query): Promise<void> {
    const p = await this.pages.request(req, res);
    const token = this.token(q);
    const booking = await this.bookings.get(reference, token);
    this.pages.render(res, p, 'cancel', await this.view(p, booking, token), { title: 'cancel.title' });
  }

  @Post('stornieren')
  async cancel(@Req() req: Request, @Res() res: Response, @Param('reference') reference: string, @FormBody() body: Query): Promise<void> {
    const p = await this.pages.request(req, res);
    const token = this.token(body);
    await this.bookings.cancel(reference, token);
    this.redirectToManage(res, p, reference, token, 'cancelled');
  }

  /** Rebooking: days at the locations that offer the booked services, then the times of one day. */
  @Get('verschieben')
  async rebookPage(@Req() req: Request, @Res() res: Response, @Param('reference') reference: string, @Query() q: Query): Promise<void> {
    const p = await this.pages.request(req, res);
    const token = this.token(q);
    const booking = await this.bookings.get(reference, token);
    const [date, locationId] = (queryString(q, 'tag') ?? '').split('_');
    await this.renderRebook(res, p, booking, token, date && locationId ? { date, locationId } : null, {}, 200);
  }

  @Post('verschieben')
  async rebook(@Req() req: Request, @Res() res: Response, @Param('reference') reference: string, @FormBody() body: Query): Promise<void> {
    const p = await this.pages.request(req, res);
    const token = this.token(body);
    const locationId = queryString(body, 'location') ?? '';
    const start = queryString(body, 'start') ?? '';
    const booking = await this.bookings.get(reference, token);
    if (!start) return this.renderRebook(res, p, booking, token, { date: queryString(body, 'date') ?? '', locationId }, { start: 'time.required' }, 400);
    try {
      await this.bookings.rebook(reference, token, { locationId, start });
    } catch (err) {
      const again = { date: start.slice(0, 10), locationId };
      if (err instanceof DomainError) return this.renderRebook(res, p, booking, token, again, { start: `code.${err.code}` }, httpStatusOf(err));
      if (err instanceof HttpException && err.getStatus() === 400) return this.renderRebook(res, p, booking, token, again, { start: 'booking.rejected' }, 400);
      throw err;
    }
    this.redirectToManage(res, p, reference, token, 'rebooked');
  }

  @Get('termin.ics')
  async ics(@Res() res: Response, @Param('reference') reference: string, @Query() q: Query): Promise<void> {
    const ics = await this.bookings.icsFor(reference, this.token(q));
    res
      .status(200)
      .set({
        'Content-Type': 'text/calendar; charset=utf-8',
        'Content-Disposition': `attachment; filename="termin-${reference.replace(/[^A-Za-z0-9-]/g, '')}.ics"`,
        'Cache-Control': 'no-store',
      })
      .send(ics);
  }

  private async renderRebook(
    res: Response,
    p: PortalRequest,
    booking: BookingView,
    token: string,
    day: { date: string; locationId: string } | null,
    errors: FieldErrors,
    status: number,
  ): Promise<void> {
    const services = booking.services.map((s) => ({ serviceId: s.serviceId, quantity: s.quantity }));
    const today = localDate(this.clock.now(), p.tenant.timeZone);
    const found = day
      ? await this.availability.find({ services, locationIds: [day.locationId], from: day.date, to: day.date, channel: 'online' })
      : await this.availability.find({ services, from: today, to: addDays(today, MAX_HORIZON_DAYS - 1), channel: 'online' });
    const manageUrl = this.manageUrl(p, booking.reference, token);
    const rebookUrl = `${p.base}/buchung/${encodeURIComponent(booking.reference)}/verschieben?token=${encodeURIComponent(token)}`;
    const names = new Map((await this.catalog.locations()).map((l) => [l.id, l.name]));
    const days = found.days.map((d) => ({ ...d, value: `${d.date}_${d.locationId}`, count: d.starts.length, location: names.get(d.locationId) ?? '' }));
    const starts = day ? (days.find((d) => d.date === day.date && d.locationId === day.locationId)?.starts ?? []) : [];
    this.pages.render(
      res,
      p,
      'rebook',
      { ...(await this.view(p, booking, token)), day, days, starts, back: day ? rebookUrl : manageUrl, rebookUrl },
      { title: 'rebook.title', errors, status, switchUrl: day ? `${rebookUrl}&tag=${day.date}_${day.locationId}` : rebookUrl },
    );
  }

  private async view(p: PortalRequest, booking: BookingView, token: string, extra: Record<string, unknown> = {}) {
    const en = p.locale === 'en';
    const [settings, terminal] = await Promise.all([this.plugins.settings(bookingManifest), this.plugins.hasCapability(p.tenant.id, KIOSK_CHECK_IN)]);
    return {
      booking,
      token,
      // The check-in code is shown only where a terminal takes it.
      terminal,
      fees: feeSummary(booking.services, settings.paymentMethods, p.locale),
      services: booking.services.map((s) => ({
        ...s,
        label: en && s.nameEn ? s.nameEn : s.name,
        checklist: s.checklist.map((c) => (en && c.textEn ? c.textEn : c.text)),
      })),
      pending: booking.status === 'pending',
      confirmed: booking.status === 'confirmed',
      ended: booking.status === 'cancelled' || booking.status === 'expired',
      urls: {
        manage: this.manageUrl(p, booking.reference, token),
        confirm: this.actionUrl(p, booking.reference, 'bestaetigen'),
        cancel: this.actionUrl(p, booking.reference, 'stornieren'),
        rebook: this.actionUrl(p, booking.reference, 'verschieben'),
        cancelPage: `${this.actionUrl(p, booking.reference, 'stornieren')}?token=${encodeURIComponent(token)}`,
        confirmPage: `${this.actionUrl(p, booking.reference, 'bestaetigen')}?token=${encodeURIComponent(token)}`,
        rebookPage: `${this.actionUrl(p, booking.reference, 'verschieben')}?token=${encodeURIComponent(token)}`,
        ics: `${this.actionUrl(p, booking.reference, 'termin.ics')}?token=${encodeURIComponent(token)}`,
      },
      ...extra,
    };
  }

  private token(q: Query): string {
    return (queryString(q, 'token') ?? '').slice(0, 200);
  }

  private actionUrl(p: PortalRequest, reference: string, action: string): string {
    return `${p.base}/buchung/${encodeURIComponent(reference)}/${action}`;
  }

  private manageUrl(p: PortalRequest, reference: string, token: string): string {
    return `${p.base}/buchung/${encodeURIComponent(reference)}?token=${encodeURIComponent(token)}`;
  }

  private redirectToManage(res: Response, p: PortalRequest, reference: string, token: string, done: string): void {
    res.redirect(303, `${this.manageUrl(p, reference, token)}&erledigt=${done}`);
  }
}
