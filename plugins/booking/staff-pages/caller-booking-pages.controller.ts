import { randomUUID } from 'node:crypto';
import { Controller, Get, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { StaffAuthGuard, type StaffRequest } from '../../../apps/server/src/auth/staff-auth.guard.js';
import { CatalogService, type PublicService } from '../../../apps/server/src/catalog/catalog.service.js';
import { isIsoDate } from '../../../apps/server/src/common/local-time.js';
import { phoneInputSchema } from '../../../apps/server/src/notifications/phone-number.js';
import { PluginHostService } from '../../../apps/server/src/plugin-host/plugin-host.service.js';
import { RequiresPlugin } from '../../../apps/server/src/plugin-host/requires-plugin.decorator.js';
import { FormBody } from '../../../apps/server/src/web/form-body.decorator.js';
import { queryString, type FieldErrors } from '../../../apps/server/src/web/form-query.js';
import type { PortalRequest } from '../../../apps/server/src/web/page-frame.service.js';
import { PortalExceptionFilter } from '../../../apps/server/src/web/portal-exception.filter.js';
import { isUuidShaped } from '../../../apps/server/src/database/uuid-entity.js';
import { AvailabilityService } from '../availability.service.js';
import { bookingManifest } from '../booking.manifest.js';
import { BookingService } from '../booking.service.js';
import { formatServices, locationsOffering, parseServices, type ServiceChoice } from '../portal/selection.js';
import { CalendarService } from '../staff/calendar.service.js';
import { StaffAccessService } from '../staff/staff-access.service.js';
import { BookingStaffPages, freePhoneTimes } from './staff-pages.service.js';

type Form = Record<string, unknown>;

interface Choice {
  services: ServiceChoice[];
  locationId: string;
  date: string;
  /** The combined duration: the free times offered are for all services together. */
  minutes: number;
}

const citizenFields = {
  name: z.string().trim().min(2).max(200),
  email: z.union([z.literal(''), z.email().max(254)]),
  phone: z.union([z.literal(''), phoneInputSchema]),
};

/**
 * "Termin für Anrufer buchen": the back-office booking (BookingService.createByStaff, channel
 * phone, confirmed at once, the confirmation mail when an address is given) as a form. A GET
 * chooses services with quantities (one number field per service, as on the citizen portal),
 * location and day and shows the free phone times for the combination; the POST books and goes
 * to the calendar day of the appointment.
 */
@ApiExcludeController()
@RequiresPlugin(bookingManifest, { audience: 'staff' })
@UseGuards(StaffAuthGuard)
@UseFilters(PortalExceptionFilter)
@Controller(':slug/mitarbeiter/buchen')
export class CallerBookingPagesController {
  constructor(
    private readonly pages: BookingStaffPages,
    private readonly bookings: BookingService,
    private readonly availability: AvailabilityService,
    private readonly catalog: CatalogService,
    private readonly calendar: CalendarService,
    private readonly access: StaffAccessService,
    private readonly plugins: PluginHostService,
  ) {}

  @Get()
  async page(@Req() req: StaffRequest, @Res() res: Response, @Query() q: Form): Promise<void> {
    const p = await this.pages.staffRequest(req, res);
    // The first visit chooses nothing yet; a submitted choice (it carries the day) is checked.
    const asked = queryString(q, 'datum') === undefined ? { choice: null, errors: {} } : await this.choice(req, q);
    await this.show(req, res, p, q, asked.choice, asked.errors);
  }

  @Post()
  async book(@Req() req: StaffRequest, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    this.pages.checkStaffForm(req, body);
    const p = await this.pages.staffRequest(req, res);
    const { choice, errors } = await this.choice(req, body);
    const field = <T>(key: string, schema: z.ZodType<T>, error: string): T | undefined => {
      const parsed = schema.safeParse(queryString(body, key) ?? '');
      if (!parsed.success) errors[key] = error;
      return parsed.success ? parsed.data : undefined;
    };
    const name = field('name', citizenFields.name, 'callerName');
    const email = field('email', citizenFields.email, 'callerEmail');
    const phone = field('phone', citizenFields.phone, 'callerPhone');
    const start = queryString(body, 'start');
    if (!start || start.length < 16 || start.length > 40) errors.start = 'callerStart';
    if (!choice || Object.keys(errors).length > 0 || !name || !start) return this.show(req, res, p, body, choice, errors);
    const idempotencyKey = queryString(body, 'key');
    const booked = await this.bookings.createByStaff({
      services: choice.services,
      locationId: choice.locationId,
      start,
      citizen: { name, ...(email ? { email } : {}), ...(phone ? { phone } : {}) },
      consent: true,
      locale: p.locale,
      // A second click on the same form books once (the key is bound to the staff member).
      idempotencyKey: idempotencyKey && isUuidShaped(idempotencyKey) ? idempotencyKey : undefined,
      actorId: req.staffUser.id,
    });
    res.redirect(303, `${p.base}/mitarbeiter/kalender?standort=${choice.locationId}&datum=${booked.start.slice(0, 10)}&gebucht=${booked.reference}`);
  }

  /**
   * The chosen services with quantities (every active service: staff book by phone), a location
   * within the scope that offers all of them, and the day; otherwise the field errors.
   */
  private async choice(req: StaffRequest, q: Form): Promise<{ choice: Choice | null; errors: FieldErrors }> {
    const catalog = await this.catalog.services();
    const max = (await this.plugins.settings(bookingManifest)).maxServicesPerBooking;
    const { choices, errors } = parseServices(q, catalog, max, () => true);
    const locationId = queryString(q, 'standort') ?? '';
    const date = queryString(q, 'datum') ?? '';
    if (!isIsoDate(date)) errors.datum = 'calDate';
    if (locationId) await this.access.location(this.access.scope(req.staffUser), locationId);
    if (Object.keys(errors).length === 0 && !locationsOffering(choices, catalog).includes(locationId)) errors.standort = 'callerLocation';
    if (Object.keys(errors).length > 0) return { choice: null, errors };
    const minutes = choices.reduce((sum, c) => sum + catalog.find((s) => s.id === c.serviceId)!.durationMinutes * c.quantity, 0);
    return { choice: { services: choices, locationId, date, minutes }, errors };
  }

  private async show(req: StaffRequest, res: Response, p: PortalRequest, q: Form, choice: Choice | null, errors: FieldErrors): Promise<void> {
    const scope = this.access.scope(req.staffUser);
    const locations = await this.access.locations(scope);
    const catalog = await this.catalog.services();
    const label = (s: PublicService) => (p.locale === 'en' && s.nameEn ? s.nameEn : s.name);
    // The quantities as entered, so a form with an error keeps them.
    const { raw } = parseServices(q, catalog, Infinity, () => true);
    const services = catalog.map((s) => ({ id: s.id, name: label(s), minutes: s.durationMinutes, max: s.maxQuantity, quantity: raw[s.id] ?? '0' }));
    const free = choice ? await freePhoneTimes(this.availability, choice.services, choice.locationId, choice.date) : null;
    this.pages.render(
      res,
      p,
      'caller-booking',
      {
        services,
        maxServices: (await this.plugins.settings(bookingManifest)).maxServicesPerBooking,
        locations,
        locationId: queryString(q, 'standort') ?? locations[0]?.id ?? '',
        day: queryString(q, 'datum') ?? this.calendar.today(),
        choice,
        chosen: choice?.services.map((c) => ({ ...c, name: label(catalog.find((s) => s.id === c.serviceId)!) })),
        servicesParam: choice ? formatServices(choice.services) : '',
        free,
        start: queryString(q, 'start') ?? '',
        name: queryString(q, 'name') ?? '',
        email: queryString(q, 'email') ?? '',
        phone: queryString(q, 'phone') ?? '',
        key: queryString(q, 'key') ?? randomUUID(),
      },
      { title: 'caller.title', status: Object.keys(errors).length ? 400 : 200, errors, switchUrl: `${p.base}/mitarbeiter/buchen` },
    );
  }
}
