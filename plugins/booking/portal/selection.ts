import type { PublicService } from '../../../apps/server/src/catalog/catalog.service.js';
import { firstString, queryList, type FieldErrors } from '../../../apps/server/src/web/form-query.js';

/** The citizen's choice of services, carried from step to step in the query string. */
export interface ServiceChoice {
  serviceId: string;
  quantity: number;
}

type Query = Record<string, unknown>;

/** `id:qty,id:qty`, the same notation as the JSON API's `services` parameter. */
export function formatServices(choices: ServiceChoice[]): string {
  return choices.map((c) => `${c.serviceId}:${c.quantity}`).join(',');
}

/**
 * Reads the choice either from the canonical `services=id:qty,…` or from the first step's form,
 * which sends one number field `n_<serviceId>` per service (plain HTML cannot build the list).
 * Unknown and non-bookable services, quantities outside 1…max and more than `maxServices` entries
 * are errors keyed by the field that caused them. Online only what is bookable online; staff
 * booking by phone may pass every service (`bookable`).
 */
export function parseServices(
  q: Query,
  catalog: PublicService[],
  maxServices: number,
  bookable: (s: PublicService) => boolean = (s) => s.onlineBookable,
): { choices: ServiceChoice[]; errors: FieldErrors; raw: Record<string, string> } {
  const raw: Record<string, string> = {};
  for (const entry of queryList(q, 'services')) {
    const [id, qty = '1'] = entry.split(':');
    raw[id] = qty;
  }
  for (const [key, value] of Object.entries(q)) {
    const id = key.startsWith('n_') ? key.slice(2) : null;
    const v = firstString(value)?.trim();
    if (id && v !== undefined && v !== '' && v !== '0') raw[id] = v;
  }
  const errors: FieldErrors = {};
  const choices: ServiceChoice[] = [];
  for (const [id, qty] of Object.entries(raw)) {
    const service = catalog.find((s) => s.id === id && bookable(s));
    if (!service) {
      errors.services = 'services.unknown';
      continue;
    }
    const quantity = Number(qty);
    if (!/^\d+$/.test(qty) || quantity < 1 || quantity > service.maxQuantity) {
      errors[`n_${id}`] = 'services.quantityRange';
      continue;
    }
    choices.push({ serviceId: id, quantity });
  }
  if (choices.length === 0 && Object.keys(errors).length === 0) errors.services = 'services.none';
  if (choices.length > maxServices) errors.services = 'services.tooMany';
  // Catalogue order, so the same choice always gives the same URL.
  choices.sort((a, b) => catalog.findIndex((s) => s.id === a.serviceId) - catalog.findIndex((s) => s.id === b.serviceId));
  return { choices, errors, raw };
}

/** Locations that offer every chosen service: a booking takes place at one location. */
export function locationsOffering(choices: ServiceChoice[], catalog: PublicService[]): string[] {
  const sets = choices.map((c) => new Set(catalog.find((s) => s.id === c.serviceId)?.locations.map((l) => l.id) ?? []));
  if (sets.length === 0) return [];
  return [...sets[0]].filter((id) => sets.every((s) => s.has(id)));
}
