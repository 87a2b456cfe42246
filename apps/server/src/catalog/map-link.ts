/** OpenStreetMap's search: a link the citizen follows, never an embedded map (no third-party request from a page). */
const OSM_SEARCH = 'https://www.openstreetmap.org/search?query={address}';

/**
 * The map link of a location's address: the tenant's own map (`settings.mapUrl`, a URL with
 * `{address}`) or OpenStreetMap's search.
 */
export function mapLink(address: { street: string; postalCode: string; city: string }, template: string | undefined | null): string {
  return (template ?? OSM_SEARCH).replace('{address}', encodeURIComponent(`${address.street}, ${address.postalCode} ${address.city}`));
}
