import { In, type DataSource } from 'typeorm';
import { DocumentChecklistItem } from '../../apps/server/src/catalog/entities/document-checklist-item.entity.js';
import { Location } from '../../apps/server/src/catalog/entities/location.entity.js';
import { ServiceOffering } from '../../apps/server/src/catalog/entities/service-offering.entity.js';
import { Service } from '../../apps/server/src/catalog/entities/service.entity.js';
import { TENANT_DATA } from '../features/access.js';
import { Rules } from '../features/validation.js';
import type { AdminResourceDefinition } from './define-resource.js';

export const NOT_OFFERED = '⚠ an keinem Standort angeboten';

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
    validate: (d) => {
      const r = new Rules(d)
        .text('name')
        .text('nameEn', { required: false })
        .int('durationMinutes', 1, 480, { message: 'Die Dauer muss zwischen 1 und 480 Minuten liegen.' })
        .int('maxQuantity', 1, 20, { message: 'Bitte eine Anzahl von 1 bis 20 angeben.' })
        .int('feeCents', 0, 10_000_000, { required: false, message: 'Die Gebühr darf nicht negativ sein.' })
        .int('position', 0, 9999)
        .pattern('leikaKey', /^\d{14}$/, 'Ein LeiKa-Schlüssel hat 14 Ziffern.', { required: false });
      if (d.checklist !== undefined) {
        const lines = checklistLines(d.checklist);
        if (lines.length > 30) r.fail('checklist', 'Höchstens 30 Unterlagen.');
        if (lines.some((l) => l.length > 500)) r.fail('checklist', 'Jede Zeile darf höchstens 500 Zeichen haben.');
      }
      return r.errors;
    },
    prepare: (input) => (input.checklist !== undefined ? { checklist: input.checklist } : {}),
    async afterWrite(saved, _before, ctx, input) {
      if (saved && input.checklist !== undefined && saved.tenantId) {
        await syncChecklist(ctx.dataSource, saved.tenantId, saved.id, checklistLines(input.checklist));
      }
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
        const names = offerings
          .filter((o) => o.serviceId === row.id && o.tenantId === row.tenantId)
          .map((o) => locationName.get(o.locationId))
          .filter(Boolean);
        row.locations = names.length ? names.join(', ') : NOT_OFFERED;
      }
    },
  },
  options: {
    listProperties: ['name', 'durationMinutes', 'maxQuantity', 'onlineBookable', 'walkIn', 'locations'],
    sort: { sortBy: 'position', direction: 'asc' },
    properties: {
      description: { type: 'textarea' },
      durationMinutes: { description: 'helpDuration' },
      maxQuantity: { description: 'helpMaxQuantity' },
      feeCents: { description: 'helpFeeCents' },
      leikaKey: { description: 'helpLeika' },
      checklist: { type: 'textarea', description: 'helpChecklist', isVisible: { list: false, filter: false, show: true, edit: true }, position: 50 },
      locations: { type: 'string', description: 'helpLocations', isVisible: { list: true, filter: false, show: true, edit: false }, position: 60 },
    },
  },
};
