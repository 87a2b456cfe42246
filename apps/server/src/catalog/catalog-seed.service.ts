import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { TenantConfigError } from '../tenancy/tenant-config.loader.js';
import { hhmm } from '../tenancy/tenant-config.schema.js';
import { TenantDataService } from '../tenancy/tenant-data.service.js';
import { Closure } from './entities/closure.entity.js';
import { Counter } from './entities/counter.entity.js';
import { DocumentChecklistItem } from './entities/document-checklist-item.entity.js';
import { Location } from './entities/location.entity.js';
import { ReleasePolicy } from './entities/release-policy.entity.js';
import { ScheduleRange } from './entities/schedule-range.entity.js';
import { Schedule } from './entities/schedule.entity.js';
import { ServiceOffering } from './entities/service-offering.entity.js';
import { Service } from './entities/service.entity.js';

const WEEKDAYS = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 } as const;
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
const range = z.object({ from: hhmm, to: hhmm, counters: z.number().int().min(1).max(100) }).strict();

const catalogSchema = z
  .object({
    locations: z.array(
      z
        .object({
          key: z.string(),
          name: z.string(),
          street: z.string(),
          postalCode: z.string(),
          city: z.string(),
          directions: z.string().optional(),
          accessibility: z.string().optional(),
          phone: z.string().optional(),
          email: z.string().optional(),
          counters: z.array(z.object({ name: z.string(), room: z.string().optional() }).strict()).default([]),
          schedule: z
            .object({
              name: z.string().default('Öffnungszeiten'),
              validFrom: date,
              validTo: date.optional(),
              slotMinutes: z.number().int().min(5).max(240),
              hours: z.partialRecord(z.enum(Object.keys(WEEKDAYS) as [keyof typeof WEEKDAYS]), z.array(range)),
            })
            .strict(),
        })
        .strict(),
    ),
    services: z.array(
      z
        .object({
          name: z.string(),
          nameEn: z.string().optional(),
          description: z.string().optional(),
          durationMinutes: z.number().int().min(1),
          maxQuantity: z.number().int().min(1).max(10).default(1),
          fee: z.number().min(0).optional(),
          onlineBookable: z.boolean().default(true),
          walkIn: z.boolean().default(true),
          leikaKey: z.string().optional(),
          locations: z.array(z.string()).min(1),
          checklist: z.array(z.union([z.string(), z.object({ de: z.string(), en: z.string() })])).default([]),
        })
        .strict(),
    ),
    closures: z.array(z.object({ from: date, to: date, reason: z.string(), location: z.string().optional() }).strict()).default([]),
    releasePolicy: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/**
 * Seeds a tenant's demo catalog from `tenants/<slug>/catalog.yaml` when the tenant has no
 * locations yet; from then on administrators own the catalog.
 */
@Injectable()
export class CatalogSeedService {
  private readonly logger = new Logger('CatalogSeed');

  constructor(private readonly data: TenantDataService) {}

  /** Must run inside the tenant's context. Returns whether anything was written. */
  async seedIfEmpty(tenantDir: string): Promise<boolean> {
    const file = join(tenantDir, 'catalog.yaml');
    if (!existsSync(file)) return false;
    if ((await this.data.repo(Location).count()) > 0) return false;
    const parsed = catalogSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TenantConfigError(`Invalid catalog in ${file}: field "${issue.path.join('.')}": ${issue.message}`);
    }
    const catalog = parsed.data;
    await this.data.transaction(async (tx) => {
      const locationIds = new Map<string, string>();
      for (const l of catalog.locations) {
        const location = await tx.repo(Location).save(
          tx.repo(Location).create({
            name: l.name,
            street: l.street,
            postalCode: l.postalCode,
            city: l.city,
            directions: l.directions ?? null,
            accessibility: l.accessibility ?? null,
            phone: l.phone ?? null,
            email: l.email ?? null,
            active: true,
          }),
        );
        locationIds.set(l.key, location.id);
        await tx
          .repo(Counter)
          .save(l.counters.map((c) => tx.repo(Counter).create({ locationId: location.id, name: c.name, room: c.room ?? null, active: true })));
        const schedule = await tx.repo(Schedule).save(
          tx.repo(Schedule).create({
            locationId: location.id,
            name: l.schedule.name,
            validFrom: l.schedule.validFrom,
            validTo: l.schedule.validTo ?? null,
            slotMinutes: l.schedule.slotMinutes,
          }),
        );
        const ranges = Object.entries(l.schedule.hours).flatMap(([day, list]) =>
          list.map((r) =>
            tx
              .repo(ScheduleRange)
              .create({ scheduleId: schedule.id, weekday: WEEKDAYS[day as keyof typeof WEEKDAYS], startTime: r.from, endTime: r.to, counters: r.counters }),
          ),
        );
        await tx.repo(ScheduleRange).save(ranges);
      }
      const locationId = (key: string) => {
        const id = locationIds.get(key);
        if (!id) throw new TenantConfigError(`Invalid catalog in ${file}: unknown location key '${key}'`);
        return id;
      };
      for (const [position, s] of catalog.services.entries()) {
        const service = await tx.repo(Service).save(
          tx.repo(Service).create({
            name: s.name,
            nameEn: s.nameEn ?? null,
            description: s.description ?? null,
            durationMinutes: s.durationMinutes,
            maxQuantity: s.maxQuantity,
            feeCents: s.fee === undefined ? null : Math.round(s.fee * 100),
            onlineBookable: s.onlineBookable,
            walkIn: s.walkIn,
            leikaKey: s.leikaKey ?? null,
            position,
            active: true,
          }),
        );
        await tx.repo(DocumentChecklistItem).save(
          s.checklist.map((item, i) =>
            tx.repo(DocumentChecklistItem).create({
              serviceId: service.id,
              position: i,
              text: typeof item === 'string' ? item : item.de,
              textEn: typeof item === 'string' ? null : item.en,
            }),
          ),
        );
        await tx.repo(ServiceOffering).save(s.locations.map((key) => tx.repo(ServiceOffering).create({ serviceId: service.id, locationId: locationId(key) })));
      }
      await tx
        .repo(Closure)
        .save(
          catalog.closures.map((c) =>
            tx.repo(Closure).create({ fromDate: c.from, toDate: c.to, reason: c.reason, locationId: c.location ? locationId(c.location) : null }),
          ),
        );
      await tx.repo(ReleasePolicy).save(tx.repo(ReleasePolicy).create({ locationId: null, ...(catalog.releasePolicy ?? {}) }));
    });
    this.logger.log(`Seeded demo catalog from ${file}`);
    return true;
  }
}
