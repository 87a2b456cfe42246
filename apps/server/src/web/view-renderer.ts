import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import { DateTime } from 'luxon';
import { mapLink } from '../catalog/map-link.js';
import { formatEuro } from '../common/euro.js';
import type { AssetRegistry } from './assets.js';
import type { Locale, Params, Translate } from './i18n.js';

/** What every render knows besides the page's own data; reachable in helpers and partials as @-data. */
export interface RenderData {
  locale: Locale;
  t: Translate;
  /** IANA zone for dates and times. */
  zone: string;
}

type HelperOptions = Handlebars.HelperOptions & { data: { root: unknown } & RenderData };

function toDateTime(value: unknown, zone: string): DateTime {
  // A bare calendar date is a day in the tenant's zone; an instant keeps its offset until converted.
  const dt =
    value instanceof Date
      ? DateTime.fromJSDate(value)
      : /^\d{4}-\d{2}-\d{2}$/.test(String(value))
        ? DateTime.fromISO(String(value), { zone })
        : DateTime.fromISO(String(value), { setZone: true });
  if (!dt.isValid) throw new Error(`Not a date: ${String(value)}`);
  return dt.setZone(zone);
}

/** Where a renderer finds its templates. */
export interface ViewRoots {
  /** `<views>/<view>.hbs` pages. */
  views: string;
  /** Partial folders, all in one namespace: a name defined twice is an error. */
  partials: string[];
  /** `<layouts>/<layout>.hbs`, which gets the page as `{{{body}}}`. */
  layouts: string;
}

/**
 * Server-side HTML with handlebars for one UI: pages from one views folder, partials from several
 * folders (the page frame's and the plugin's own), layouts from the frame. Templates are compiled
 * once; in development they are re-read on every render so edits show without a restart.
 */
export class ViewRenderer {
  private readonly hbs = Handlebars.create();
  private readonly compiled = new Map<string, Handlebars.TemplateDelegate>();

  constructor(
    private readonly roots: ViewRoots,
    private readonly assets: AssetRegistry,
    private readonly reload = false,
  ) {
    this.registerHelpers();
    this.loadPartials();
  }

  render(view: string, context: object, data: RenderData, layout = 'main'): string {
    this.refresh();
    const options = { data, allowProtoPropertiesByDefault: false };
    const body = this.template(join(this.roots.views, view))(context, options);
    return this.template(join(this.roots.layouts, layout))({ ...context, body }, options);
  }

  /** A partial alone with the page's @-data (a contribution to another UI's page). */
  renderPartial(name: string, context: object, data: RenderData): string {
    this.refresh();
    if (!this.hbs.partials[name]) throw new Error(`Unknown partial '${name}' in ${this.roots.partials.join(', ')}`);
    const key = `partial:${name}`;
    let template = this.compiled.get(key);
    if (!template) {
      template = this.hbs.compile(`{{> ${name}}}`);
      this.compiled.set(key, template);
    }
    return template(context, { data, allowProtoPropertiesByDefault: false });
  }

  private refresh(): void {
    if (!this.reload) return;
    this.compiled.clear();
    this.loadPartials();
  }

  private template(path: string): Handlebars.TemplateDelegate {
    let template = this.compiled.get(path);
    if (!template) {
      template = this.hbs.compile(readFileSync(`${path}.hbs`, 'utf8'), { strict: false, noEscape: false });
      this.compiled.set(path, template);
    }
    return template;
  }

  private loadPartials(): void {
    const seen = new Map<string, string>();
    for (const dir of this.roots.partials) {
      if (!existsSync(dir)) continue;
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.hbs'))) {
        const name = basename(file, '.hbs');
        const other = seen.get(name);
        if (other && other !== dir) throw new Error(`Partial '${name}' is defined in ${other} and ${dir}`);
        seen.set(name, dir);
        this.hbs.registerPartial(name, readFileSync(join(dir, file), 'utf8'));
      }
    }
  }

  private registerHelpers(): void {
    const h = this.hbs;
    // {{t "key" name=value}}: a message of the page's language, HTML-escaped by handlebars.
    h.registerHelper('t', (key: string, options: HelperOptions) => options.data.t(key, options.hash as Params));
    h.registerHelper('asset', (path: string) => {
      const [namespace, ...file] = path.split('/');
      return this.assets.url(namespace, file.join('/'));
    });
    h.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    h.registerHelper('not', (a: unknown) => !a);
    h.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
    h.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
    h.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
    h.registerHelper('includes', (list: unknown, item: unknown) => Array.isArray(list) && list.includes(item));
    // Dates in the tenant's zone and the page's language: "Montag, 30. November 2026" / "09:15".
    h.registerHelper('date', (value: unknown, options: HelperOptions) =>
      toDateTime(value, options.data.zone).setLocale(options.data.locale).toLocaleString({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
    );
    h.registerHelper('shortDate', (value: unknown, options: HelperOptions) =>
      toDateTime(value, options.data.zone).setLocale(options.data.locale).toLocaleString({ weekday: 'short', day: 'numeric', month: 'short' }),
    );
    h.registerHelper('time', (value: unknown, options: HelperOptions) =>
      toDateTime(value, options.data.zone).setLocale(options.data.locale).toLocaleString({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    );
    // {{mapLink location.address}}: the tenant's map (the page's branding) or OpenStreetMap; a plain link.
    h.registerHelper('mapLink', (address: { street: string; postalCode: string; city: string }, options: HelperOptions) =>
      mapLink(address, (options.data.root as { branding?: { mapUrl?: string | null } }).branding?.mapUrl),
    );
    h.registerHelper('money', (value: unknown, options: HelperOptions) => formatEuro(Number(value), options.data.locale === 'de' ? 'de' : 'en'));
  }
}
