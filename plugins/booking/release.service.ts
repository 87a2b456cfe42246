import { Injectable } from '@nestjs/common';
import { Between, In, MoreThan } from 'typeorm';
import { Closure } from '../../apps/server/src/catalog/entities/closure.entity.js';
import { ReleasePolicy } from '../../apps/server/src/catalog/entities/release-policy.entity.js';
import { ScheduleRange } from '../../apps/server/src/catalog/entities/schedule-range.entity.js';
import { Schedule } from '../../apps/server/src/catalog/entities/schedule.entity.js';
import { Location } from '../../apps/server/src/catalog/entities/location.entity.js';
import { OpeningCalendarService, type OpeningSlot } from '../../apps/server/src/catalog/opening-calendar.service.js';
import { Clock } from '../../apps/server/src/common/clock.js';
import { addDays, localDate } from '../../apps/server/src/common/local-time.js';
import { isUniqueViolation } from '../../apps/server/src/database/db-errors.js';
import { EventBusService } from '../../apps/server/src/events/event-bus.service.js';
import { PluginHostService } from '../../apps/server/src/plugin-host/plugin-host.service.js';
import { TenantContext } from '../../apps/server/src/tenancy/tenant-context.js';
import type { TenantTx } from '../../apps/server/src/tenancy/tenant-data.service.js';
import { TenantDataService } from '../../apps/server/src/tenancy/tenant-data.service.js';
import { splitShares } from './capacity-shares.js';
import { AGENT_CHANNEL_CONSUMER, CapacityService } from './capacity.service.js';
import { CapacityUnit, CHANNELS, type Channel } from './entities/capacity-unit.entity.js';
import { ReleaseState } from './entities/release-state.entity.js';

/** Nobody books more than four weeks ahead, whatever a policy says (source articles). */
export const MAX_HORIZON_DAYS = 28;

export type EffectivePolicy = Pick<
  ReleasePolicy,
  | 'dailyReleaseTime'
  | 'horizonDays'
  | 'sameDayReleaseTime'
  | 'shareOnlinePercent'
  | 'shareAgentPercent'
  | 'sharePhonePercent'
  | 'shareKioskPercent'
  | 'cancelReturnDelayMinutes'
>;

const DEFAULT_POLICY: EffectivePolicy = {
  dailyReleaseTime: '09:00',
  horizonDays: 21,
  sameDayReleaseTime: '07:00',
  shareOnlinePercent: 70,
  shareAgentPercent: 20,
  sharePhonePercent: 10,
  shareKioskPercent: 0,
  cancelReturnDelayMinutes: 60,
};

export interface ReleaseReport {
  locationId: string;
  days: string[];
  units: number;
  sameDay: boolean;
}

/**
 * Turns opening hours into bookable capacity (Terminkontingente). At the daily release time the
 * days up to the horizon open; at the same-day release time today's capacity opens (Tagestermine)
 * and today's unused agent share goes online, since no proposal could be accepted in time. The
 * agent share counts as online while no enabled plugin consumes the agent channel. Each run
 * publishes what it opened (booking.capacity-released). A watermark per location makes
 * every run idempotent and lets a run after downtime catch up everything missed.
 */
@Injectable()
export class ReleaseService {
  constructor(
    private readonly data: TenantDataService,
    private readonly clock: Clock,
    private readonly calendar: OpeningCalendarService,
    private readonly host: PluginHostService,
    private readonly events: EventBusService,
    private readonly capacity: CapacityService,
  ) {}

  /** The policy in force at a location: its own row, else the tenant default, else built-in defaults. */
  async policies(locationIds: string[]): Promise<Map<string, EffectivePolicy>> {
    const rows = await this.data.repo(ReleasePolicy).find();
    const fallback = rows.find((r) => r.locationId === null) ?? DEFAULT_POLICY;
    return new Map(locationIds.map((id) => [id, rows.find((r) => r.locationId === id) ?? fallback]));
  }

  async releaseDue(): Promise<ReleaseReport[]> {
    const tenant = TenantContext.current();
    const now = this.clock.now();
    const today = localDate(now, tenant.timeZone);
    const clock = now.toLocaleTimeString('en-GB', { timeZone: tenant.timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const agentOn = await this.host.hasCapability(tenant.id, AGENT_CHANNEL_CONSUMER);
    const locations = await this.data.repo(Location).findBy({ active: true });
    const policies = await this.policies(locations.map((l) => l.id));
    const states = await this.data.repo(ReleaseState).find();
    const stamp = await this.catalogStamp();
    const reports: ReleaseReport[] = [];
    for (const location of locations) {
      const policy = policies.get(location.id)!;
      const state = states.find((s) => s.locationId === location.id);
      const horizon = Math.min(policy.horizonDays, MAX_HORIZON_DAYS);
      const through = addDays(today, clock >= policy.dailyReleaseTime ? horizon : horizon - 1);
      const first = state?.releasedThrough && state.releasedThrough >= today ? addDays(state.releasedThrough, 1) : addDays(today, 1);
      const sameDay = clock >= policy.sameDayReleaseTime && state?.sameDayReleased !== today;
      // Opening hours or closures changed after days were released: bring those days in line.
      const stale = !!state?.releasedThrough && state.releasedThrough >= today && state.catalogStamp !== stamp;
      if (first > through && !sameDay && !stale) continue;
      const days: string[] = [];
      const opened: Record<Channel, number> = { online: 0, agent: 0, phone: 0, kiosk: 0 };
      const done = await this.data
        .writeTx(async (tx) => {
          if (stale) {
            const from = state!.sameDayReleased === today ? today : addDays(today, 1);
            await this.resync(tx, location.id, from, state!.releasedThrough!, policy, agentOn, now, opened);
          }
          if (first <= through) {
            const { slots } = await this.calendar.slots([location.id], first, through);
            await this.materialise(tx, location.id, slots, policy, agentOn, opened);
            for (let d = first; d <= through; d = addDays(d, 1)) days.push(d);
          }
          if (sameDay) {
            const { slots } = await this.calendar.slots([location.id], today, today);
            await this.materialise(
              tx,
              location.id,
              slots.filter((s) => s.start > now),
              policy,
              agentOn,
              opened,
            );
            await this.moveFree(tx, location.id, 'agent', 'online', today, today);
            days.push(today);
          }
          if (!agentOn) await this.moveFree(tx, location.id, 'agent', 'online', today, addDays(today, MAX_HORIZON_DAYS));
          // Capacity opened inside a running block is withheld before anyone can book it.
          await this.capacity.withholdForBlocks(tx, location.id);
          const repo = tx.repo(ReleaseState);
          const patch = {
            releasedThrough: first <= through ? through : (state?.releasedThrough ?? null),
            sameDayReleased: sameDay ? today : (state?.sameDayReleased ?? null),
            catalogStamp: stamp,
          };
          if (state) await repo.update({ id: state.id }, patch);
          else await repo.save(repo.create({ locationId: location.id, ...patch }));
          if (CHANNELS.some((c) => opened[c] > 0)) await this.events.publish(tx, 'booking.capacity-released', { locationId: location.id, days, units: opened });
          // Shares moved between channels can open a time found sold out.
          tx.afterCommit(() => this.capacity.forgetSoldOut());
          return true;
        })
        .catch((err) => {
          // Another run (instance) released the same days first; its watermark counts.
          if (isUniqueViolation(err)) return false;
          throw err;
        });
      if (done) reports.push({ locationId: location.id, days, units: CHANNELS.reduce((sum, c) => sum + opened[c], 0), sameDay });
    }
    return reports;
  }

  /** Count and last change of schedules, ranges and closures: cheap to read every minute. */
  private async catalogStamp(): Promise<string> {
    const parts = await Promise.all(
      [Schedule, ScheduleRange, Closure].map((entity) =>
        this.data
          .repo(entity as typeof Schedule)
          .qb('x')
          .select('COUNT(*)', 'n')
          .addSelect('MAX(x.updatedAt)', 'at')
          .getRawOne<{ n: unknown; at: unknown }>(),
      ),
    );
    return parts.map((p) => `${Number(p?.n ?? 0)}@${p?.at instanceof Date ? p.at.toISOString() : String(p?.at ?? '')}`).join('|');
  }

  /**
   * Re-derives released days from the current schedules and closures: new slots are added; slots
   * that no longer exist (a closure added, hours cut) keep their bookings but take no new ones.
   */
  private async resync(
    tx: TenantTx,
    locationId: string,
    from: string,
    to: string,
    policy: EffectivePolicy,
    agentOn: boolean,
    now: Date,
    opened: Record<Channel, number>,
  ): Promise<void> {
    if (from > to) return;
    const { slots } = await this.calendar.slots([locationId], from, to);
    const open = slots.filter((s) => s.start > now);
    await this.materialise(tx, locationId, open, policy, agentOn, opened);
    const wanted = new Set(open.map((s) => s.start.getTime()));
    const released = await tx.repo(CapacityUnit).find({
      select: { id: true, slotStart: true, capacity: true, used: true },
      where: { locationId, localDate: Between(from, to), slotStart: MoreThan(now) },
    });
    const gone = released.filter((u) => !wanted.has(u.slotStart.getTime()) && u.capacity > u.used).map((u) => u.id);
    for (let i = 0; i < gone.length; i += 200) {
      await tx.repo(CapacityUnit).updateWhere({ capacity: () => 'used' }, 'id IN (:...ids)', { ids: gone.slice(i, i + 200) });
    }
  }

  /** Inserts the unit rows of the given slots that do not exist yet; adds their units to `opened`. */
  private async materialise(
    tx: TenantTx,
    locationId: string,
    slots: OpeningSlot[],
    policy: EffectivePolicy,
    agentOn: boolean,
    opened: Record<Channel, number>,
  ): Promise<void> {
    if (slots.length === 0) return;
    const existing = await tx.repo(CapacityUnit).find({
      select: { slotStart: true },
      where: { locationId, slotStart: Between(slots[0].start, slots[slots.length - 1].start) },
    });
    const taken = new Set(existing.map((u) => u.slotStart.getTime()));
    const fresh = slots.filter((s) => !taken.has(s.start.getTime()));
    const shares = {
      online: policy.shareOnlinePercent + (agentOn ? 0 : policy.shareAgentPercent),
      agent: agentOn ? policy.shareAgentPercent : 0,
      phone: policy.sharePhonePercent,
      kiosk: policy.shareKioskPercent,
    };
    // Error diffusion runs per day, so each day's shares add up to the percentages.
    const rows: CapacityUnit[] = [];
    const repo = tx.repo(CapacityUnit);
    const byDay = new Map<string, OpeningSlot[]>();
    for (const s of fresh) byDay.set(s.date, [...(byDay.get(s.date) ?? []), s]);
    for (const daySlots of byDay.values()) {
      const parts = splitShares(
        daySlots.map((s) => s.capacity),
        shares,
      );
      daySlots.forEach((slot, i) => {
        for (const channel of CHANNELS) {
          if (parts[i][channel] <= 0) continue;
          rows.push(
            repo.create({
              locationId,
              slotStart: slot.start,
              slotMinutes: (slot.end.getTime() - slot.start.getTime()) / 60_000,
              localDate: slot.date,
              localStart: slot.localStart,
              utcOffsetMinutes: utcOffsetMinutes(slot),
              channel,
              capacity: parts[i][channel],
              used: 0,
            }),
          );
        }
      });
    }
    for (let i = 0; i < rows.length; i += 200) await repo.save(rows.slice(i, i + 200));
    for (const r of rows) opened[r.channel] += r.capacity;
  }

  /** Moves the free part of one channel's share to another (optimistically; a row in use is skipped). */
  private async moveFree(tx: TenantTx, locationId: string, from: Channel, to: Channel, fromDate: string, toDate: string): Promise<void> {
    const repo = tx.repo(CapacityUnit);
    const source = await repo.find({ where: { locationId, channel: from, localDate: Between(fromDate, toDate), capacity: MoreThan(0) } });
    const open = source.filter((u) => u.used < u.capacity);
    if (open.length === 0) return;
    const targets = await repo.find({ where: { locationId, channel: to, slotStart: In(open.map((u) => u.slotStart)) } });
    for (const unit of open) {
      const free = unit.capacity - unit.used;
      if ((await repo.update({ id: unit.id, capacity: unit.capacity, used: unit.used }, { capacity: unit.used })) !== 1) continue;
      const target = targets.find((t) => t.slotStart.getTime() === unit.slotStart.getTime());
      if (target) {
        await repo.updateWhere({ capacity: () => `capacity + ${free}` }, 'id = :id', { id: target.id });
      } else {
        await repo.save(repo.create({ ...unit, id: undefined, channel: to, capacity: free, used: 0 } as Partial<CapacityUnit> as CapacityUnit));
      }
    }
  }
}

function utcOffsetMinutes(slot: OpeningSlot): number {
  const [h, m] = slot.localStart.split(':').map(Number);
  const [y, mo, d] = slot.date.split('-').map(Number);
  return Math.round((Date.UTC(y, mo - 1, d, h, m) - slot.start.getTime()) / 60_000);
}
