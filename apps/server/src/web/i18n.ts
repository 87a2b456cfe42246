import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCALES = ['de', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

type Tree = { [key: string]: string | Tree };
export type Params = Record<string, string | number | null | undefined>;
export type Translate = (key: string, params?: Params) => string;

function flatten(tree: Tree, prefix = '', out = new Map<string, string>()): Map<string, string> {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else flatten(v, key, out);
  }
  return out;
}

/**
 * Message catalogues of one UI (one JSON file per locale and folder, nested keys; a plugin's pages
 * read the page frame's folder and their own, and a key in both is an error). `{name}` placeholders are
 * filled from params; a key with `.one`/`.other` children is chosen by the `count` param. A
 * missing key is a programming error and throws, so a typo cannot ship as a raw key.
 */
export class Messages {
  private readonly catalogues: Record<Locale, Map<string, string>>;

  constructor(...dirs: string[]) {
    this.catalogues = Object.fromEntries(
      LOCALES.map((l) => {
        const merged = new Map<string, string>();
        for (const dir of dirs) {
          for (const [key, message] of flatten(JSON.parse(readFileSync(join(dir, `${l}.json`), 'utf8')) as Tree)) {
            if (merged.has(key)) throw new Error(`Message '${key}' (${l}) is defined twice (${dirs.join(', ')})`);
            merged.set(key, message);
          }
        }
        return [l, merged];
      }),
    ) as Record<Locale, Map<string, string>>;
  }

  keys(locale: Locale): string[] {
    return [...this.catalogues[locale].keys()].sort();
  }

  translator(locale: Locale): Translate {
    const catalogue = this.catalogues[locale];
    const plural = new Intl.PluralRules(locale);
    return (key, params = {}) => {
      const count = params.count;
      const message =
        (typeof count === 'number' ? (catalogue.get(`${key}.${plural.select(count)}`) ?? catalogue.get(`${key}.other`)) : undefined) ?? catalogue.get(key);
      if (message === undefined) throw new Error(`Missing message '${key}' (${locale})`);
      return message.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name] ?? '') : whole));
    };
  }
}
