import { In, type DataSource } from 'typeorm';
import { DocumentChecklistItem } from '../../apps/server/src/catalog/entities/document-checklist-item.entity.js';
import { Location } from '../../apps/server/src/catalog/entities/location.entity.js';
import { ServiceOffering } from '../../apps/server/src/catalog/entities/service-offering.entity.js';
import { Service } from '../../apps/server/src/catalog/entities/service.entity.js';
import { adminComponent } from '../components.js';
import { TENANT_DATA } from '../features/access.js';
import { EURO_MESSAGE, formatEuro, parseEuro } from '../features/euro.js';
import { MSG, Rules } from '../features/validation.js';
import { ownRows } from '../scoped-resource.js';
import type { AdminResourceDefinition } from './define-resource.js';

export const NOT_OFFERED = '⚠ an keinem Standort angeboten';

const LocationPicker = adminComponent('AmtszeitLocationPicker', 'location-picker.ts');

/** The submitted location ids (a comma-separated list from the form), or undefined when not submitted. */
function locationIdsOf(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  return [
    ...new Set(
      String(value ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    ),
  ];
}

/** Makes the service offered exactly at these locations (rows of other locations removed, new ones added). */
async function syncOfferings(dataSource: DataSource, tenantId: string, serviceId: string, locationIds: string[]): Promise<void> {
  await dataSource.transaction(async (manager) => {
    const repo = manager.getRepository(ServiceOffering);
    const existing = await repo.find({ where: { tenantId, serviceId } });
    const gone = existing.filter((o) => !locationIds.includes(o.locationId)).map((o) => o.id);
    if (gone.length) await repo.delete({ id: In(gone), tenantId });
    const have = new Set(existing.map((o) => o.locationId));
    for (const locationId of locationIds.filter((id) => !have.has(id))) await repo.save(repo.create({ tenantId, serviceId, locationId }));
  });
}

/** One document per line, in order. */
function checklistLines(text: unknown): string[] {
  return String(text ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Makes the service's checklist match the lines: unchanged items keep their translation. */
async function syncChecklist(dataSource: DataSource, tenantId: string, serviceId: string, lines: string[]): Promise<void> {
  await dataSource.transaction(async (manager) => {
    const repo = manager.getRepository(DocumentChecklistItem);
    const existing = await repo.find({ where: { tenantId, serviceId }, order: { position: 'ASC' } });
    for (const [position, text] of lines.entries()) {
      const item = existing[position];
      if (!item) await repo.save(repo.create({ tenantId, serviceId, text, textEn: null, position }));
      else if (item.text !== text || item.position !== position) {
        await repo.update({ id: item.id, tenantId }, { text, position, textEn: item.text === text ? item.textEn : null });
      }
    }
    const extra = existing.slice(lines.length).map((i) => i.id);
    if (extra.length) await repo.delete({ id: In(extra), tenantId });
  });
}

export const serviceResource: AdminResourceDefinition = {
  entity: Service,
  navigation: 'stammdaten',
  access: TENANT_DATA,
  rules: {
    scope: 'tenant-owned',
    // The fee is entered in euros (`fee`); the cents column is set only from it.
    readOnly: ['feeCents'],
    async validate(d, ctx) {
      const r = new Rules(d)
        .text('name')
        .text('nameEn', { required: false })
        .int('durationMinutes', 1, 480, { message: 'Die Dauer muss zwischen 1 und 480 Minuten liegen.' })
        .int('maxQuantity', 1, 20, { message: 'Bitte eine Anzahl von 1 bis 20 angeben.' })
        .int('position', 0, 9999)
        .pattern('leikaKey', /^\d{14}$/, 'Ein LeiKa-Schlüssel hat 14 Ziffern.', { required: false });
      if (d.feeCents !== null && d.feeCents !== undefined && !(Number.isInteger(d.feeCents) && d.feeCents >= 0 && d.feeCents <= 10_000_000)) {
        r.fail('fee', 'Die Gebühr muss zwischen 0,00 € und 100.000,00 € liegen.');
      }
      if (d.checklist !== undefined) {
        const lines = checklistLines(d.checklist);
        if (lines.length > 30) r.fail('checklist', 'Höchstens 30 Unterlagen.');
        if (lines.some((l) => l.length > 500)) r.fail('checklist', 'Jede Zeile darf höchstens 500 Zeichen haben.');
      }
      const locationIds = locationIdsOf(d.locationIds);
      if (locationIds?.length) {
        // Only locations of the service's own tenant; another tenant's id counts as unknown.
        if (!(await ownRows(ctx.dataSource, Location, locationIds, ctx.tenantId))) r.fail('locationIds', MSG.reference);
      }
      return r.errors;
    },
    prepare(input, _ctx, errors) {
      const out: Record<string, unknown> = {};
      if (input.checklist !== undefined) out.checklist = input.checklist;
      if (input.locationIds !== undefined) out.locationIds = input.locationIds;
      if (input.fee !== undefined) {
        const cents = parseEuro(String(input.fee ?? ''));
        if (cents === undefined) errors.fee = EURO_MESSAGE;
        else out.feeCents = cents;
      }
      return out;
    },
    async afterWrite(saved, _before, ctx, input) {
      if (!saved?.tenantId) return;
      if (input.checklist !== undefined) await syncChecklist(ctx.dataSource, saved.tenantId, saved.id, checklistLines(input.checklist));
      const locationIds = locationIdsOf(input.locationIds);
      if (locationIds) await syncOfferings(ctx.dataSource, saved.tenantId, saved.id, locationIds);
    },
    async decorate(rows, { dataSource }) {
      const ids = rows.map((r) => r.id);
      const tenants = [...new Set(rows.map((r) => r.tenantId))];
      const items = await dataSource
        .getRepository(DocumentChecklistItem)
        .find({ where: { serviceId: In(ids), tenantId: In(tenants) }, order: { position: 'ASC' } });
      const offerings = await dataSource.getRepository(ServiceOffering).find({ where: { serviceId: In(ids), tenantId: In(tenants) } });
      const locations = offerings.length
        ? await dataSource.getRepository(Location).find({ where: { id: In([...new Set(offerings.map((o) => o.locationId))]), tenantId: In(tenants) } })
        : [];
      const locationName = new Map(locations.map((l) => [l.id, l.name]));
      for (const row of rows) {
        row.checklist = items
          .filter((i) => i.serviceId === row.id && i.tenantId === row.tenantId)
          .map((i) => i.text)
          .join('\n');
        const offered = offerings.filter((o) => o.serviceId === row.id && o.tenantId === row.tenantId && locationName.has(o.locationId));
        row.locationIds = offered.map((o) => o.locationId).join(',');
        const names = offered.map((o) => locationName.get(o.locationId));
        row.locations = names.length ? names.join(', ') : NOT_OFFERED;
        row.fee = formatEuro(row.feeCents);
      }
    },
  },
  options: {
    listProperties: ['name', 'durationMinutes', 'fee', 'onlineBookable', 'walkIn', 'locations'],
    sort: { sortBy: 'position', direction: 'asc' },
    // One form in the order a clerk fills it in: what, how long, what it costs, where, what to bring.
    properties: {
      name: { position: 10 },
      nameEn: { position: 11 },
      description: { type: 'textarea', position: 20 },
      durationMinutes: { description: 'helpDuration', position: 30 },
      maxQuantity: { description: 'helpMaxQuantity', position: 31 },
      onlineBookable: { position: 40 },
      walkIn: { position: 41 },
      leikaKey: { description: 'helpLeika', position: 70 },
      position: { position: 71 },
      active: { position: 72 },
      feeCents: { isVisible: false },
      fee: { type: 'string', description: 'helpFee', isVisible: { list: true, filter: false, show: true, edit: true }, position: 35 },
      checklist: {
        type: 'textarea',
        props: { rows: 6 },
        description: 'helpChecklist',
        isVisible: { list: false, filter: false, show: true, edit: true },
        position: 50,
      },
      locationIds: {
        type: 'string',
        description: 'helpLocationIds',
        components: { edit: LocationPicker },
        isVisible: { list: false, filter: false, show: false, edit: true },
        position: 45,
      },
      locations: { type: 'string', isVisible: { list: true, filter: false, show: true, edit: false }, position: 46 },
    },
  },
};
