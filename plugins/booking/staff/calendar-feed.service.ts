import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import icalGenerator, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { In } from 'typeorm';
import { AuditService } from '../../../apps/server/src/audit/audit.service.js';
import { Counter } from '../../../apps/server/src/catalog/entities/counter.entity.js';
import { DomainError } from '../../../apps/server/src/common/domain-error.js';
import { addDays } from '../../../apps/server/src/common/local-time.js';
import { randomToken } from '../../../apps/server/src/common/random-token.js';
import { ENV, type Env } from '../../../apps/server/src/config/env.config.js';
import { PluginHostService } from '../../../apps/server/src/plugin-host/plugin-host.service.js';
import { TenantContext } from '../../../apps/server/src/tenancy/tenant-context.js';
import { TenantDataService } from '../../../apps/server/src/tenancy/tenant-data.service.js';
import { isUuidShaped } from '../../../apps/server/src/database/uuid-entity.js';
import { bookingManifest } from '../booking.manifest.js';
import { Booking } from '../entities/booking.entity.js';
import { CalendarFeed } from '../entities/calendar-feed.entity.js';
import { BOOKED, CalendarService } from './calendar.service.js';
import type { StaffScope } from './calendar.types.js';
import { StaffAccessService } from './staff-access.service.js';
import { COUNTER_UNKNOWN, type StaffActor } from './staff-bookings.service.js';

export const FEED_NOT_FOUND = 'Kalender-Abo nicht gefunden.';
/** What a feed shows: the past week (for late entries) and the next four weeks (the booking horizon). */
export const FEED_DAYS_BACK = 7;
export const FEED_DAYS_AHEAD = 28;

export interface FeedInfo {
  id: string;
  locationId: string;
  counterId: string | null;
  createdAt: string;
}

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

/**
 * Private calendar subscriptions (ICS) per location or counter, for the office's Outlook or
 * Thunderbird. The URL carries a secret of which only the hash is stored; supervisors and
 * administrators issue and revoke them. The feed is computed per request (no cache), so a booking
 * shows on the next fetch; it holds reference and services, names only when the tenant enables
 * `calendarFeedNames`, never email or phone.
 */
@Injectable()
export class CalendarFeedService {
  constructor(
    private readonly data: TenantDataService,
    private readonly access: StaffAccessService,
    private readonly calendar: CalendarService,
    private readonly host: PluginHostService,
    private readonly audit: AuditService,
    @Inject(ENV) private readonly env: Env,
  ) {}

  /** Issues a feed; the URL (with the secret) is shown this once. */
  async issue(scope: StaffScope, actor: StaffActor, locationId: string, counterId: string | null): Promise<FeedInfo & { url: string }> {
    this.access.assertSupervisor(scope);
    await this.access.location(scope, locationId);
    if (counterId !== null && (await this.data.repo(Counter).countBy({ id: counterId, locationId })) === 0) {
      throw new DomainError('COUNTER_UNKNOWN', COUNTER_UNKNOWN);
    }
    const secret = randomToken(32);
    const feed = this.data.repo(CalendarFeed).create({ id: randomUUID(), locationId, counterId, secretHash: hash(secret), createdBy: actor.id });
    await this.data.writeTx(async (tx) => {
      await tx.repo(CalendarFeed).insert([feed]);
      await this.audit.writeInTx(tx, {
        actor,
        action: 'calendar-feed.issued',
        resource: 'calendar-feed',
        recordId: feed.id,
        changes: { locationId: [null, locationId], counterId: [null, counterId] },
      });
    });
    const saved = await this.data.repo(CalendarFeed).getById(feed.id, 'CalendarFeed');
    return { ...info(saved), url: `${this.env.PUBLIC_BASE_URL}/api/v1/tenants/${TenantContext.current().slug}/calendar-feeds/${secret}.ics` };
  }

  async list(scope: StaffScope, locationId: string): Promise<FeedInfo[]> {
    this.access.assertSupervisor(scope);
    await this.access.location(scope, locationId);
    return (await this.data.repo(CalendarFeed).find({ where: { locationId }, order: { createdAt: 'ASC', id: 'ASC' } })).map(info);
  }

  /** Revokes a feed: its URL answers 404 from now on. */
  async revoke(scope: StaffScope, actor: StaffActor, id: string): Promise<void> {
    this.access.assertSupervisor(scope);
    const feed = isUuidShaped(id) ? await this.data.repo(CalendarFeed).findOneBy({ id }) : null;
    if (!feed) throw new NotFoundException(FEED_NOT_FOUND);
    await this.access.location(scope, feed.locationId);
    await this.data.writeTx(async (tx) => {
      if ((await tx.repo(CalendarFeed).delete({ id })) !== 1) return;
      await this.audit.writeInTx(tx, { actor, action: 'calendar-feed.revoked', resource: 'calendar-feed', recordId: id, changes: {} });
    });
  }

  /** The ICS of the feed with this secret, or 404 (unknown, revoked, or another town's). */
  async ics(secret: string): Promise<string> {
    const feed = /^[A-Za-z0-9_-]{20,100}$/.test(secret) ? await this.data.repo(CalendarFeed).findOneBy({ secretHash: hash(secret) }) : null;
    if (!feed) throw new NotFoundException(FEED_NOT_FOUND);
    const tenant = TenantContext.current();
    const today = this.calendar.today();
    const scope: StaffScope = { userId: feed.createdBy, role: 'supervisor', locationIds: [feed.locationId] };
    const days = await this.calendar.range(scope, feed.locationId, addDays(today, -FEED_DAYS_BACK), addDays(today, FEED_DAYS_AHEAD));
    const entries = days.flatMap((d) => d.entries).filter((e) => BOOKED.has(e.status) && (feed.counterId === null || e.counterId === feed.counterId));
    const withNames = (await this.host.settings(bookingManifest)).calendarFeedNames;
    const names = withNames && entries.length ? await this.names(entries.map((e) => e.id)) : new Map<string, string>();
    const counters = new Map((await this.data.repo(Counter).find({ where: { locationId: feed.locationId } })).map((c) => [c.id, c.name] as const));
    const location = days[0]?.location.name ?? '';
    const cal = icalGenerator({
      name: feed.counterId ? `${location} – ${counters.get(feed.counterId) ?? ''}` : location,
      prodId: { company: 'Amtszeit', product: 'staff-calendar', language: 'DE' },
      ttl: 60,
    });
    cal.method(ICalCalendarMethod.PUBLISH);
    for (const e of entries) {
      const services = e.services.map((s) => `${s.quantity} × ${s.name}`).join(', ');
      const name = names.get(e.id);
      cal.createEvent({
        id: `${e.id}@${tenant.slug}.amtszeit.staff`,
        start: new Date(e.startAt),
        end: new Date(e.endAt),
        summary: [e.reference, name, services].filter(Boolean).join(' – '),
        description: [`Vorgangsnummer: ${e.reference}`, `Anliegen: ${services}`, e.counterId ? `Schalter: ${counters.get(e.counterId) ?? ''}` : '']
          .filter(Boolean)
          .join('\n'),
        location,
        status: ICalEventStatus.CONFIRMED,
      });
    }
    return cal.toString();
  }

  private async names(ids: string[]): Promise<Map<string, string>> {
    const rows = await this.data.repo(Booking).find({ where: { id: In(ids) }, select: { id: true, citizen: { name: true }, anonymizedAt: true } });
    return new Map(rows.filter((r) => !r.anonymizedAt && r.citizen.name).map((r) => [r.id, r.citizen.name]));
  }
}

function info(feed: CalendarFeed): FeedInfo {
  return { id: feed.id, locationId: feed.locationId, counterId: feed.counterId, createdAt: feed.createdAt.toISOString() };
}
