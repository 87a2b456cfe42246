/** Field errors of a page: field name → message key under `errors.` of the page's catalogue. */
export type FieldErrors = Record<string, string>;

type Query = Record<string, unknown>;

/** A field value as one string: the first of repeated values. */
export function firstString(value: unknown): string | undefined {
  if (Array.isArray(value)) return firstString(value[0]);
  return typeof value === 'string' ? value : undefined;
}

function all(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(all);
  return typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
    : [];
}

/** The first string of a query or form field (repeated fields and arrays give their first). */
export function queryString(q: Query, key: string): string | undefined {
  return firstString(q[key]);
}

/** A field's values, repeated or comma-separated, without duplicates. */
export function queryList(q: Query, key: string): string[] {
  return [...new Set(all(q[key]))];
}
