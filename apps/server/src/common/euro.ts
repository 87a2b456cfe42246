const formats = new Map<string, Intl.NumberFormat>();

/**
 * An amount in euros as the locale writes it: "1.234,50 €" in German (a no-break space before
 * the sign), "€1,234.50" in English. Mails, portal pages and the panel share it.
 */
export function formatEuro(euros: number, locale: 'de' | 'en'): string {
  const tag = locale === 'en' ? 'en-GB' : 'de-DE';
  let format = formats.get(tag);
  if (!format) formats.set(tag, (format = new Intl.NumberFormat(tag, { style: 'currency', currency: 'EUR' })));
  return format.format(euros);
}
