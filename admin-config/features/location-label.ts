import { In, type DataSource } from 'typeorm';
import { Location } from '../../apps/server/src/catalog/entities/location.entity.js';
import { adminComponent } from '../components.js';
import type { PanelMessage } from '../locale.js';

/** The message key a row for every location carries; the column shows it in the panel's language. */
export const ALL_LOCATIONS = 'allLocations' satisfies PanelMessage;

const LocationLabel = adminComponent('AmtszeitLocationLabel', 'location-label.ts');

/**
 * Adds `locationLabel` to rows with a nullable `locationId` (release policies, closures): the
 * location's name, or ALL_LOCATIONS ("alle Standorte" / "all locations") where the row applies to every location.
 */
export async function decorateLocationLabel(rows: Record<string, any>[], dataSource: DataSource): Promise<void> {
  const ids = [...new Set(rows.map((r) => r.locationId).filter(Boolean))];
  const tenants = [...new Set(rows.map((r) => r.tenantId))];
  const names = ids.length
    ? new Map((await dataSource.getRepository(Location).find({ where: { id: In(ids), tenantId: In(tenants) } })).map((l) => [l.id, l.name]))
    : new Map<string, string>();
  for (const row of rows) row.locationLabel = row.locationId ? (names.get(row.locationId) ?? '') : ALL_LOCATIONS;
}

/** The list/show column for it (the reference field stays in the form). */
export const LOCATION_LABEL_PROPERTY = {
  type: 'string',
  components: { list: LocationLabel, show: LocationLabel },
  isVisible: { list: true, filter: false, show: true, edit: false },
};
