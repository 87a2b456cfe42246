import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { fromRoot } from '../common/project-root.js';
import { ENV, type Env } from '../config/env.config.js';
import { INSTALLATION, TenantContext } from '../tenancy/tenant-context.js';
import { brandingSchema, type TenantBranding, type TenantSettings } from '../tenancy/tenant-config.schema.js';
import { TenantDataService } from '../tenancy/tenant-data.service.js';
import { TenantRegistryService } from '../tenancy/tenant-registry.service.js';
import { MailTemplateOverride } from './mail-template-override.entity.js';
import { PLUGINS, type AmtszeitPlugin } from '../plugin-host/plugin.types.js';
import type { EmailContent, MailTemplateName, NotificationLocale, NotificationTemplate } from './notification.types.js';

export type MailLocale = NotificationLocale;

export interface RenderedMailText {
  from?: EmailContent['from'];
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
}

type Part = 'subject' | 'html' | 'text' | 'sms';

/** What a municipality may change of a mail template in the panel. */
export interface MailTemplateSource {
  subject: string;
  text: string;
  html: string | null;
}

/** The core's own mail templates (a plugin names its own in its definition's `mailTemplates`). */
const CORE_NAMES: Record<string, MailTemplateName> = {
  'login-locked': {
    label: { de: 'Anmeldung gesperrt (Hinweis an das Konto)', en: 'Login locked (notice to the account)' },
    sentWhen: {
      de: 'Wenn die Anmeldung eines Kontos nach mehreren Fehlversuchen vorübergehend gesperrt wird.',
      en: "When an account's login is locked for a while after several failed attempts.",
    },
  },
};

/** Variables every template sees (besides its own data). */
const GLOBAL_VARIABLES = ['tenant.name', 'tenant.slug', 'baseUrl', 'locale', 'en', 'this', '@index', '@first', '@last', 'else'];

/** Why a wording cannot be sent; `detail` names the variables or the parser's complaint. */
export interface MailTemplateProblem {
  problem: 'unknownTemplate' | 'broken' | 'unknownVariable' | 'missingLink';
  detail?: string;
}

/** Plain text as the HTML body: escaped, paragraphs at blank lines, line breaks kept. */
export function textToHtml(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((p) => `<p>${Handlebars.escapeExpression(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

/** Every path a template (its source or its parsed AST) names (`booking.reference`, `links.confirm`, helpers such as `if`). */
function pathsOf(source: string | hbs.AST.Program): Set<string> {
  const paths = new Set<string>();
  class Collect extends Handlebars.Visitor {
    override PathExpression(path: hbs.AST.PathExpression): void {
      paths.add(path.original);
    }
  }
  new Collect().accept(typeof source === 'string' ? Handlebars.parse(source) : source);
  return paths;
}

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
  private readonly names = new Map<string, MailTemplateName>(Object.entries(CORE_NAMES));
  private readonly compiled = new Map<string, Handlebars.TemplateDelegate | null>();
  // The shipped files do not change while running: their listing and variables are read once.
  private keys?: readonly string[];
  private readonly vars = new Map<string, { known: string[]; required: string[] }>();
  private readonly hbs = Handlebars.create();
  /** MAIL_FROM's address (`Name <address>` or a bare address), the default of a town's sender address; parsed at the first mail. */
  private fromAddress?: string;

  constructor(
    @Inject(ENV) private readonly env: Env,
    private readonly registry: TenantRegistryService,
    private readonly data: TenantDataService,
    @Inject(PLUGINS) plugins: AmtszeitPlugin[],
  ) {
    // Each plugin's templates under its name, e.g. `booking/receipt` from plugins/booking/templates.
    for (const { name: namespace, mailTemplates } of plugins) {
      if (!mailTemplates) continue;
      this.dirs.set(namespace, mailTemplates.dir);
      for (const [name, label] of Object.entries(mailTemplates.names)) this.names.set(`${namespace}/${name}`, label);
    }
  }

  /** The panel's names of the templates a municipality may reword (those their owner named). */
  templateNames(): Record<string, MailTemplateName> {
    return Object.fromEntries(this.templateKeys().flatMap((key) => (this.names.has(key) ? [[key, this.names.get(key)!]] : [])));
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
    const address = settings.mailFromAddress ?? (this.fromAddress ??= /<([^>]+)>\s*$/.exec(this.env.MAIL_FROM)?.[1] ?? this.env.MAIL_FROM.trim());
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

  /** The mail templates a municipality may reword (`booking/confirmation`; core ones without a namespace). */
  templateKeys(): readonly string[] {
    if (this.keys) return this.keys;
    const keys: string[] = [];
    for (const [namespace, dir] of this.dirs) {
      if (!existsSync(dir)) continue;
      for (const file of readdirSync(dir)
        .filter((f) => f.endsWith('.de.subject.hbs'))
        .sort()) {
        const name = file.slice(0, -'.de.subject.hbs'.length);
        keys.push(namespace === 'core' ? name : `${namespace}/${name}`);
      }
    }
    return (this.keys = keys);
  }

  /** The shipped wording of a template (the tenant's files first, as for sending). */
  shipped(template: string, locale: MailLocale, slug: string | null): MailTemplateSource {
    const [namespace, name] = this.split(template);
    const read = (part: Part) => {
      for (const path of this.paths(slug, namespace, `${name}.${locale}.${part}.hbs`).concat(this.paths(slug, namespace, `${name}.de.${part}.hbs`))) {
        if (existsSync(path)) return readFileSync(path, 'utf8');
      }
      return '';
    };
    return { subject: read('subject').trim(), text: read('text'), html: read('html') };
  }

  /** The variables a template may use: what its shipped parts use (any language) and the global ones. */
  variables(template: string): { known: string[]; required: string[] } {
    const cached = this.vars.get(template);
    if (cached) return cached;
    const known = new Set(GLOBAL_VARIABLES);
    const required = new Set<string>();
    for (const locale of ['de', 'en'] as const) {
      const shipped = this.shipped(template, locale, null);
      for (const source of [shipped.subject, shipped.text, shipped.html ?? '']) for (const p of pathsOf(source)) known.add(p);
      // A mail without its link (confirm, cancel, accept …) would leave the citizen stuck.
      for (const p of pathsOf(shipped.text)) if (p.startsWith('links.')) required.add(p);
    }
    const out = { known: [...known].sort(), required: [...required].sort() };
    this.vars.set(template, out);
    return out;
  }

  /**
   * What keeps a wording from being sent, per field (templateKey, subject, text, html), language-neutral
   * (the panel words it in its user's language); empty when it can be sent.
   */
  validate(template: string, source: MailTemplateSource): Record<string, MailTemplateProblem> {
    const problems: Record<string, MailTemplateProblem> = {};
    if (!this.templateKeys().includes(template)) return { templateKey: { problem: 'unknownTemplate' } };
    const { known, required } = this.variables(template);
    const used = new Set<string>();
    for (const field of ['subject', 'text', 'html'] as const) {
      const value = source[field];
      if (!value) continue;
      let paths: Set<string>;
      try {
        // Parsed once: the paths are read from the AST before precompiling it (the compiler may change it).
        const ast = Handlebars.parse(value);
        paths = pathsOf(ast);
        this.hbs.precompile(ast);
      } catch (err) {
        problems[field] = { problem: 'broken', detail: String((err as Error).message).split('\n')[0] };
        continue;
      }
      const unknown = [...paths].filter((p) => !known.includes(p));
      if (unknown.length) problems[field] = { problem: 'unknownVariable', detail: unknown.map((u) => `{{${u}}}`).join(', ') };
      for (const p of paths) used.add(p);
    }
    const missing = required.filter((r) => !used.has(r));
    if (missing.length) problems.text ??= { problem: 'missingLink', detail: missing.map((m) => `{{{${m}}}}`).join(', ') };
    return problems;
  }

  /** The wording rendered with sample values (each variable shows its name), for the panel's preview. */
  preview(template: string, source: MailTemplateSource, tenantName: string): { subject: string; text: string } {
    type Sample = { [key: string]: Sample | string };
    const sample: Sample = {};
    for (const path of this.variables(template).known.filter(
      (p) => /^[a-z]/i.test(p) && !['if', 'unless', 'each', 'with', 'else', 'this', 'en', 'locale'].includes(p),
    )) {
      const keys = path.split('.');
      let at = sample;
      for (const key of keys.slice(0, -1)) at = at[key] = typeof at[key] === 'object' ? (at[key] as Sample) : {};
      at[keys.at(-1)!] ??= `‹${path}›`;
    }
    const context = { ...sample, tenant: { name: tenantName }, baseUrl: this.env.PUBLIC_BASE_URL };
    return {
      subject: this.hbs.compile(source.subject)(context).replace(/\s+/g, ' ').trim(),
      text: this.hbs.compile(source.text, { noEscape: true })(context),
    };
  }

  /** The tenant's overrides, compiled, from the config cache (a change in the panel counts within a second everywhere). */
  private overrides(): Promise<Map<string, { subject: Handlebars.TemplateDelegate; text: Handlebars.TemplateDelegate; html: Handlebars.TemplateDelegate }>> {
    return this.data.cached('mail-template-overrides', async (reader) => {
      const out = new Map();
      for (const o of await reader.repo(MailTemplateOverride).find()) {
        const html = o.html?.trim() ? o.html : textToHtml(o.text);
        out.set(`${o.templateKey}|${o.locale}`, {
          subject: this.hbs.compile(o.subject),
          text: this.hbs.compile(o.text, { noEscape: true }),
          html: this.hbs.compile(html),
        });
      }
      return out;
    });
  }

  private split(template: string): [string, string] {
    return template.includes('/') ? (template.split('/', 2) as [string, string]) : ['core', template];
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
    const [namespace, name] = this.split(template);
    // The municipality's own wording from the panel, for mail in this language; otherwise the files.
    const override = tenant.slug ? (await this.overrides()).get(`${template}|${locale}`) : undefined;
    const part = (p: Part) => {
      if (override && p !== 'sms') return override[p](context);
      const fn = this.lookup(tenant.slug, namespace, `${name}.${locale}.${p}.hbs`) ?? this.lookup(tenant.slug, namespace, `${name}.de.${p}.hbs`);
      if (!fn) throw new Error(`Mail template ${template} (${p}) not found`);
      return fn(context);
    };
    return { tenant, context, part };
  }

  private tenantsDir(): string {
    return this.env.TENANTS_DIR ?? fromRoot('tenants');
  }

  /** Where a template file may be: the tenant's folder first, then its owner's. */
  private paths(slug: string | null, namespace: string, file: string): string[] {
    const tenantFile = !slug
      ? null
      : namespace === 'core'
        ? join(this.tenantsDir(), slug, 'templates', file)
        : join(this.tenantsDir(), slug, 'templates', namespace, file);
    const dir = this.dirs.get(namespace);
    return [tenantFile, dir ? join(dir, file) : null].filter((p): p is string => p !== null);
  }

  private lookup(slug: string | null, namespace: string, file: string, required = false): Handlebars.TemplateDelegate | null {
    for (const path of this.paths(slug, namespace, file)) {
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
