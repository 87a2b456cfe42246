import { BadRequestException, Injectable } from '@nestjs/common';
import { Clock } from '../../apps/server/src/common/clock.js';
import { addDays, isIsoDate, localDate, localDateTimeToInstant } from '../../apps/server/src/common/local-time.js';
import { CatalogService } from '../../apps/server/src/catalog/catalog.service.js';
import { PluginHostService } from '../../apps/server/src/plugin-host/plugin-host.service.js';
import { TenantContext } from '../../apps/server/src/tenancy/tenant-context.js';
import { TenantDataService } from '../../apps/server/src/tenancy/tenant-data.service.js';
import { resolveRequest, type ServiceRequest } from './booking-request.js';
import { CHANNEL_FALLBACK } from './capacity.service.js';
import { CapacityUnit } from './entities/capacity-unit.entity.js';
import { MAX_HORIZON_DAYS } from './release.service.js';
import { bookingManifest } from './booking.manifest.js';

export interface AvailabilityQuery {
  services: ServiceRequest[];
  locationIds?: string[];
  from: string;
  to: string;
  channel?: 'online' | 'phone' | 'kiosk';
}

export interface AvailabilityDay {
  locationId: string;
  date: string;
  /** Tenant-local ISO 8601 with offset, ascending. */
  starts: string[];
}

export interface Availability {
  minutes: number;
  days: AvailabilityDay[];
}

interface FreeSlot {
  locationId: string;
  localDate: string;
  localStart: string;
  slotMinutes: number;
  utcOffsetMinutes: number;
  at: number;
}

/**
 * Free start times: where the consecutive slots a request needs all have a released unit left on
 * the channel. One grouped query over the released units, whatever the number of days and
 * locations (the catalog and the settings come from the config cache).
 */
@Injectable()
export class AvailabilityService {
  constructor(
    private readonly data: TenantDataService,
    private readonly clock: Clock,
    private readonly host: PluginHostService,
    private readonly catalog: CatalogService,
  ) {}

  async find(query: AvailabilityQuery): Promise<Availability> {
    const tenant = TenantContext.current();
    const channel = query.channel ?? 'online';
    if (!isIsoDate(query.from) || !isIsoDate(query.to)) throw new BadRequestException('from and to must be dates YYYY-MM-DD.');
    if (query.from > query.to) throw new BadRequestException('from must not be after to.');
    const now = this.clock.now();
    const today = localDate(now, tenant.timeZone);
    const from = query.from < today ? today : query.from;
    const lastDay = addDays(today, MAX_HORIZON_DAYS);
    const to = query.to > lastDay ? lastDay : query.to;
    const settings = await this.host.settings(bookingManifest);
    const resolved = await resolveRequest(this.catalog, query.services, settings, channel);
    const locationIds = query.locationIds?.length ? resolved.locationIds.filter((id) => query.locationIds!.includes(id)) : resolved.locationIds;
    if (locationIds.length === 0 || from > to) return { minutes: resolved.minutes, days: [] };

    const channels = CHANNEL_FALLBACK[channel];
    // The range on slotStart uses the unique index (tenantId, locationId, slotStart, channel).
    const qb = this.data
      .repo(CapacityUnit)
      .qb('u')
      .select('u.locationId', 'locationId')
      .addSelect('u.localDate', 'localDate')
      .addSelect('u.localStart', 'localStart')
      .addSelect('u.slotMinutes', 'slotMinutes')
      .addSelect('u.utcOffsetMinutes', 'utcOffsetMinutes')
      .andWhere('u.locationId IN (:...locationIds)', { locationIds })
      .andWhere('u.slotStart >= :fromInstant AND u.slotStart < :toInstant', {
        fromInstant: localDateTimeToInstant(from, '00:00', tenant.timeZone),
        toInstant: localDateTimeToInstant(addDays(to, 1), '00:00', tenant.timeZone),
      })
      .andWhere('u.channel IN (:...channels)', { channels })
      .andWhere('u.used < u.capacity');
    // One channel: one row per slot already; several (phone, kiosk fall back to online): group.
    if (channels.length > 1) {
      qb.groupBy('u.locationId').addGroupBy('u.localDate').addGroupBy('u.localStart').addGroupBy('u.slotMinutes').addGroupBy('u.utcOffsetMinutes');
    }
    const rows: Array<Record<string, unknown>> = await qb.getRawMany();

    // Sorted here, not in SQL: ORDER BY made MariaDB sort on disk. The rows mostly arrive in index order.
    const byDay = new Map<string, FreeSlot[]>();
    let dayMs = 0;
    let dayOf = '';
    for (const r of rows) {
      const locationId = String(r.locationId);
      const localDate = String(r.localDate);
      const localStart = String(r.localStart);
      const utcOffsetMinutes = Number(r.utcOffsetMinutes);
      if (localDate !== dayOf) {
        dayOf = localDate;
        dayMs = wallMs(localDate);
      }
      const slot: FreeSlot = {
        locationId,
        localDate,
        localStart,
        slotMinutes: Number(r.slotMinutes),
        utcOffsetMinutes,
        at: dayMs + (minutesOfDay(localStart) - utcOffsetMinutes) * 60_000,
      };
      const key = locationId + localDate;
      const list = byDay.get(key);
      if (list) list.push(slot);
      else byDay.set(key, [slot]);
    }
    const days: AvailabilityDay[] = [];
    // Online, the tenant's lead time keeps the next minutes free (nobody gets there in time; staff get notice).
    const nowMs = now.getTime() + (channel === 'online' ? settings.minLeadMinutes * 60_000 : 0);
    for (const slots of byDay.values()) {
      slots.sort((a, b) => a.at - b.at);
      const starts = freeStarts(slots, resolved.minutes, nowMs);
      if (starts.length) days.push({ locationId: slots[0].locationId, date: slots[0].localDate, starts });
    }
    days.sort((a, b) => (a.date === b.date ? locationIds.indexOf(a.locationId) - locationIds.indexOf(b.locationId) : a.date < b.date ? -1 : 1));
    return { minutes: resolved.minutes, days };
  }
}

/** Starts (after `nowMs`, now plus any lead time) where back-to-back free slots of one location-day cover the request's minutes. */
function freeStarts(slots: FreeSlot[], minutes: number, nowMs: number): string[] {
  const starts: string[] = [];
  for (let i = 0; i < slots.length; i++) {
    if (slots[i].at <= nowMs) continue;
    let covered = slots[i].slotMinutes;
    let j = i;
    while (covered < minutes && j + 1 < slots.length && slots[j + 1].at === slots[j].at + slots[j].slotMinutes * 60_000) {
      j += 1;
      covered += slots[j].slotMinutes;
    }
    if (covered >= minutes) starts.push(localIso(slots[i]));
  }
  return starts;
}

/** Midnight of a local date as if it were UTC; the slot's own offset then gives the instant. */
function wallMs(date: string): number {
  return Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10));
}

/** 'HH:MM' → minutes after midnight, without allocating substrings. */
function minutesOfDay(time: string): number {
  const d = (i: number) => time.charCodeAt(i) - 48;
  return (d(0) * 10 + d(1)) * 60 + d(3) * 10 + d(4);
}

const offsetSuffixes = new Map<number, string>();

/** '2026-03-30T09:00:00+02:00' without a time-zone library call per start. */
function localIso(slot: FreeSlot): string {
  const off = slot.utcOffsetMinutes;
  let suffix = offsetSuffixes.get(off);
  if (suffix === undefined) {
    const abs = Math.abs(off);
    suffix = `:00${off < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    offsetSuffixes.set(off, suffix);
  }
  return `${slot.localDate}T${slot.localStart}${suffix}`;
}
