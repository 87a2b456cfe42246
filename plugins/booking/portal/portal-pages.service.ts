import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { fromRoot } from '../../../apps/server/src/common/project-root.js';
import { ENV, type Env } from '../../../apps/server/src/config/env.config.js';
import { cspNonce } from '../../../apps/server/src/security/security-headers.js';
import { TenantContext, type TenantRef } from '../../../apps/server/src/tenancy/tenant-context.js';
import { AssetRegistry } from '../../../apps/server/src/web/assets.js';
import { Messages, type Locale, type Translate } from '../../../apps/server/src/web/i18n.js';
import { negotiateLocale, urlWithLocale } from '../../../apps/server/src/web/locale.js';
import { TenantBrandingService, type Branding } from '../../../apps/server/src/web/tenant-branding.service.js';
import { ViewRenderer } from '../../../apps/server/src/web/view-renderer.js';
import type { FieldErrors } from './selection.js';

/** What a portal request knows before its page is rendered. */
export interface PortalRequest {
  tenant: TenantRef;
  locale: Locale;
  t: Translate;
  branding: Branding;
  /** Path prefix of portal links: `/<slug>`, or '' on the tenant's own domain. */
  base: string;
  /** The current URL, for the language switch of GET pages. */
  url: string;
}

export interface RenderOptions {
  /** Message key of the page title (WCAG 2.4.2: every step has its own title). */
  title: string;
  status?: number;
  /** Field errors as message keys; shown as an error summary and next to each field. */
  errors?: FieldErrors;
  /** Where the language switch leads; defaults to the current URL (POST pages pass their GET page). */
  switchUrl?: string;
  /** Progress through the booking steps, e.g. { current: 2 }. */
  step?: number;
  /** Only the start page is for search engines; the steps and mail-link pages are not. */
  indexable?: boolean;
}

export const BOOKING_STEPS = 6;

const PORTAL_DIR = fromRoot('plugins/booking/portal');

/** Renders portal pages: language, branding, layout, security headers. */
@Injectable()
export class PortalPages {
  private readonly views: ViewRenderer;
  private readonly messages = new Messages(`${PORTAL_DIR}/i18n`);

  constructor(
    assets: AssetRegistry,
    private readonly brandings: TenantBrandingService,
    @Inject(ENV) env: Env,
  ) {
    assets.register('portal', `${PORTAL_DIR}/assets`);
    this.views = new ViewRenderer(`${PORTAL_DIR}/views`, assets, env.NODE_ENV === 'development');
  }

  async request(req: Request, res: Response): Promise<PortalRequest> {
    const tenant = TenantContext.current();
    const locale = negotiateLocale(req, res, tenant.locale);
    const prefix = `/${tenant.slug}`;
    const original = req.originalUrl;
    const base = original === prefix || original.startsWith(`${prefix}/`) || original.startsWith(`${prefix}?`) ? prefix : '';
    return {
      tenant,
      locale,
      t: this.messages.translator(locale),
      branding: await this.brandings.forTenant(tenant.id),
      base,
      url: base + req.url.slice(prefix.length),
    };
  }

  render(res: Response, p: PortalRequest, view: string, data: Record<string, unknown>, options: RenderOptions): void {
    const { t } = p;
    const nonce = cspNonce(res);
    const errors = Object.entries(options.errors ?? {}).map(([field, key]) => ({ field, message: t(`errors.${key}`) }));
    const fieldErrors = Object.fromEntries(errors.map((e) => [e.field, e.message]));
    const title = [errors.length ? t('layout.errorTitlePrefix') : '', t(options.title), p.tenant.name].filter(Boolean).join(' – ');
    const other: Locale = p.locale === 'de' ? 'en' : 'de';
    const html = this.views.render(
      view,
      {
        ...data,
        title,
        heading: t(options.title),
        lang: p.locale,
        nonce,
        base: p.base,
        tenant: p.tenant,
        branding: p.branding,
        errors,
        fieldErrors,
        step: options.step ? { current: options.step, total: BOOKING_STEPS } : null,
        indexable: options.indexable === true && errors.length === 0,
        switchLocale: { href: urlWithLocale(options.switchUrl ?? p.url, other), locale: other },
      },
      { locale: p.locale, t, zone: p.tenant.timeZone },
    );
    res
      .status(options.status ?? 200)
      .set({
        'Content-Type': 'text/html; charset=utf-8',
        // Pages may show personal data and carry tokens: never cached. CSP and the other security
        // headers are the server's (security-headers.ts); the tenant's colours carry the CSP nonce.
        'Cache-Control': 'no-store',
      })
      .send(html);
  }
}
