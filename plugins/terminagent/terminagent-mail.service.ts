import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { PublicLocation } from '../../apps/server/src/catalog/catalog.service.js';
import { fromRoot } from '../../apps/server/src/common/project-root.js';
import { ENV, type Env } from '../../apps/server/src/config/env.config.js';
import type { OutboxMail } from '../../apps/server/src/notifications/outbox-message.entity.js';
import { MailTemplateService } from '../../apps/server/src/notifications/mail-template.service.js';
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

/** Composes the terminagent's mails: "please confirm your wish" and the offer with its proposals. */
@Injectable()
export class TerminagentMailService implements OnModuleInit {
  constructor(
    private readonly templates: MailTemplateService,
    @Inject(ENV) private readonly env: Env,
  ) {}

  onModuleInit(): void {
    this.templates.register('terminagent', fromRoot('plugins/terminagent/templates'));
  }

  async wishConfirm(input: { to: string; name: string; locale: 'de' | 'en'; wishId: string; token: string; services: ServiceLabel[]; locations: string[]; expiresAt: Date }): Promise<OutboxMail> {
    const tenant = TenantContext.current();
    const rendered = await this.templates.render('terminagent/wish-confirm', input.locale, {
      name: input.name,
      services: input.services,
      locations: input.locations,
      until: this.day(input.expiresAt, input.locale),
      links: wishLinks(this.env.PUBLIC_BASE_URL, tenant.slug, input.wishId, input.token, input.locale),
    });
    return { to: input.to, ...rendered, attachments: [] };
  }

  async offer(input: {
    to: string;
    name: string;
    locale: 'de' | 'en';
    offerId: string;
    token: string;
    wishId: string;
    wishToken: string;
    expiresAt: Date;
    services: ServiceLabel[];
    proposals: Array<{ start: Date; end: Date; location: PublicLocation }>;
  }): Promise<OutboxMail> {
    const tenant = TenantContext.current();
    const en = input.locale === 'en';
    const zone = tenant.timeZone;
    const rendered = await this.templates.render('terminagent/offer', input.locale, {
      name: input.name,
      services: input.services,
      proposals: input.proposals.map((p) => {
        const start = DateTime.fromJSDate(p.start, { zone }).setLocale(input.locale);
        const end = DateTime.fromJSDate(p.end, { zone }).setLocale(input.locale);
        return {
          date: start.toFormat(en ? 'cccc, d LLLL yyyy' : 'cccc, d. LLLL yyyy'),
          time: en ? `${start.toFormat('h:mm a')} – ${end.toFormat('h:mm a')}` : `${start.toFormat('HH:mm')} – ${end.toFormat('HH:mm')} Uhr`,
          location: p.location,
        };
      }),
      until: DateTime.fromJSDate(input.expiresAt, { zone }).setLocale(input.locale).toFormat(en ? "cccc, d LLLL 'at' h:mm a" : "cccc, d. LLLL, HH:mm 'Uhr'"),
      links: {
        ...offerLinks(this.env.PUBLIC_BASE_URL, tenant.slug, input.offerId, input.token, input.locale),
        withdraw: wishLinks(this.env.PUBLIC_BASE_URL, tenant.slug, input.wishId, input.wishToken, input.locale).withdraw,
      },
    });
    return { to: input.to, ...rendered, attachments: [] };
  }

  private day(instant: Date, locale: 'de' | 'en'): string {
    return DateTime.fromJSDate(instant, { zone: TenantContext.current().timeZone }).setLocale(locale).toFormat(locale === 'en' ? 'd LLLL yyyy' : 'd. LLLL yyyy');
  }
}
