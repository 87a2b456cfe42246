import { Inject, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { PublicLocation } from '../../apps/server/src/catalog/catalog.service.js';
import { ENV, type Env } from '../../apps/server/src/config/env.config.js';
import { MailTemplateService } from '../../apps/server/src/notifications/mail-template.service.js';
import type { NotificationTemplate } from '../../apps/server/src/notifications/notification.types.js';
import { TenantContext } from '../../apps/server/src/tenancy/tenant-context.js';

/** The citizen's links; each leads to a page whose GET only shows and whose button POSTs. */
export function wishLinks(baseUrl: string, slug: string, wishId: string, token: string, locale: 'de' | 'en') {
  const q = `?token=${encodeURIComponent(token)}${locale === 'en' ? '&lang=en' : ''}`;
  const base = `${baseUrl}/${slug}/warteliste/${encodeURIComponent(wishId)}`;
  return { confirm: `${base}/bestaetigen${q}`, status: `${base}${q}`, withdraw: `${base}/zuruecknehmen${q}` };
}

export function offerLinks(baseUrl: string, slug: string, offerId: string, token: string, locale: 'de' | 'en') {
  const q = `?token=${encodeURIComponent(token)}${locale === 'en' ? '&lang=en' : ''}`;
  return { offer: `${baseUrl}/${slug}/terminvorschlag/${encodeURIComponent(offerId)}${q}` };
}

export interface ServiceLabel {
  name: string;
  quantity: number;
}

export interface WishConfirmData {
  name: string;
  wishId: string;
  token: string;
  services: ServiceLabel[];
  locations: string[];
  /** The chosen weekdays (1 = Monday) with their local time windows, and the period (local dates). */
  windows: Array<{ weekday: number; from: string; to: string }>;
  earliestDate: string;
  latestDate: string;
  expiresAt: Date;
}

export interface OfferData {
  name: string;
  offerId: string;
  token: string;
  wishId: string;
  wishToken: string;
  expiresAt: Date;
  services: ServiceLabel[];
  proposals: Array<{ start: Date; end: Date; location: PublicLocation }>;
}

/** The terminagent's mails: "please confirm your wish" and the offer with its proposals. */
@Injectable()
export class TerminagentMailService {
  readonly wishConfirm: NotificationTemplate<WishConfirmData>;
  readonly offer: NotificationTemplate<OfferData>;

  constructor(
    private readonly templates: MailTemplateService,
    @Inject(ENV) private readonly env: Env,
  ) {
    this.wishConfirm = templates.template<WishConfirmData>('terminagent/wish-confirm', {
      channels: ['email'],
      context: (d, locale) => ({
        name: d.name,
        services: d.services,
        locations: d.locations,
        // What the citizen chose, repeated so the mail alone says what they confirm.
        windows: d.windows.map((w) => this.window(w, locale)),
        period: { from: this.localDay(d.earliestDate, locale), to: this.localDay(d.latestDate, locale) },
        until: this.day(d.expiresAt, locale),
        links: wishLinks(this.env.PUBLIC_BASE_URL, TenantContext.current().slug, d.wishId, d.token, locale),
      }),
    });
    this.offer = templates.template<OfferData>('terminagent/offer', { channels: ['email'], context: (d, locale) => this.offerContext(d, locale) });
  }

  private offerContext(d: OfferData, locale: 'de' | 'en'): Record<string, unknown> {
    const tenant = TenantContext.current();
    const en = locale === 'en';
    const zone = tenant.timeZone;
    return {
      name: d.name,
      services: d.services,
      several: d.proposals.length > 1,
      proposals: d.proposals.map((p) => {
        const start = DateTime.fromJSDate(p.start, { zone }).setLocale(locale);
        const end = DateTime.fromJSDate(p.end, { zone }).setLocale(locale);
        return {
          date: start.toFormat(en ? 'cccc, d LLLL yyyy' : 'cccc, d. LLLL yyyy'),
          time: en ? `${start.toFormat('h:mm a')} – ${end.toFormat('h:mm a')}` : `${start.toFormat('HH:mm')} – ${end.toFormat('HH:mm')} Uhr`,
          location: p.location,
        };
      }),
      until: DateTime.fromJSDate(d.expiresAt, { zone })
        .setLocale(locale)
        .toFormat(en ? "cccc, d LLLL 'at' h:mm a" : "cccc, d. LLLL, HH:mm 'Uhr'"),
      links: {
        ...offerLinks(this.env.PUBLIC_BASE_URL, tenant.slug, d.offerId, d.token, locale),
        withdraw: wishLinks(this.env.PUBLIC_BASE_URL, tenant.slug, d.wishId, d.wishToken, locale).withdraw,
      },
    };
  }

  /** "Montag, 08:00 bis 08:30 Uhr" / "Monday, 8:00 AM to 8:30 AM". */
  private window(w: { weekday: number; from: string; to: string }, locale: 'de' | 'en'): string {
    const en = locale === 'en';
    const at = (hhmm: string) =>
      DateTime.fromFormat(hhmm, 'HH:mm')
        .setLocale(locale)
        .toFormat(en ? 'h:mm a' : 'HH:mm');
    const day = DateTime.fromObject({ weekday: w.weekday as 1 | 2 | 3 | 4 | 5 | 6 | 7 })
      .setLocale(locale)
      .toFormat('cccc');
    return en ? `${day}, ${at(w.from)} to ${at(w.to)}` : `${day}, ${at(w.from)} bis ${at(w.to)} Uhr`;
  }

  private localDay(date: string, locale: 'de' | 'en'): string {
    return DateTime.fromISO(date)
      .setLocale(locale)
      .toFormat(locale === 'en' ? 'd LLLL yyyy' : 'd. LLLL yyyy');
  }

  private day(instant: Date, locale: 'de' | 'en'): string {
    return DateTime.fromJSDate(instant, { zone: TenantContext.current().timeZone })
      .setLocale(locale)
      .toFormat(locale === 'en' ? 'd LLLL yyyy' : 'd. LLLL yyyy');
  }
}
