import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import icalGenerator, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import QRCode from 'qrcode';
import { fromRoot } from '../../apps/server/src/common/project-root.js';
import { ENV, type Env } from '../../apps/server/src/config/env.config.js';
import { MailTemplateService } from '../../apps/server/src/notifications/mail-template.service.js';
import type { EmailContent, NotificationTemplate } from '../../apps/server/src/notifications/notification.types.js';
import { OutboxService } from '../../apps/server/src/notifications/outbox.service.js';
import { TenantContext } from '../../apps/server/src/tenancy/tenant-context.js';
import type { TenantTx } from '../../apps/server/src/tenancy/tenant-data.service.js';
import type { BookingView } from './booking.types.js';

export type BookingMailKind = 'receipt' | 'confirmation' | 'cancellation';

/** The citizen's links; all are pages whose GET changes nothing (mail scanners follow links). */
export function bookingLinks(baseUrl: string, slug: string, reference: string, token: string, locale: 'de' | 'en') {
  const lang = locale === 'en' ? '&lang=en' : '';
  const base = `${baseUrl}/${slug}/buchung/${encodeURIComponent(reference)}`;
  const q = `?token=${encodeURIComponent(token)}${lang}`;
  return { confirm: `${base}/bestaetigen${q}`, manage: `${base}${q}`, cancel: `${base}/stornieren${q}`, move: `${base}/verschieben${q}` };
}

/** 'block-offer': staff blocked the appointment's time and offer a new one (link to the move page). */
export type BookingMessageKind = BookingMailKind | 'reminder' | 'block-offer';

/** What every booking message is rendered from: the booking as the citizen sees it, and its link secret. */
export interface BookingMessageData {
  view: BookingView;
  token: string;
  /** A confirmation sent because the appointment moved. */
  moved?: boolean;
}

/**
 * The booking's messages to the citizen: receipt (confirm link), confirmation (QR code, ICS file),
 * cancellation and reminder by mail, and confirmation, cancellation and reminder by SMS when the
 * citizen chose it. Callers describe which message; this service picks the channels.
 */
@Injectable()
export class BookingMailService implements OnModuleInit {
  private readonly templates: Record<BookingMessageKind, NotificationTemplate<BookingMessageData>>;

  constructor(
    private readonly files: MailTemplateService,
    private readonly outbox: OutboxService,
    @Inject(ENV) private readonly env: Env,
  ) {
    const context = (d: BookingMessageData) => this.context(d);
    this.templates = {
      receipt: files.template('booking/receipt', { channels: ['email'], context }),
      confirmation: files.template('booking/confirmation', { channels: ['email', 'sms'], context, attachments: (d) => this.attachments(d) }),
      cancellation: files.template('booking/cancellation', { channels: ['email', 'sms'], context }),
      reminder: files.template('booking/reminder', { channels: ['email', 'sms'], context }),
      'block-offer': files.template('booking/block-offer', { channels: ['email'], context }),
    };
  }

  onModuleInit(): void {
    this.files.register('booking', fromRoot('plugins/booking/templates'));
  }

  /**
   * Describes the booking's message of this kind on each channel the citizen chose (mail when an
   * address was given, SMS when a number was given with consent and the kind has an SMS), inside
   * the change's transaction. `key` names the occasion (default: the kind and the revision);
   * `replace` renders the messages written earlier in this transaction again. True when any was written.
   */
  async notify(
    tx: TenantTx,
    kind: BookingMessageKind,
    booking: { id: string },
    data: BookingMessageData,
    options: { occasion?: string; replace?: boolean } = {},
  ): Promise<boolean> {
    const { view } = data;
    const key = `booking:${booking.id}:${kind}:${options.occasion ?? view.revision}`;
    const template = this.templates[kind];
    let written = false;
    if (view.citizen.email) {
      await this.outbox.notify(tx, template, { key, channel: 'email', to: view.citizen.email, locale: view.locale, data }, { replace: options.replace });
      written = true;
    }
    if (view.citizen.phone && view.citizen.sms && template.sms) {
      await this.outbox.notify(
        tx,
        template,
        { key: `${key}:sms`, channel: 'sms', to: view.citizen.phone, locale: view.locale, data },
        { replace: options.replace },
      );
      written = true;
    }
    return written;
  }

  private context({ view, token, moved }: BookingMessageData): Record<string, unknown> {
    const tenant = TenantContext.current();
    const en = view.locale === 'en';
    const zone = tenant.timeZone;
    const start = DateTime.fromISO(view.start, { zone }).setLocale(view.locale);
    const end = DateTime.fromISO(view.end, { zone }).setLocale(view.locale);
    return {
      booking: view,
      rebooked: moved === true,
      date: start.toFormat(en ? 'cccc, d LLLL yyyy' : 'cccc, d. LLLL yyyy'),
      shortDate: start.toFormat(en ? 'ccc d LLL' : 'ccc d.M.'),
      time: en ? `${start.toFormat('h:mm a')} – ${end.toFormat('h:mm a')}` : `${start.toFormat('HH:mm')} – ${end.toFormat('HH:mm')} Uhr`,
      startTime: start.toFormat(en ? 'h:mm a' : 'HH:mm'),
      holdUntil: view.holdUntil
        ? DateTime.fromISO(view.holdUntil, { zone })
            .setLocale(view.locale)
            .toFormat(en ? 'h:mm a' : 'HH:mm')
        : null,
      services: view.services.map((s) => ({
        name: en ? (s.nameEn ?? s.name) : s.name,
        quantity: s.quantity,
        checklist: s.checklist.map((c) => (en ? (c.textEn ?? c.text) : c.text)),
      })),
      links: bookingLinks(this.env.PUBLIC_BASE_URL, tenant.slug, view.reference, token, view.locale),
      qrCid: 'qr@amtszeit',
    };
  }

  private async attachments({ view, token }: BookingMessageData): Promise<EmailContent['attachments']> {
    const png = await QRCode.toBuffer(view.qrPayload, { type: 'png', width: 240, margin: 2, errorCorrectionLevel: 'M' });
    return [
      { filename: 'termin-qr.png', contentType: 'image/png', content: png.toString('base64'), cid: 'qr@amtszeit' },
      { filename: 'termin.ics', contentType: 'text/calendar; charset=utf-8; method=PUBLISH', content: Buffer.from(this.ics(view, token)).toString('base64') },
    ];
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
