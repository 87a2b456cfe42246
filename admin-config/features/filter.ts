import type { Filter } from 'adminjs';
import { Between, Equal, LessThanOrEqual, Like, MoreThanOrEqual } from 'typeorm';

/**
 * AdminJS list/search filters → a TypeORM where object. Our own (the adapter does not export its
 * converter) and deliberately small: text contains, exact numbers, booleans, references and
 * date ranges; anything else is ignored rather than passed to SQL.
 */
export function filterToWhere(filter: Filter | undefined, columns: Set<string>): Record<string, unknown> {
  const where: Record<string, unknown> = {};
  // Keys are property paths: `citizen.email` (an embedded object's column) becomes { citizen: { email } }.
  const put = (path: string, value: unknown) => {
    const parts = path.split('.');
    let at = where;
    for (const part of parts.slice(0, -1)) at = (at[part] ??= {}) as Record<string, unknown>;
    at[parts[parts.length - 1]] = value;
  };
  for (const element of Object.values(filter?.filters ?? {})) {
    const key = element.path;
    if (!columns.has(key)) continue;
    const type = element.property.type();
    const value = element.value as unknown;
    if (typeof value === 'object' && value !== null) {
      const { from, to } = value as { from?: string; to?: string };
      if (type !== 'date' && type !== 'datetime') continue;
      const a = from ? new Date(from) : null;
      const b = to ? new Date(to) : null;
      if ((a && Number.isNaN(a.getTime())) || (b && Number.isNaN(b.getTime()))) continue;
      if (a && b) put(key, Between(a, b));
      else if (a) put(key, MoreThanOrEqual(a));
      else if (b) put(key, LessThanOrEqual(b));
      continue;
    }
    const text = String(value ?? '');
    if (text === '') continue;
    switch (type) {
      case 'number':
        if (/^-?\d+(\.\d+)?$/.test(text)) put(key, Equal(Number(text)));
        break;
      case 'boolean':
        put(key, Equal(text === 'true'));
        break;
      case 'reference':
        put(key, Equal(text));
        break;
      default:
        if (key === 'id') put(key, Equal(text));
        else put(key, Like(`%${text}%`));
    }
  }
  return where;
}
