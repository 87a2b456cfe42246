import { randomUUID } from 'node:crypto';
import { Controller, Get, HttpException, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { canReceiveSms, normalisePhone } from '../../../apps/server/src/notifications/phone-number.js';
import { CatalogService, type PublicLocation, type PublicService } from '../../../apps/server/src/catalog/catalog.service.js';
import { Clock } from '../../../apps/server/src/common/clock.js';
import { DomainError, type DomainErrorCode } from '../../../apps/server/src/common/domain-error.js';
import { httpStatusOf } from '../../../apps/server/src/common/domain-error.filter.js';
import { IdempotencyInProgressException } from '../../../apps/server/src/idempotency/idempotency.service.js';
import { addDays, localDate } from '../../../apps/server/src/common/local-time.js';
import { PluginHostService } from '../../../apps/server/src/plugin-host/plugin-host.service.js';
import { RequiresPlugin } from '../../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { FormBody } from '../../../apps/server/src/web/form-body.decorator.js';
import { queryList, queryString, type FieldErrors } from '../../../apps/server/src/web/form-query.js';
import type { PortalRequest } from '../../../apps/server/src/web/page-frame.service.js';
import { PortalExceptionFilter } from '../../../apps/server/src/web/portal-exception.filter.js';
import { AvailabilityService } from '../availability.service.js';
import { BookingService, type BookingView, type CreateBookingInput } from '../booking.service.js';
import { BotProtectionService } from '../bot-protection.service.js';
import { MAX_HORIZON_DAYS } from '../release.service.js';
import { PortalPages } from './portal-pages.service.js';
import { formatServices, locationsOffering, parseServices, type ServiceChoice } from './selection.js';
import { bookingManifest } from '../booking.manifest.js';
import { feeSummary } from '../fees.js';

type Query = Record<string, unknown>;

/** Refusals of the chosen time: the citizen goes back to the times of that day. */
const TIME_CODES: DomainErrorCode[] = ['CAPACITY_GONE', 'SLOT_IN_PAST', 'SLOT_TOO_SOON', 'BEYOND_HORIZON', 'LOCATION_MISMATCH'];

/** How long a repeated submit waits for the first one (a booking takes well under a second). */
const IN_PROGRESS_WAIT_MS = 10_000;
const IN_PROGRESS_POLL_MS = 200;

const detailsSchema = z
  .object({
    name: z.string().trim().min(2, 'name.required').max(200, 'name.tooLong'),
    email: z.string().trim().max(254, 'email.invalid').pipe(z.email('email.invalid')),
    // Read as typed (German numbers without +49 too) and kept in E.164. Refusals show the core's
    // texts of the codes the API answers with (PHONE_*, see phone-number.ts).
    phone: z
      .string()
      .trim()
      .max(40, 'code.PHONE_INVALID')
      .optional()
      .transform((v, ctx) => {
        if (!v) return undefined;
        const phone = normalisePhone(v);
        if (!phone) ctx.addIssue({ code: 'custom', message: 'code.PHONE_INVALID' });
        return phone ?? undefined;
      }),
    sms: z.literal('yes').optional(),
    consent: z.literal('yes', { message: 'consent.required' }),
  })
  .superRefine((d, ctx) => {
    if (d.sms !== 'yes') return;
    if (!d.phone) ctx.addIssue({ code: 'custom', path: ['phone'], message: 'code.PHONE_REQUIRED' });
    else if (!canReceiveSms(d.phone)) ctx.addIssue({ code: 'custom', path: ['phone'], message: 'code.PHONE_NOT_MOBILE' });
  });

type Details = { name: string; email: string; phone: string; sms: boolean; consent: boolean };

/** A choice that survived validation, with everything the later steps show. */
interface Selection {
  choices: ServiceChoice[];
  services: Array<PublicService & { quantity: number; label: string }>;
  servicesParam: string;
  /** Locations that offer every chosen service. */
  offering: PublicLocation[];
  /** The ones the citizen ticked (all offering ones when none is ticked). */
  locationIds: string[];
  minutes: number;
  /** The total fee and the accepted payment methods; null when no chosen service has a fee. */
  fees: { total: number; methods: string } | null;
}

/**
 * The citizen's booking flow, server-rendered and usable without JavaScript: navigation steps are
 * GET forms that carry the choice in the query string; personal data only ever travels by POST,
 * and booking ends in a POST–redirect–GET.
 */
@ApiExcludeController()
@RequiresPlugin(bookingManifest)
@UseFilters(PortalExceptionFilter)
@Controller(':slug')
export class BookingFlowController {
  constructor(
    private readonly pages: PortalPages,
    private readonly catalog: CatalogService,
    private readonly availability: AvailabilityService,
    private readonly bookings: BookingService,
    private readonly plugins: PluginHostService,
    private readonly bots: BotProtectionService,
    private readonly clock: Clock,
  ) {}

  /** Step 1: services and quantities. */
  @Get()
  async start(@Req() req: Request, @Res() res: Response, @Query() q: Query): Promise<void> {
    const p = await this.pages.request(req, res);
    const catalog = await this.catalog.services();
    await this.renderServices(res, p, catalog, parseServices(q, catalog, await this.maxServices()).raw, {});
  }

  /** Step 2: locations offering every chosen service. */
  @Get('termin/standort')
  async locations(@Req() req: Request, @Res() res: Response, @Query() q: Query): Promise<void> {
    const p = await this.pages.request(req, res);
    const s = await this.selection(res, p, q);
    if (!s) return;
    this.pages.render(res, p, 'location', { s, back: `${p.base}/?services=${s.servicesParam}` }, { title: 'location.title', step: 2 });
  }

  /** Step 3: days with free times at the chosen locations. */
  @Get('termin/tag')
  async day(@Req() req: Request, @Res() res: Response, @Query() q: Query): Promise<void> {
    const p = await this.pages.request(req, res);
    const s = await this.selection(res, p, q);
    if (!s) return;
    const found = await this.availability.find({
      services: s.choices,
      locationIds: s.locationIds,
      from: this.today(p),
      to: this.lastDay(p),
      channel: 'online',
    });
    const days = found.days.map((d) => ({ ...d, value: `${d.date}_${d.locationId}`, location: this.locationName(s, d.locationId), count: d.starts.length }));
    // Other plugins' offers (e.g. a waitlist) when no time is free.
    const offers = days.length === 0 ? await this.pages.slot(p, 'offers.noFreeTime', { services: s.servicesParam }) : [];
    this.pages.render(
      res,
      p,
      'day',
      { s, days, offers, multipleLocations: s.locationIds.length > 1, back: `${p.base}/termin/standort?${this.stateQuery(s)}` },
      { title: days.length ? 'day.title' : 'day.noneTitle', step: 3 },
    );
  }

  /** Step 4: free times of one day at one location. */
  @Get('termin/uhrzeit')
  async time(@Req() req: Request, @Res() res: Response, @Query() q: Query): Promise<void> {
    const p = await this.pages.request(req, res);
    const s = await this.selection(res, p, q);
    if (!s) return;
    const [date, locationId] = (queryString(q, 'day') ?? '').split('_');
    if (!date || !locationId || !s.locationIds.includes(locationId)) {
      return this.redirect(res, `${p.base}/termin/tag?${this.stateQuery(s)}`);
    }
    await this.renderTimes(res, p, s, date, locationId, {}, 200);
  }

  /** Step 5: contact details and consent (the form POSTs: personal data stays out of URLs). */
  @Get('termin/angaben')
  async details(@Req() req: Request, @Res() res: Response, @Query() q: Query): Promise<void> {
    const step = await this.slotStep(req, res, q);
    if (!step) return;
    const { p, s, slot } = step;
    this.renderDetails(res, p, s, slot, { name: '', email: '', phone: '', sms: false, consent: false }, {}, 200);
  }

  /** Step 5 submitted: invalid input comes back with errors, valid input leads to the review. */
  @Post('termin/angaben')
  async submitDetails(@Req() req: Request, @Res() res: Response, @FormBody() body: Query): Promise<void> {
    const step = await this.slotStep(req, res, body);
    if (!step) return;
    const { p, s, slot } = step;
    const entered = this.entered(body);
    const parsed = detailsSchema.safeParse(body);
    if (!parsed.success) {
      const errors: FieldErrors = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
      return this.renderDetails(res, p, s, slot, entered, errors, 400);
    }
    await this.renderReview(res, p, s, slot, entered, {}, 200);
  }

  /** Step 6 submitted: book (or go back to edit), then redirect to "check your mail". */
  @Post('termin/buchen')
  async book(@Req() req: Request, @Res() res: Response, @FormBody() body: Query): Promise<void> {
    const step = await this.slotStep(req, res, body);
    if (!step) return;
    const { p, s, slot } = step;
    const entered = this.entered(body);
    const parsed = detailsSchema.safeParse(body);
    if (queryString(body, 'action') === 'edit' || !parsed.success) {
      return this.renderDetails(res, p, s, slot, entered, {}, 200);
    }
    const input = {
      services: s.choices,
      locationId: slot.locationId,
      start: slot.start,
      citizen: { name: parsed.data.name, email: parsed.data.email, phone: parsed.data.phone, sms: parsed.data.sms === 'yes' },
      consent: true as const,
      channel: 'online' as const,
      locale: p.locale,
      idempotencyKey: queryString(body, 'idempotencyKey'),
      altcha: queryString(body, 'altcha'),
      ip: req.ip,
    };
    try {
      const booking = await this.createOnce(input);
      const until = booking.holdUntil ? `&bis=${encodeURIComponent(booking.holdUntil)}` : '';
      return this.redirect(res, `${p.base}/termin/gesendet?ref=${encodeURIComponent(booking.reference)}${until}`);
    } catch (err) {
      if (err instanceof IdempotencyInProgressException) return this.renderReview(res, p, s, slot, entered, { form: 'booking.inProgress' }, 409);
      if (err instanceof DomainError) {
        // The frame's message for the code, on the step where the citizen can act on it.
        const message = `code.${err.code}`;
        const status = httpStatusOf(err);
        if (TIME_CODES.includes(err.code)) return this.renderTimes(res, p, s, slot.start.slice(0, 10), slot.locationId, { start: message }, status);
        if (err.kind === 'limited') return this.renderDetails(res, p, s, slot, entered, { form: message }, status);
        // A refusal (e.g. the missing spam-protection answer): the review again, with a fresh challenge.
        return this.renderReview(res, p, s, slot, entered, { form: message }, status);
      }
      // Refused input: the review again.
      if (err instanceof HttpException && err.getStatus() === 400) return this.renderReview(res, p, s, slot, entered, { form: 'booking.rejected' }, 400);
      throw err;
    }
  }

  /**
   * A second submit of the same review page (double click, reload) while the first still runs
   * waits for the first and answers as it did, instead of a bare "still in progress".
   */
  private async createOnce(input: CreateBookingInput): Promise<BookingView & { token: string }> {
    for (let waited = 0; ; waited += IN_PROGRESS_POLL_MS) {
      try {
        return await this.bookings.create(input);
      } catch (err) {
        if (!(err instanceof IdempotencyInProgressException) || waited >= IN_PROGRESS_WAIT_MS) throw err;
        await new Promise((r) => setTimeout(r, IN_PROGRESS_POLL_MS));
      }
    }
  }

  /** After the POST: "we sent you a mail, confirm within …". Shows no personal data. */
  @Get('termin/gesendet')
  async sent(@Req() req: Request, @Res() res: Response, @Query() q: Query): Promise<void> {
    const p = await this.pages.request(req, res);
    // Only something shaped like a reference is echoed, so the page cannot be made to say anything else.
    const ref = queryString(q, 'ref');
    const reference = ref && /^[A-Z0-9-]{4,20}$/.test(ref) ? ref : null;
    const until = queryString(q, 'bis');
    const holdUntil = until && !Number.isNaN(Date.parse(until)) ? until : null;
    this.pages.render(res, p, 'sent', { reference, holdUntil }, { title: 'sent.title' });
  }

  /** The proof-of-work challenge for the final form when the tenant's captcha is on, else null. */
  private async altchaChallenge(): Promise<string | null> {
    const settings = await this.plugins.settings(bookingManifest);
    return this.bots.enabled && settings.captcha ? JSON.stringify(await this.bots.challenge()) : null;
  }

  private async maxServices(): Promise<number> {
    return (await this.plugins.settings(bookingManifest)).maxServicesPerBooking;
  }

  /** Validates the choice carried by a step; on failure renders step 1 with the errors and returns null. */
  private async selection(res: Response, p: PortalRequest, q: Query): Promise<Selection | null> {
    const catalog = await this.catalog.services();
    const parsed = parseServices(q, catalog, await this.maxServices());
    const offeringIds = locationsOffering(parsed.choices, catalog);
    const errors = { ...parsed.errors };
    if (Object.keys(errors).length === 0 && offeringIds.length === 0) errors.services = 'services.noCommonLocation';
    if (Object.keys(errors).length) {
      await this.renderServices(res, p, catalog, parsed.raw, errors);
      return null;
    }
    const all = await this.catalog.locations();
    const offering = all.filter((l) => offeringIds.includes(l.id));
    const ticked = queryList(q, 'locations').filter((id) => offeringIds.includes(id));
    const services = parsed.choices.map((c) => {
      const service = catalog.find((x) => x.id === c.serviceId)!;
      return { ...service, quantity: c.quantity, label: p.locale === 'en' && service.nameEn ? service.nameEn : service.name };
    });
    return {
      choices: parsed.choices,
      services,
      servicesParam: formatServices(parsed.choices),
      offering,
      locationIds: ticked.length ? ticked : offering.map((l) => l.id),
      minutes: services.reduce((sum, x) => sum + x.durationMinutes * x.quantity, 0),
      fees: feeSummary(services, (await this.plugins.settings(bookingManifest)).paymentMethods, p.locale),
    };
  }

  private async renderServices(res: Response, p: PortalRequest, catalog: PublicService[], raw: Record<string, string>, errors: FieldErrors): Promise<void> {
    const services = catalog
      .filter((s) => s.onlineBookable && s.locations.length > 0)
      .map((s) => ({
        ...s,
        label: p.locale === 'en' && s.nameEn ? s.nameEn : s.name,
        field: `n_${s.id}`,
        value: raw[s.id] ?? '0',
      }));
    const status = Object.keys(errors).length ? 400 : 200;
    const offers = await this.pages.slot(p, 'offers.start');
    this.pages.render(
      res,
      p,
      'services',
      { services, maxServices: await this.maxServices(), offers },
      { title: 'services.title', step: 1, errors, status, indexable: true },
    );
  }

  private async renderTimes(
    res: Response,
    p: PortalRequest,
    s: Selection,
    date: string,
    locationId: string,
    errors: FieldErrors,
    status: number,
  ): Promise<void> {
    const found = await this.availability.find({ services: s.choices, locationIds: [locationId], from: date, to: date, channel: 'online' });
    const starts = found.days.find((d) => d.date === date && d.locationId === locationId)?.starts ?? [];
    this.pages.render(
      res,
      p,
      'time',
      { s, date, starts, location: this.locationOf(s, locationId), back: `${p.base}/termin/tag?${this.stateQuery(s)}` },
      {
        title: starts.length ? 'time.title' : 'time.noneTitle',
        step: 4,
        errors,
        status,
        switchUrl: `${p.base}/termin/uhrzeit?${this.stateQuery(s)}&day=${date}_${locationId}`,
      },
    );
  }

  private async renderReview(
    res: Response,
    p: PortalRequest,
    s: Selection,
    slot: { locationId: string; start: string },
    citizen: Details,
    errors: FieldErrors,
    status: number,
  ): Promise<void> {
    this.pages.render(
      res,
      p,
      'review',
      // A new idempotency key per review: a resubmit of this page books once, a new review may book again.
      { s, slot, citizen, idempotencyKey: randomUUID(), location: this.locationOf(s, slot.locationId), altcha: await this.altchaChallenge() },
      { title: 'review.title', step: 6, errors, status, switchUrl: this.detailsUrl(p, s, slot) },
    );
  }

  private renderDetails(
    res: Response,
    p: PortalRequest,
    s: Selection,
    slot: { locationId: string; start: string },
    citizen: Details,
    errors: FieldErrors,
    status: number,
  ): void {
    this.pages.render(
      res,
      p,
      'details',
      {
        s,
        slot,
        citizen,
        location: this.locationOf(s, slot.locationId),
        back: `${p.base}/termin/uhrzeit?${this.stateQuery(s)}&day=${slot.start.slice(0, 10)}_${slot.locationId}`,
      },
      { title: 'details.title', step: 5, errors, status, switchUrl: this.detailsUrl(p, s, slot) },
    );
  }

  private detailsUrl(p: PortalRequest, s: Selection, slot: { locationId: string; start: string }): string {
    return `${p.base}/termin/angaben?${this.stateQuery(s)}&location=${slot.locationId}&start=${encodeURIComponent(slot.start)}`;
  }

  private entered(body: Query): Details {
    return {
      name: (queryString(body, 'name') ?? '').slice(0, 200),
      email: (queryString(body, 'email') ?? '').slice(0, 254),
      phone: (queryString(body, 'phone') ?? '').slice(0, 40),
      sms: queryString(body, 'sms') === 'yes',
      consent: queryString(body, 'consent') === 'yes',
    };
  }

  /** The page, selection and chosen slot of a step after the time; without a valid slot, back to the days. */
  private async slotStep(
    req: Request,
    res: Response,
    q: Query,
  ): Promise<{ p: PortalRequest; s: Selection; slot: { locationId: string; start: string } } | null> {
    const p = await this.pages.request(req, res);
    const s = await this.selection(res, p, q);
    if (!s) return null;
    const slot = this.slotOf(s, q);
    if (!slot) {
      this.redirect(res, `${p.base}/termin/tag?${this.stateQuery(s)}`);
      return null;
    }
    return { p, s, slot };
  }

  /** The chosen slot: a location of the selection and a start that parses as ISO 8601 with offset. */
  private slotOf(s: Selection, q: Query): { locationId: string; start: string } | null {
    const locationId = queryString(q, 'location');
    const start = queryString(q, 'start');
    if (!locationId || !s.locationIds.includes(locationId) || !start) return null;
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)$/.test(start)) return null;
    return { locationId, start };
  }

  private stateQuery(s: Selection): string {
    const ticked = s.locationIds.length === s.offering.length ? '' : `&locations=${s.locationIds.join(',')}`;
    return `services=${s.servicesParam}${ticked}`;
  }

  private locationOf(s: Selection, id: string): PublicLocation | undefined {
    return s.offering.find((l) => l.id === id);
  }

  private locationName(s: Selection, id: string): string {
    return this.locationOf(s, id)?.name ?? '';
  }

  private today(p: PortalRequest): string {
    return localDate(this.clock.now(), p.tenant.timeZone);
  }

  private lastDay(p: PortalRequest): string {
    return addDays(this.today(p), MAX_HORIZON_DAYS - 1);
  }

  private redirect(res: Response, url: string): void {
    res.redirect(303, url);
  }
}
