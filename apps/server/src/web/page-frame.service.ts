import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AdminRole } from '../auth/admin-user.entity.js';
import { canUsePanel, type CurrentAdmin } from '../auth/current-admin.js';
import type { StaffRequest } from '../auth/staff-auth.guard.js';
import { domainErrorMessage } from '../common/domain-error.js';
import { httpStatusOfCode } from '../common/domain-error.filter.js';
import { fromRoot } from '../common/project-root.js';
import { ENV, type Env } from '../config/env.config.js';
import { PluginHostService } from '../plugin-host/plugin-host.service.js';
import { visibleTo } from '../plugin-host/plugin.types.js';
import { FormTokenService } from '../security/form-token.service.js';
import { cspNonce } from '../security/security-headers.js';
import { TenantContext, type TenantRef } from '../tenancy/tenant-context.js';
import { AssetRegistry } from './assets.js';
import type { FieldErrors } from './form-query.js';
import { Messages, type Locale, type Translate } from './i18n.js';
import { negotiateLocale, urlWithLocale } from './locale.js';
import { TenantBrandingService, type Branding } from './tenant-branding.service.js';
import { ViewRenderer } from './view-renderer.js';

/** What a portal request knows before its page is rendered. */
export interface PortalRequest {
  tenant: TenantRef;
  locale: Locale;
  /** Messages of the page's root (its own catalogue over the frame's). */
  t: Translate;
  branding: Branding;
  /** Path prefix of portal links: `/<slug>`, or '' on the tenant's own domain. */
  base: string;
  /** The current URL, for the language switch of GET pages. */
  url: string;
  /** The view root the page is rendered from. */
  root: string;
  /** Set on staff pages: they render in the staff frame. */
  staff?: StaffFrameContext;
}

/** A link of the staff frame's navigation. */
export interface StaffNavEntry {
  label: string;
  href: string;
  current: boolean;
}

/** What the staff frame shows around a staff page (`/<slug>/mitarbeiter/…`). */
export interface StaffFrameContext {
  /** Null on the login page. */
  user: { name: string; role: AdminRole } | null;
  nav: StaffNavEntry[];
  /** The admin panel, for those who may use it. */
  panelHref: string | null;
  /** The CSRF token of this browser's forms: every staff form posts it as `formToken`. */
  formToken: string;
  /** The staff start page. */
  home: string;
}

export interface RenderOptions {
  /** Message key of the page title (WCAG 2.4.2: every step has its own title). */
  title: string;
  status?: number;
  /** Field errors as message keys; shown as an error summary and next to each field. */
  errors?: FieldErrors;
  /** Where the language switch leads; defaults to the current URL (POST pages pass their GET page). */
  switchUrl?: string;
  /** Progress through the root's steps, e.g. 2 (of the root's `steps`). */
  step?: number;
  /** Only a start page is for search engines; the steps and mail-link pages are not. */
  indexable?: boolean;
  /** 'device': a full-screen page of a paired device (no header, footer or language switch). */
  layout?: 'device';
}

/**
 * A plugin's pages: `<dir>/views/*.hbs`, its partials in `<dir>/views/partials/`, its messages in
 * `<dir>/i18n/<locale>.json`. Layout, error page, form partials and frame messages are the core's.
 */
export interface ViewRoot {
  name: string;
  dir: string;
  /** Number of steps of the root's flow, shown as "step n of steps". */
  steps?: number;
}

/** Extension points the frame offers on other plugins' pages. */
export type PortalSlot = 'offers.start' | 'offers.noFreeTime';

/** What the page that shows a slot tells the contributions about itself. */
export interface SlotContext {
  /** The chosen services, `id:qty,…`, when the citizen has chosen some. */
  services?: string;
}

/**
 * A partial of one plugin shown in a slot on another plugin's pages, while the contributing
 * plugin is on for the tenant. `data` gives the partial's context (null: nothing to show).
 */
export interface PortalContribution {
  plugin: string;
  slot: PortalSlot;
  partial: string;
  data(p: PortalRequest, context: SlotContext): Record<string, unknown> | null;
}

const CODE_KEY = 'errors.code.';

/**
 * `errors.code.<CODE>` is the text in the catalogue of the code's owner (the core or any plugin), so
 * a page can explain another owner's code (an offer page a booking refusal). An undeclared code or
 * a missing text shows the generic text of its status (and is logged) rather than failing the page.
 */
function withErrorCodes(t: Translate, locale: Locale): Translate {
  return (key, params) => {
    if (!key.startsWith(CODE_KEY)) return t(key, params);
    const code = key.slice(CODE_KEY.length);
    return domainErrorMessage(code, locale) ?? t(`error.${httpStatusOfCode(code)}.text`);
  };
}

/** The frame's own root (error pages); plugins cannot take its name. */
const FRAME = 'frame';
const FRAME_DIR = fromRoot('apps/server/src/web/portal');

interface Root {
  views: ViewRenderer;
  messages: Messages;
  steps?: number;
}

/**
 * The tenant's path prefix in this request's address: "/slug" under the installation's domain,
 * "" on the tenant's own domain (where the resolver added the slug to req.url only).
 */
export function basePath(req: Request, slug: string): string {
  const prefix = `/${slug}`;
  const original = req.originalUrl;
  return original === prefix || original.startsWith(`${prefix}/`) || original.startsWith(`${prefix}?`) ? prefix : '';
}

/**
 * The citizen portal's page frame: language, tenant branding, layout, language switch, error
 * pages, security headers. Plugins register their view roots (views, partials, messages) and their
 * contributions to other plugins' pages; no plugin renders through another's folder.
 */
@Injectable()
export class PageFrame {
  private readonly roots = new Map<string, Root>();
  private readonly contributions: PortalContribution[] = [];
  private readonly reload: boolean;

  constructor(
    private readonly assets: AssetRegistry,
    private readonly brandings: TenantBrandingService,
    private readonly plugins: PluginHostService,
    private readonly formTokens: FormTokenService,
    @Inject(ENV) env: Env,
  ) {
    this.reload = env.NODE_ENV === 'development';
    assets.register('portal', `${FRAME_DIR}/assets`);
    this.add(FRAME, `${FRAME_DIR}/views`, [`${FRAME_DIR}/i18n`]);
  }

  register(root: ViewRoot): void {
    if (this.roots.has(root.name)) throw new Error(`View root '${root.name}' is already registered`);
    this.add(root.name, `${root.dir}/views`, [`${FRAME_DIR}/i18n`, `${root.dir}/i18n`], root.steps);
  }

  contribute(contribution: PortalContribution): void {
    this.contributions.push(contribution);
  }

  async request(req: Request, res: Response, root = FRAME): Promise<PortalRequest> {
    const tenant = TenantContext.current();
    const locale = negotiateLocale(req, res, tenant.locale);
    const prefix = `/${tenant.slug}`;
    const base = basePath(req, tenant.slug);
    return {
      tenant,
      locale,
      t: withErrorCodes(this.root(root).messages.translator(locale), locale),
      branding: await this.brandings.forTenant(tenant.id),
      base,
      url: base + req.url.slice(prefix.length),
      root,
    };
  }

  /**
   * A staff page's request (behind StaffAuthGuard): the staff frame with the navigation of the
   * plugins that are on for the tenant, filtered by the user's role.
   */
  async staffRequest(req: Request, res: Response, root = FRAME): Promise<PortalRequest> {
    const user = (req as Partial<StaffRequest>).staffUser;
    if (!user) throw new Error('A staff page needs StaffAuthGuard');
    return this.withStaffFrame(req, res, await this.request(req, res, root), user);
  }

  /**
   * A staff form's CSRF token (the frame's `staff.formToken`, posted as `formToken`): the session is
   * an ambient credential, so every staff POST checks it before anything is read or written.
   */
  checkStaffForm(req: Request, body: Record<string, unknown>): void {
    if (!this.formTokens.verify(req, body.formToken)) throw new BadRequestException('formExpired');
  }

  /** The login page: the staff frame without a user or navigation. */
  async staffLoginRequest(req: Request, res: Response): Promise<PortalRequest> {
    return this.withStaffFrame(req, res, await this.request(req, res), null);
  }

  private async withStaffFrame(req: Request, res: Response, p: PortalRequest, user: CurrentAdmin | null): Promise<PortalRequest> {
    const nav: StaffNavEntry[] = [];
    const path = p.url.split('?')[0];
    for (const plugin of user ? this.plugins.all() : []) {
      if (!plugin.staffPages?.length || !(await this.plugins.isEnabled(p.tenant.id, plugin))) continue;
      for (const page of plugin.staffPages) {
        if (user && !visibleTo(page, user.role)) continue;
        // Declared with the slug; on the tenant's own domain the base is ''.
        const href = p.base + page.path(p.tenant.slug).slice(p.tenant.slug.length + 1);
        nav.push({ label: page.label[p.locale], href, current: path === href || path.startsWith(`${href}/`) });
      }
    }
    const staff: StaffFrameContext = {
      user: user && { name: user.title, role: user.role },
      nav,
      panelHref: canUsePanel(user) ? '/admin' : null,
      formToken: this.formTokens.issue(req, res),
      home: `${p.base}/mitarbeiter`,
    };
    return { ...p, staff };
  }

  /** The HTML of every contribution to a slot whose plugin is on for the tenant, in registration order. */
  async slot(p: PortalRequest, slot: PortalSlot, context: SlotContext): Promise<string[]> {
    const out: string[] = [];
    for (const c of this.contributions.filter((x) => x.slot === slot)) {
      if (!(await this.plugins.isEnabled(p.tenant.id, this.plugins.get(c.plugin)))) continue;
      const own = this.root(c.plugin);
      const t = withErrorCodes(own.messages.translator(p.locale), p.locale);
      const data = c.data({ ...p, t, root: c.plugin }, context);
      if (data) out.push(own.views.renderPartial(c.partial, { ...data, base: p.base }, { locale: p.locale, t, zone: p.tenant.timeZone }).trimEnd());
    }
    return out;
  }

  render(res: Response, p: PortalRequest, view: string, data: Record<string, unknown>, options: RenderOptions): void {
    const { t } = p;
    const root = this.root(p.root);
    const nonce = cspNonce(res);
    const errors = Object.entries(options.errors ?? {}).map(([field, key]) => ({ field, message: t(`errors.${key}`) }));
    const fieldErrors = Object.fromEntries(errors.map((e) => [e.field, e.message]));
    const title = [errors.length ? t('layout.errorTitlePrefix') : '', t(options.title), p.tenant.name].filter(Boolean).join(' – ');
    const other: Locale = p.locale === 'de' ? 'en' : 'de';
    const html = root.views.render(
      view,
      {
        staff: p.staff,
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
        step: options.step && root.steps ? { current: options.step, total: root.steps } : null,
        // Staff pages are never for search engines.
        indexable: options.indexable === true && errors.length === 0 && !p.staff,
        switchLocale: { href: urlWithLocale(options.switchUrl ?? p.url, other), locale: other },
      },
      { locale: p.locale, t, zone: p.tenant.timeZone },
      options.layout ?? (p.staff ? 'staff' : 'main'),
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

  private add(name: string, views: string, messages: string[], steps?: number): void {
    const partials = [`${FRAME_DIR}/views/partials`, ...(name === FRAME ? [] : [`${views}/partials`])];
    this.roots.set(name, {
      views: new ViewRenderer({ views, partials, layouts: `${FRAME_DIR}/views/layouts` }, this.assets, this.reload),
      messages: new Messages(...messages),
      steps,
    });
  }

  private root(name: string): Root {
    const root = this.roots.get(name);
    if (!root) throw new Error(`Unknown view root '${name}'`);
    return root;
  }
}

/**
 * A plugin's handle on the frame: registers the plugin's view root, and requests and renders its
 * pages from it. A plugin provides an injectable subclass that names its root.
 */
export abstract class PluginPages {
  private readonly rootName: string;

  constructor(
    protected readonly frame: PageFrame,
    root: ViewRoot,
  ) {
    frame.register(root);
    this.rootName = root.name;
  }

  request(req: Request, res: Response): Promise<PortalRequest> {
    return this.frame.request(req, res, this.rootName);
  }

  /** A staff page of the plugin (behind StaffAuthGuard), rendered in the staff frame. */
  staffRequest(req: Request, res: Response): Promise<PortalRequest> {
    return this.frame.staffRequest(req, res, this.rootName);
  }

  /** Refuses a staff form without this browser's form token (400). */
  checkStaffForm(req: Request, body: Record<string, unknown>): void {
    this.frame.checkStaffForm(req, body);
  }

  render(res: Response, p: PortalRequest, view: string, data: Record<string, unknown>, options: RenderOptions): void {
    this.frame.render(res, p, view, data, options);
  }

  slot(p: PortalRequest, slot: PortalSlot, context: SlotContext = {}): Promise<string[]> {
    return this.frame.slot(p, slot, context);
  }
}
