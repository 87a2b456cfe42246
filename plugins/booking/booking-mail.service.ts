import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import icalGenerator, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import QRCode from 'qrcode';
import { fromRoot } from '../../apps/server/src/common/project-root.js';
import { ENV, type Env } from '../../apps/server/src/config/env.config.js';
import type { OutboxMail } from '../../apps/server/src/notifications/outbox-message.entity.js';
import { MailTemplateService } from '../../apps/server/src/notifications/mail-template.service.js';
import { TenantContext } from '../../apps/server/src/tenancy/tenant-context.js';
import type { BookingView } from './booking.types.js';

export type BookingMailKind = 'receipt' | 'confirmation' | 'cancellation';

/** The citizen's links; all are pages whose GET changes nothing (mail scanners follow links). */
export function bookingLinks(baseUrl: string, slug: string, reference: string, token: string, locale: 'de' | 'en') {
  const lang = locale === 'en' ? '&lang=en' : '';
  const base = `${baseUrl}/${slug}/buchung/${encodeURIComponent(reference)}`;
  const q = `?token=${encodeURIComponent(token)}${lang}`;
  return { confirm: `${base}/bestaetigen${q}`, manage: `${base}${q}`, cancel: `${base}/stornieren${q}` };
}

/** Composes the booking mails (receipt, confirmation with QR code and ICS, cancellation). */
@Injectable()
export class BookingMailService implements OnModuleInit {
  constructor(
    private readonly templates: MailTemplateService,
    @Inject(ENV) private readonly env: Env,
  ) {}

  onModuleInit(): void {
    this.templates.register('booking', fromRoot('plugins/booking/templates'));
  }

  async compose(kind: BookingMailKind, view: BookingView, token: string): Promise<OutboxMail> {
    const tenant = TenantContext.current();
    const en = view.locale === 'en';
    const zone = tenant.timeZone;
    const start = DateTime.fromISO(view.start, { zone }).setLocale(view.locale);
    const end = DateTime.fromISO(view.end, { zone }).setLocale(view.locale);
    const attachments: OutboxMail['attachments'] = [];
    if (kind === 'confirmation') {
      const png = await QRCode.toBuffer(view.qrPayload, { type: 'png', width: 240, margin: 2, errorCorrectionLevel: 'M' });
      attachments.push({ filename: 'termin-qr.png', contentType: 'image/png', content: png.toString('base64'), cid: 'qr@amtszeit' });
      attachments.push({
        filename: 'termin.ics',
        contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
        content: Buffer.from(this.ics(view, token)).toString('base64'),
      });
    }
    const rendered = await this.templates.render(`booking/${kind}`, view.locale, {
      booking: view,
      date: start.toFormat(en ? 'cccc, d LLLL yyyy' : 'cccc, d. LLLL yyyy'),
      time: en ? `${start.toFormat('h:mm a')} – ${end.toFormat('h:mm a')}` : `${start.toFormat('HH:mm')} – ${end.toFormat('HH:mm')} Uhr`,
      holdUntil: view.holdUntil ? DateTime.fromISO(view.holdUntil, { zone }).setLocale(view.locale).toFormat(en ? 'h:mm a' : 'HH:mm') : null,
      services: view.services.map((s) => ({
        name: en ? (s.nameEn ?? s.name) : s.name,
        quantity: s.quantity,
        checklist: s.checklist.map((c) => (en ? (c.textEn ?? c.text) : c.text)),
      })),
      links: bookingLinks(this.env.PUBLIC_BASE_URL, tenant.slug, view.reference, token, view.locale),
      qrCid: 'qr@amtszeit',
    });
    return { to: view.citizen.email!, ...rendered, attachments };
  }

  /**
   * The appointment as iCalendar, in UTC (calendar apps show it in local time; no VTIMEZONE
   * needed). The revision is its SEQUENCE, so a rebooking updates the entry.
   */
  ics(view: BookingView, token: string): string {
    const tenant = TenantContext.current();
    const en = view.locale === 'en';
    const links = bookingLinks(this.env.PUBLIC_BASE_URL, tenant.slug, view.reference, token, view.locale);
    const cal = icalGenerator({ name: tenant.name, prodId: { company: 'Amtszeit', product: 'booking', language: en ? 'EN' : 'DE' } });
    cal.method(ICalCalendarMethod.PUBLISH);
    const address = `${view.location.name}, ${view.location.address.street}, ${view.location.address.postalCode} ${view.location.address.city}`;
    cal.createEvent({
      id: `${view.reference}@${tenant.slug}.amtszeit`,
      sequence: view.revision,
      start: new Date(view.start),
      end: new Date(view.end),
      summary: `${en ? 'Appointment' : 'Termin'}: ${view.services.map((s) => `${s.quantity} × ${en ? (s.nameEn ?? s.name) : s.name}`).join(', ')}`,
      location: address,
      description: [
        `${en ? 'Reference' : 'Vorgangsnummer'}: ${view.reference}`,
        view.location.directions ?? '',
        `${en ? 'Manage or cancel' : 'Verwalten oder absagen'}: ${links.manage}`,
      ]
        .filter(Boolean)
        .join('\n'),
      url: links.manage,
      status: view.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
    return cal.toString();
  }
}
