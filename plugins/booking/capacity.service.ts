import { Injectable } from '@nestjs/common';
import { Between, In, IsNull, LessThanOrEqual } from 'typeorm';
import { Clock } from '../../apps/server/src/common/clock.js';
import { DomainError } from '../../apps/server/src/common/domain-error.js';
import { EventBusService } from '../../apps/server/src/events/event-bus.service.js';
import { TenantDataService, type TenantTx } from '../../apps/server/src/tenancy/tenant-data.service.js';
import { CapacityAllocation } from './entities/capacity-allocation.entity.js';
import { CapacityUnit, type Channel } from './entities/capacity-unit.entity.js';

export type { Channel };

/** Which channel shares a request may draw on, in order of preference. */
export const CHANNEL_FALLBACK: Record<Channel, Channel[]> = {
  online: ['online'],
  agent: ['agent'],
  // Staff and the kiosk use their own share first, then what is left online.
  phone: ['phone', 'online'],
  kiosk: ['kiosk', 'online'],
};

/** The units of each slot an appointment needs, as a precheck read them, and where it ends. */
export interface PrecheckedSlots {
  units: CapacityUnit[][];
  end: Date;
}

export interface HoldSpec {
  locationId: string;
  start: Date;
  minutes: number;
  channels: Channel[];
  ownerId: string;
}

/**
 * The capability a plugin declares when it places appointments from the agent share; without an
 * enabled consumer the release counts that share as online.
 */
export const AGENT_CHANNEL_CONSUMER = 'booking.agent-channel';

export const CAPACITY_GONE = 'This time is no longer available. Please choose another time.';

/**
 * The only code that changes capacity counts. A unit is taken with a conditional update
 * (`used = used + 1 … WHERE used < capacity`), so two contenders for the last unit cannot both
 * win, on SQLite and on MySQL/MariaDB alike; the CHECK constraint backs it up. Every taken unit
 * has an allocation row, and freeing deletes that row before decrementing, so it happens once.
 * Published for the terminagent and kiosk plugins: they hold units on their channels through
 * these methods and never touch the tables.
 */
@Injectable()
export class CapacityService {
  constructor(
    private readonly data: TenantDataService,
    private readonly clock: Clock,
    private readonly events: EventBusService,
  ) {}

  /**
   * Takes consecutive units covering `minutes` from `start`, all or nothing (409 otherwise). `seen`,
   * the slots a precheck found, spares the read: the conditional updates decide either way.
   */
  async holdUnits(tx: TenantTx, spec: HoldSpec, seen?: PrecheckedSlots): Promise<{ end: Date; unitIds: string[] }> {
    const slots = seen ?? (await this.slotsFor(tx, spec));
    const unitIds: string[] = [];
    for (const candidates of slots.units) unitIds.push(await this.takeOne(tx, candidates));
    await this.allocate(tx, spec.ownerId, unitIds);
    return { end: slots.end, unitIds };
  }

  /**
   * Moves an owner's hold to a new time in one step: units of slots it keeps stay taken, new
   * slots are taken, and the ones it leaves are given back (after `delayMinutes`).
   */
  async moveHold(tx: TenantTx, spec: HoldSpec, delayMinutes: number): Promise<{ end: Date }> {
    const current = await tx.repo(CapacityAllocation).findBy({ ownerId: spec.ownerId, releaseAt: IsNull() });
    const currentUnits = current.length ? await tx.repo(CapacityUnit).findBy({ id: In(current.map((a) => a.unitId)) }) : [];
    const slots = await this.slotsFor(tx, spec);
    const kept = new Set<string>();
    const taken: string[] = [];
    for (const candidates of slots.units) {
      const same = currentUnits.find((u) => !kept.has(u.id) && u.locationId === spec.locationId && u.slotStart.getTime() === candidates[0].slotStart.getTime());
      if (same) kept.add(same.id);
      else taken.push(await this.takeOne(tx, candidates));
    }
    await this.allocate(tx, spec.ownerId, taken);
    const leaving = current.filter((a) => !kept.has(a.unitId));
    await this.free(tx, leaving, delayMinutes);
    return { end: slots.end };
  }

  /**
   * A lock-free look whether the slots still have a free unit: in a rush most losers stop here,
   * before any rendering or locking. Advisory only; holdUnits decides. Returns the slots with the
   * appointment's end, so the booking is written complete before its units are taken last.
   */
  async precheck(spec: Omit<HoldSpec, 'ownerId'>): Promise<PrecheckedSlots> {
    const slots = await this.slotsFor({ repo: (entity) => this.data.repo(entity) }, { ...spec, ownerId: '' });
    if (slots.units.some((candidates) => candidates.every((u) => u.used >= u.capacity))) throw new DomainError('CAPACITY_GONE', CAPACITY_GONE);
    return slots;
  }

  /** Gives back everything an owner holds, now or after a delay. Returns the number of units. */
  async releaseUnits(tx: TenantTx, ownerId: string, options: { delayMinutes?: number } = {}): Promise<number> {
    const held = await tx.repo(CapacityAllocation).findBy({ ownerId, releaseAt: IsNull() });
    await this.free(tx, held, options.delayMinutes ?? 0);
    return held.length;
  }

  /** Returns units whose delayed release is due (run by the housekeeping task). */
  async returnDue(limit = 500): Promise<number> {
    const due = await this.data.repo(CapacityAllocation).find({
      where: { releaseAt: LessThanOrEqual(this.clock.now()) },
      take: limit,
    });
    if (due.length === 0) return 0;
    return this.data.writeTx(async (tx) => this.freeNow(tx, due));
  }

  private async free(tx: TenantTx, allocations: CapacityAllocation[], delayMinutes: number): Promise<void> {
    if (allocations.length === 0) return;
    if (delayMinutes <= 0) {
      await this.freeNow(tx, allocations);
      return;
    }
    const releaseAt = new Date(this.clock.now().getTime() + delayMinutes * 60_000);
    await tx.repo(CapacityAllocation).update({ id: In(allocations.map((a) => a.id)), releaseAt: IsNull() }, { releaseAt });
  }

  /** Deletes each allocation and, only if this call deleted it, decrements its unit; publishes what came back. */
  private async freeNow(tx: TenantTx, allocations: CapacityAllocation[]): Promise<number> {
    const freedUnits: string[] = [];
    // One lock order for every caller, so two transactions freeing the same units cannot deadlock each other.
    for (const a of [...allocations].sort((x, y) => x.unitId.localeCompare(y.unitId))) {
      if ((await tx.repo(CapacityAllocation).delete({ id: a.id })) !== 1) continue;
      await tx.repo(CapacityUnit).updateWhere({ used: () => 'used - 1' }, 'id = :id AND used > 0', { id: a.unitId });
      freedUnits.push(a.unitId);
    }
    if (freedUnits.length === 0) return 0;
    const units = await tx
      .repo(CapacityUnit)
      .find({ select: { id: true, locationId: true, channel: true, slotStart: true }, where: { id: In([...new Set(freedUnits)]) } });
    await this.events.publish(tx, 'booking.capacity-freed', {
      slots: units.map((u) => ({ locationId: u.locationId, channel: u.channel, start: u.slotStart.toISOString() })),
    });
    return freedUnits.length;
  }

  private async allocate(tx: TenantTx, ownerId: string, unitIds: string[]): Promise<void> {
    if (unitIds.length === 0) return;
    const repo = tx.repo(CapacityAllocation);
    await repo.insert(unitIds.map((unitId) => repo.create({ unitId, ownerId, releaseAt: null })));
  }

  /** The unit rows of each slot the hold needs, in channel preference order; 409 if any slot is missing. */
  private async slotsFor(tx: Pick<TenantTx, 'repo'>, spec: HoldSpec): Promise<PrecheckedSlots> {
    const rows = await tx.repo(CapacityUnit).find({
      where: {
        locationId: spec.locationId,
        channel: In(spec.channels),
        slotStart: Between(spec.start, new Date(spec.start.getTime() + spec.minutes * 60_000 - 1)),
      },
    });
    const bySlot = new Map<number, CapacityUnit[]>();
    for (const r of rows) bySlot.set(r.slotStart.getTime(), [...(bySlot.get(r.slotStart.getTime()) ?? []), r]);
    const units: CapacityUnit[][] = [];
    let at = spec.start.getTime();
    const until = spec.start.getTime() + spec.minutes * 60_000;
    while (at < until) {
      const slot = bySlot.get(at);
      if (!slot) throw new DomainError('CAPACITY_GONE', CAPACITY_GONE);
      slot.sort((a, b) => spec.channels.indexOf(a.channel) - spec.channels.indexOf(b.channel));
      units.push(slot);
      at += slot[0].slotMinutes * 60_000;
    }
    return { units, end: new Date(at) };
  }

  /** Takes one unit of a slot from the first channel share that has one left. */
  private async takeOne(tx: TenantTx, candidates: CapacityUnit[]): Promise<string> {
    for (const unit of candidates) {
      if ((await tx.repo(CapacityUnit).updateWhere({ used: () => 'used + 1' }, 'id = :id AND used < capacity', { id: unit.id })) === 1) return unit.id;
    }
    throw new DomainError('CAPACITY_GONE', CAPACITY_GONE);
  }
}
