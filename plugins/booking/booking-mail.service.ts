import { Inject, Injectable } from '@nestjs/common';
import icalGenerator, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import QRCode from 'qrcode';
import { formatEuro } from '../../apps/server/src/common/euro.js';
import { ENV, type Env } from '../../apps/server/src/config/env.config.js';
import { MailTemplateService } from '../../apps/server/src/notifications/mail-template.service.js';
import type { EmailContent, NotificationTemplate } from '../../apps/server/src/notifications/notification.types.js';
import { OutboxService } from '../../apps/server/src/notifications/outbox.service.js';
import { mapLink } from '../../apps/server/src/catalog/map-link.js';
import { PluginHostService } from '../../apps/server/src/plugin-host/plugin-host.service.js';
import type { TenantSettings } from '../../apps/server/src/tenancy/tenant-config.schema.js';
import { TenantContext } from '../../apps/server/src/tenancy/tenant-context.js';
import { TenantRegistryService } from '../../apps/server/src/tenancy/tenant-registry.service.js';
import type { TenantTx } from '../../apps/server/src/tenancy/tenant-data.service.js';
import { bookingManifest } from './booking.manifest.js';
import { feeSummary } from './fees.js';
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
  /** A confirmation sent because the appointment moved: where and when it was (tenant-local ISO 8601). */
  movedFrom?: { start: string; end: string; locationName: string };
  /** A cancellation of a confirmed appointment, whose calendar entry the mail removes (ICS METHOD:CANCEL). */
  cancelsCalendarEntry?: boolean;
}

/**
 * The capability a plugin declares when it checks appointments in at a terminal (the kiosk, once it
 * exists). Without an enabled provider no message or page mentions a terminal, a check-in code or a
 * waiting number, and the confirmation carries no QR code.
 */
export const KIOSK_CHECK_IN = 'booking.kiosk-check-in';

/** What the templates render from: the caller's data and whether the tenant has a check-in terminal (looked up once per message). */
type RenderData = BookingMessageData & { terminal: boolean };

/**
 * The booking's messages to the citizen: receipt (confirm link), confirmation (ICS file; QR code with a check-in terminal),
 * cancellation and reminder by mail, and confirmation, cancellation and reminder by SMS when the
 * citizen chose it. Callers describe which message; this service picks the channels.
 */
@Injectable()
export class BookingMailService {
  private readonly templates: Record<BookingMessageKind, NotificationTemplate<RenderData>>;

  constructor(
    private readonly files: MailTemplateService,
    private readonly outbox: OutboxService,
    private readonly host: PluginHostService,
    private readonly registry: TenantRegistryService,
    @Inject(ENV) private readonly env: Env,
  ) {
    const context = (d: RenderData) => this.context(d);
    this.templates = {
      receipt: files.template('booking/receipt', { channels: ['email'], context }),
      confirmation: files.template('booking/confirmation', { channels: ['email', 'sms'], context, attachments: (d) => this.attachments(d) }),
      cancellation: files.template('booking/cancellation', { channels: ['email', 'sms'], context, attachments: (d) => this.cancelAttachments(d) }),
      reminder: files.template('booking/reminder', { channels: ['email', 'sms'], context }),
      'block-offer': files.template('booking/block-offer', { channels: ['email'], context }),
    };
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
    message: BookingMessageData,
    options: { occasion?: string; replace?: boolean } = {},
  ): Promise<boolean> {
    const { view } = message;
    const data: RenderData = { ...message, terminal: await this.host.hasCapability(TenantContext.current().id, KIOSK_CHECK_IN) };
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

  private async context({ view, token, movedFrom, cancelsCalendarEntry, terminal }: RenderData): Promise<Record<string, unknown>> {
    const tenant = TenantContext.current();
    const en = view.locale === 'en';
    const zone = tenant.timeZone;
    const at = (iso: string) => DateTime.fromISO(iso, { zone }).setLocale(view.locale);
    const date = (iso: string) => at(iso).toFormat(en ? 'cccc, d LLLL yyyy' : 'cccc, d. LLLL yyyy');
    const time = (from: string, to: string) =>
      en ? `${at(from).toFormat('h:mm a')} – ${at(to).toFormat('h:mm a')}` : `${at(from).toFormat('HH:mm')} – ${at(to).toFormat('HH:mm')} Uhr`;
    const start = at(view.start);
    const [settings, row] = await Promise.all([this.host.settings(bookingManifest), this.registry.row(tenant.id)]);
    const fees = feeSummary(view.services, settings.paymentMethods, view.locale);
    return {
      booking: view,
      rebooked: movedFrom !== undefined,
      // The old time, so the citizen sees what changed (the calendar file updates the same entry).
      previous: movedFrom ? { date: date(movedFrom.start), time: time(movedFrom.start, movedFrom.end), location: movedFrom.locationName } : null,
      terminal,
      calendarCancel: cancelsCalendarEntry === true,
      mapUrl: mapLink(view.location.address, (row.settings as Partial<TenantSettings>).mapUrl),
      // The sum of the booked services' fees (none when no service names one) and how to pay it.
      totalFee: fees && formatEuro(fees.total, view.locale),
      paymentMethods: fees?.methods ?? '',
      date: date(view.start),
      shortDate: start.toFormat(en ? 'ccc d LLL' : 'ccc d.M.'),
      time: time(view.start, view.end),
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

  private async attachments({ view, token, terminal }: RenderData): Promise<EmailContent['attachments']> {
    const ics = {
      filename: 'termin.ics',
      contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
      content: Buffer.from(this.ics(view, token)).toString('base64'),
    };
    // The QR code is for the terminal's scanner: without one it would promise what is not there.
    if (!terminal) return [ics];
    const png = await QRCode.toBuffer(view.qrPayload, { type: 'png', width: 240, margin: 2, errorCorrectionLevel: 'M' });
    return [{ filename: 'termin-qr.png', contentType: 'image/png', content: png.toString('base64'), cid: 'qr@amtszeit' }, ics];
  }

  /** A confirmed appointment's cancellation removes its calendar entry: same UID, higher SEQUENCE, METHOD:CANCEL. */
  private async cancelAttachments({ view, token, cancelsCalendarEntry }: BookingMessageData): Promise<EmailContent['attachments']> {
    if (!cancelsCalendarEntry) return [];
    return [
      { filename: 'termin.ics', contentType: 'text/calendar; charset=utf-8; method=CANCEL', content: Buffer.from(this.ics(view, token)).toString('base64') },
    ];
  }

  /**
   * The appointment as iCalendar, in UTC (calendar apps show it in local time; no VTIMEZONE
   * needed). The revision is its SEQUENCE, so a rebooking updates the entry; a cancelled
   * appointment is a METHOD:CANCEL of the same UID, which removes it.
   */
  ics(view: BookingView, token: string): string {
    const tenant = TenantContext.current();
    const en = view.locale === 'en';
    const links = bookingLinks(this.env.PUBLIC_BASE_URL, tenant.slug, view.reference, token, view.locale);
    const cal = icalGenerator({ name: tenant.name, prodId: { company: 'Amtszeit', product: 'booking', language: en ? 'EN' : 'DE' } });
    cal.method(view.status === 'cancelled' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.PUBLISH);
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
