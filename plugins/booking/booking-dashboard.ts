import { Injectable } from '@nestjs/common';
import { MoreThan } from 'typeorm';
import { CatalogService } from '../../apps/server/src/catalog/catalog.service.js';
import { Clock } from '../../apps/server/src/common/clock.js';
import { addDays, isoWeekday, localDate, localDateTimeToInstant } from '../../apps/server/src/common/local-time.js';
import type { DashboardFigure, DashboardFigureProvider } from '../../apps/server/src/plugin-host/plugin.types.js';
import { TenantContext } from '../../apps/server/src/tenancy/tenant-context.js';
import { TenantDataService } from '../../apps/server/src/tenancy/tenant-data.service.js';
import { Booking } from './entities/booking.entity.js';

/** Bookings that hold an appointment: confirmed, or still waiting for the email confirmation. */
const HOLDING = ['confirmed', 'pending'] as const;

/**
 * The booking plugin's start-page figures: appointments today and this week (Monday to Sunday,
 * tenant-local) per location, and unconfirmed bookings holding capacity right now.
 */
@Injectable()
export class BookingDashboardFigures implements DashboardFigureProvider {
  constructor(
    private readonly data: TenantDataService,
    private readonly catalog: CatalogService,
    private readonly clock: Clock,
  ) {}

  async dashboardFigures(): Promise<DashboardFigure[]> {
    const zone = TenantContext.current().timeZone;
    const now = this.clock.now();
    const today = localDate(now, zone);
    const monday = addDays(today, 1 - isoWeekday(today));
    const day = (date: string) => localDateTimeToInstant(date, '00:00', zone);
    const [todayRows, weekRows, holds, catalog] = await Promise.all([
      this.perLocation(day(today), day(addDays(today, 1))),
      this.perLocation(day(monday), day(addDays(monday, 7))),
      this.data.repo(Booking).count({ where: { status: 'pending', holdUntil: MoreThan(now) } }),
      this.catalog.snapshot(),
    ]);
    const byLocation = (rows: Map<string, number>) =>
      catalog.locations.filter((l) => l.active || rows.has(l.id)).map((l) => ({ location: l.name, value: rows.get(l.id) ?? 0 }));
    const sum = (rows: Map<string, number>) => [...rows.values()].reduce((a, b) => a + b, 0);
    return [
      { key: 'today', label: { de: 'Termine heute', en: 'Appointments today' }, value: sum(todayRows), byLocation: byLocation(todayRows) },
      { key: 'week', label: { de: 'Termine diese Woche', en: 'Appointments this week' }, value: sum(weekRows), byLocation: byLocation(weekRows) },
      { key: 'holds', label: { de: 'Unbestätigte Buchungen (reserviert)', en: 'Unconfirmed bookings (held)' }, value: holds },
    ];
  }

  /** Holding bookings starting in [from, to), counted per location. */
  private async perLocation(from: Date, to: Date): Promise<Map<string, number>> {
    const rows = await this.data
      .repo(Booking)
      .qb('b')
      .select('b.locationId', 'locationId')
      .addSelect('COUNT(*)', 'n')
      .andWhere('b.status IN (:...holding)', { holding: HOLDING })
      .andWhere('b.startAt >= :from AND b.startAt < :to', { from, to })
      .groupBy('b.locationId')
      .getRawMany<{ locationId: unknown; n: unknown }>();
    return new Map(rows.map((r) => [String(r.locationId), Number(r.n)]));
  }
}
