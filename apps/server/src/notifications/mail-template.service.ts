import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { fromRoot } from '../common/project-root.js';
import { ENV, type Env } from '../config/env.config.js';
import { INSTALLATION, TenantContext } from '../tenancy/tenant-context.js';
import { brandingSchema, type TenantBranding, type TenantSettings } from '../tenancy/tenant-config.schema.js';
import { TenantRegistryService } from '../tenancy/tenant-registry.service.js';
import type { EmailContent, NotificationLocale, NotificationTemplate } from './notification.types.js';

export type MailLocale = NotificationLocale;

export interface RenderedMailText {
  from?: EmailContent['from'];
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
}

type Part = 'subject' | 'html' | 'text' | 'sms';

/** How a template's data becomes what its files see, and which files a mail carries. */
export interface TemplateOptions<D> {
  /** The channels it has files for: mail needs subject, html and text parts, SMS an sms part. */
  channels: Array<'email' | 'sms'>;
  context?: (data: D, locale: MailLocale) => Record<string, unknown> | Promise<Record<string, unknown>>;
  attachments?: (data: D, locale: MailLocale) => Promise<EmailContent['attachments']>;
}

/**
 * Handlebars mail templates. A template `<namespace>/<name>` is looked up first in the tenant's
 * folder (`tenants/<slug>/templates/<namespace>/<name>.<locale>.<part>.hbs`), then in the folder
 * its owner registered; English falls back to German part by part. The HTML body is wrapped in
 * `layout.html.hbs` (tenant override, else the core layout) with the tenant's branding. An SMS
 * is the `sms` part, plain text (no HTML escaping).
 */
@Injectable()
export class MailTemplateService {
  private readonly dirs = new Map<string, string>([['core', fromRoot('apps/server/src/notifications/templates')]]);
  private readonly compiled = new Map<string, Handlebars.TemplateDelegate | null>();
  private readonly hbs = Handlebars.create();

  constructor(
    @Inject(ENV) private readonly env: Env,
    private readonly registry: TenantRegistryService,
  ) {}

  /** A plugin registers the folder holding its templates, e.g. ('booking', plugins/booking/templates). */
  register(namespace: string, dir: string): void {
    this.dirs.set(namespace, dir);
  }

  /** A notification template (see OutboxService.notify) made of this service's handlebars files. */
  template<D>(id: string, options: TemplateOptions<D>): NotificationTemplate<D> {
    const context = async (data: D, locale: MailLocale) => (options.context ? await options.context(data, locale) : (data as Record<string, unknown>));
    return {
      id,
      email: options.channels.includes('email')
        ? async (data, locale) => ({
            ...(await this.render(id, locale, await context(data, locale))),
            attachments: options.attachments ? await options.attachments(data, locale) : [],
          })
        : undefined,
      sms: options.channels.includes('sms') ? async (data, locale) => this.renderSms(id, locale, await context(data, locale)) : undefined,
    };
  }

  async render(template: string, locale: MailLocale, data: Record<string, unknown>): Promise<RenderedMailText> {
    const { tenant, context, part } = await this.parts(template, locale, data);
    const body = part('html');
    const layout = this.lookup(tenant.slug, 'core', 'layout.html.hbs', true)!;
    return {
      ...(tenant.slug ? this.sender(tenant) : {}),
      subject: part('subject').replace(/\s+/g, ' ').trim(),
      html: layout({ ...context, body: new Handlebars.SafeString(body) }),
      text: part('text'),
    };
  }

  /**
   * A town's mail comes from the town: its sender name (default: its name) at its sender address
   * (default: the server's MAIL_FROM address), answers going to its reply or contact address.
   */
  private sender(tenant: { name: string; branding: TenantBranding; settings: Record<string, unknown> }): Pick<RenderedMailText, 'from' | 'replyTo'> {
    const settings = tenant.settings as Partial<TenantSettings>;
    const address = settings.mailFromAddress ?? /<([^>]+)>\s*$/.exec(this.env.MAIL_FROM)?.[1] ?? this.env.MAIL_FROM.trim();
    const replyTo = settings.mailReplyTo ?? tenant.branding.contactEmail;
    return { from: { name: settings.mailFromName ?? tenant.name, address }, ...(replyTo ? { replyTo } : {}) };
  }

  /** The text of an SMS: the `sms` part, whitespace runs folded (every character costs). */
  async renderSms(template: string, locale: MailLocale, data: Record<string, unknown>): Promise<string> {
    const { part } = await this.parts(template, locale, data);
    return part('sms')
      .replace(/[ \t]+/g, ' ')
      .replace(/\s*\n\s*/g, '\n')
      .trim();
  }

  /** The tenant, what the files see, and a renderer of one part (English falls back to German). */
  private async parts(template: string, locale: MailLocale, data: Record<string, unknown>) {
    const ref = TenantContext.current();
    // Installation mail has no tenant: the product's name and default branding, no tenant overrides.
    const tenant =
      ref.id === INSTALLATION.id ? { name: ref.name, slug: null, branding: brandingSchema.parse({}), settings: {} } : await this.registry.row(ref.id);
    const context = {
      ...data,
      locale,
      en: locale === 'en',
      tenant: { name: tenant.name, slug: tenant.slug, branding: tenant.branding },
      baseUrl: this.env.PUBLIC_BASE_URL,
    };
    const [namespace, name] = template.includes('/') ? template.split('/', 2) : ['core', template];
    const part = (p: Part) => {
      const fn = this.lookup(tenant.slug, namespace, `${name}.${locale}.${p}.hbs`) ?? this.lookup(tenant.slug, namespace, `${name}.de.${p}.hbs`);
      if (!fn) throw new Error(`Mail template ${template} (${p}) not found`);
      return fn(context);
    };
    return { tenant, context, part };
  }

  private tenantsDir(): string {
    return this.env.TENANTS_DIR ?? fromRoot('tenants');
  }

  private lookup(slug: string | null, namespace: string, file: string, required = false): Handlebars.TemplateDelegate | null {
    const tenantFile = !slug
      ? null
      : namespace === 'core'
        ? join(this.tenantsDir(), slug, 'templates', file)
        : join(this.tenantsDir(), slug, 'templates', namespace, file);
    const dir = this.dirs.get(namespace);
    for (const path of [tenantFile, dir ? join(dir, file) : null]) {
      if (!path) continue;
      if (!this.compiled.has(path)) {
        // An SMS is plain text: no HTML escaping of names and addresses.
        this.compiled.set(path, existsSync(path) ? this.hbs.compile(readFileSync(path, 'utf8'), { noEscape: path.endsWith('.sms.hbs') }) : null);
      }
      const fn = this.compiled.get(path);
      if (fn) return fn;
    }
    if (required) throw new Error(`Mail template ${namespace}/${file} not found`);
    return null;
  }
}
