import { Injectable } from '@nestjs/common';
import { Between, In, IsNull, LessThanOrEqual, MoreThan, MoreThanOrEqual } from 'typeorm';
import { Clock } from '../../apps/server/src/common/clock.js';
import { DomainError } from '../../apps/server/src/common/domain-error.js';
import { EventBusService } from '../../apps/server/src/events/event-bus.service.js';
import { TenantContext } from '../../apps/server/src/tenancy/tenant-context.js';
import { TenantDataService, type TenantTx } from '../../apps/server/src/tenancy/tenant-data.service.js';
import { CapacityAllocation } from './entities/capacity-allocation.entity.js';
import { CapacityBlock, CapacityBlockUnit } from './entities/capacity-block.entity.js';
import { CapacityUnit, CHANNELS, type Channel } from './entities/capacity-unit.entity.js';

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
 * How long an instance answers a request for a sold-out time without asking the database again.
 * In a rush thousands ask for the same few sold-out slots. A unit given back on this instance
 * counts at once; one given back on another instance (a cancellation, a lapsed hold) becomes
 * bookable here at most this much later: the config cache's bound. Times not released yet
 * (capacity 0) are never remembered, so the release itself is seen at once everywhere.
 */
export const SOLD_OUT_MEMORY_MS = 1000;
const SOLD_OUT_MEMORY_MAX = 20_000;

/**
 * The only code that changes capacity counts. Units are taken with conditional updates
 * (`used = used + n … WHERE used + n <= capacity`), for bookings on rows locked and read first
 * (lockUnits), so two contenders for the last unit cannot both win, on SQLite and on MySQL/MariaDB
 * alike; the CHECK constraint backs it up. Every taken unit
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

  /** Requests (tenant, location, channels, start, minutes) found sold out → until when (epoch ms). */
  private readonly soldOut = new Map<string, number>();

  /**
   * Locks the units the prechecked slots of several holds could use (in id order, so that two groups
   * never wait for each other in a circle) and reads them fresh: the ledger then assigns them in
   * order and writes what it gave out (UnitLedger).
   */
  async lockUnits(tx: TenantTx, slots: PrecheckedSlots[]): Promise<UnitLedger> {
    const ids = [...new Set(slots.flatMap((s) => s.units.flat().map((u) => u.id)))].sort();
    const rows = ids.length
      ? await tx.repo(CapacityUnit).findForUpdate({ select: { id: true, used: true, capacity: true }, where: { id: In(ids) }, order: { id: 'ASC' } })
      : [];
    return new UnitLedger(new Map(rows.map((r) => [r.id, { used: r.used, capacity: r.capacity }])), (t, owners) => this.allocate(t, owners));
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
    await this.allocate(
      tx,
      taken.map((unitId) => ({ unitId, ownerId: spec.ownerId })),
    );
    const leaving = current.filter((a) => !kept.has(a.unitId));
    await this.free(tx, leaving, delayMinutes);
    return { end: slots.end };
  }

  /**
   * A lock-free look whether the slots still have a free unit: in a rush most losers stop here,
   * before any rendering or locking. Advisory only; the locked read (lockUnits) decides. Returns the
   * slots with the appointment's end, which the booking row needs before its group writes it.
   */
  async precheck(spec: Omit<HoldSpec, 'ownerId'>): Promise<PrecheckedSlots> {
    const key = `${TenantContext.current().id}|${spec.locationId}|${spec.channels.join(',')}|${spec.start.getTime()}|${spec.minutes}`;
    const now = this.clock.now().getTime();
    if ((this.soldOut.get(key) ?? 0) > now) throw new DomainError('CAPACITY_GONE', CAPACITY_GONE);
    const slots = await this.slotsFor({ repo: (entity) => this.data.repo(entity) }, { ...spec, ownerId: '' });
    const gone = slots.units.find((candidates) => candidates.every((u) => u.used >= u.capacity));
    if (gone) {
      if (gone.every((u) => u.capacity > 0)) {
        if (this.soldOut.size >= SOLD_OUT_MEMORY_MAX) this.soldOut.clear();
        this.soldOut.set(key, now + SOLD_OUT_MEMORY_MS);
      }
      throw new DomainError('CAPACITY_GONE', CAPACITY_GONE);
    }
    return slots;
  }

  /** Forgets the times found sold out, once this instance has given units back or opened new ones. */
  forgetSoldOut(): void {
    this.soldOut.clear();
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

  /** Frees allocations now and publishes what came back. */
  private async freeNow(tx: TenantTx, allocations: CapacityAllocation[]): Promise<number> {
    const freedUnits = await this.freeEach(tx, allocations);
    if (freedUnits.length === 0) return 0;
    await this.publishFreed(tx, freedUnits);
    return freedUnits.length;
  }

  /** Deletes each allocation and, only if this call deleted it, decrements its unit; returns the units that became free. */
  private async freeEach(tx: TenantTx, allocations: CapacityAllocation[]): Promise<string[]> {
    const freedUnits: string[] = [];
    // One lock order for every caller, so two transactions freeing the same units cannot deadlock each other.
    for (const a of [...allocations].sort((x, y) => x.unitId.localeCompare(y.unitId))) {
      if ((await tx.repo(CapacityAllocation).delete({ id: a.id })) !== 1) continue;
      // Inside a block that still wants this unit, it leaves the calendar instead of being offered again.
      if (await this.payOwed(tx, a.unitId)) continue;
      await tx.repo(CapacityUnit).updateWhere({ used: () => 'used - 1' }, 'id = :id AND used > 0', { id: a.unitId });
      freedUnits.push(a.unitId);
    }
    return freedUnits;
  }

  /**
   * Gives back at once what an owner holds in slots starting at or after `from` (an appointment
   * finished early), moved to `channel`'s share of each slot: the freed unit's row loses one unit of
   * capacity, the target's row (inserted when missing) gains it, and `booking.capacity-freed` names
   * the target channel. Freeing deletes the allocation first, so a second call gives nothing.
   * Returns the number of units given back.
   */
  async giveBackFrom(tx: TenantTx, ownerId: string, from: Date, channel: Channel): Promise<number> {
    const held = await tx.repo(CapacityAllocation).findBy({ ownerId, releaseAt: IsNull() });
    if (held.length === 0) return 0;
    const later = new Map(
      (await tx.repo(CapacityUnit).find({ where: { id: In(held.map((a) => a.unitId)), slotStart: MoreThanOrEqual(from) } })).map((u) => [u.id, u]),
    );
    const freed = await this.freeEach(
      tx,
      held.filter((a) => later.has(a.unitId)),
    );
    if (freed.length === 0) return 0;
    const repo = tx.repo(CapacityUnit);
    const targets: string[] = [];
    for (const unitId of freed) {
      const unit = later.get(unitId)!;
      if (unit.channel === channel) {
        targets.push(unit.id);
        continue;
      }
      // `used` just went down on this row, which stays locked until commit: the unit is there to move.
      if ((await repo.updateWhere({ capacity: () => 'capacity - 1' }, 'id = :id AND capacity - 1 >= used', { id: unit.id })) !== 1) {
        throw new Error(`Capacity unit ${unit.id} changed under its lock`);
      }
      // Ensures the target row exists (and, on MySQL/MariaDB, locks it) without overwriting its counts.
      await repo.insertOrUpdate(
        repo.create({ ...pick(unit), channel, capacity: 0, used: 0, owed: 0 }),
        ['slotMinutes'],
        ['locationId', 'slotStart', 'channel'],
      );
      const [target] = await repo.find({ select: { id: true }, where: { locationId: unit.locationId, slotStart: unit.slotStart, channel } });
      await repo.updateWhere({ capacity: () => 'capacity + 1' }, 'id = :id', { id: target.id });
      targets.push(target.id);
    }
    await this.publishFreed(tx, targets);
    return freed.length;
  }

  private async publishFreed(tx: TenantTx, unitIds: string[]): Promise<void> {
    tx.afterCommit(() => this.forgetSoldOut());
    const units = await tx
      .repo(CapacityUnit)
      .find({ select: { id: true, locationId: true, channel: true, slotStart: true }, where: { id: In([...new Set(unitIds)]) } });
    await this.events.publish(tx, 'booking.capacity-freed', {
      slots: units.map((u) => ({ locationId: u.locationId, channel: u.channel, start: u.slotStart.toISOString() })),
    });
  }

  /** A freed unit a block still wants: used and capacity go down together, and the block's debt becomes a removal. */
  private async payOwed(tx: TenantTx, unitId: string): Promise<boolean> {
    const paid = await tx
      .repo(CapacityUnit)
      .updateWhere({ used: () => 'used - 1', capacity: () => 'capacity - 1', owed: () => 'owed - 1' }, 'id = :id AND used > 0 AND owed > 0', { id: unitId });
    if (paid !== 1) return false;
    const [debt] = await tx.repo(CapacityBlockUnit).find({ where: { unitId, owed: MoreThan(0) }, order: { id: 'ASC' }, take: 1 });
    if (debt) await tx.repo(CapacityBlockUnit).updateWhere({ owed: () => 'owed - 1', removed: () => 'removed + 1' }, 'id = :id AND owed > 0', { id: debt.id });
    return true;
  }

  /**
   * Applies a block to the units in its range it does not cover yet (a new block, or units the
   * release opened later): per slot one unit of capacity for a counter block, all of it for a
   * location block. Free capacity is removed at once, share by share; what is booked is owed and
   * taken when freed, so capacity never goes below `used`. The units are locked (id order, as a
   * booking locks them) and changed by conditional updates, so a block racing bookings cannot
   * overbook. Returns the number of units of capacity removed now.
   */
  async withhold(tx: TenantTx, block: Pick<CapacityBlock, 'id' | 'locationId' | 'counterId' | 'startAt' | 'endAt'>): Promise<number> {
    const covered = new Set((await tx.repo(CapacityBlockUnit).find({ select: { unitId: true }, where: { blockId: block.id } })).map((r) => r.unitId));
    const ids = (
      await tx.repo(CapacityUnit).find({
        select: { id: true },
        where: { locationId: block.locationId, slotStart: Between(block.startAt, new Date(block.endAt.getTime() - 1)) },
      })
    )
      .map((u) => u.id)
      .filter((id) => !covered.has(id));
    if (ids.length === 0) return 0;
    const units = await tx.repo(CapacityUnit).findForUpdate({ where: { id: In(ids) }, order: { id: 'ASC' } });
    const bySlot = new Map<number, CapacityUnit[]>();
    for (const u of units) bySlot.set(u.slotStart.getTime(), [...(bySlot.get(u.slotStart.getTime()) ?? []), u]);
    const rows: Array<Partial<CapacityBlockUnit>> = [];
    let removedNow = 0;
    for (const slot of bySlot.values()) {
      slot.sort((a, b) => CHANNELS.indexOf(a.channel) - CHANNELS.indexOf(b.channel));
      let want = block.counterId === null ? slot.reduce((n, u) => n + u.capacity, 0) : 1;
      const share = new Map(slot.map((u) => [u.id, { removed: 0, owed: 0 }]));
      for (const u of slot) {
        const n = Math.min(want, u.capacity - u.used);
        if (n <= 0) continue;
        const changed = await tx.repo(CapacityUnit).updateWhere({ capacity: () => `capacity - ${n}` }, 'id = :id AND capacity - :n >= used', { id: u.id, n });
        if (changed !== 1) throw new Error(`Capacity unit ${u.id} changed under its lock`);
        share.get(u.id)!.removed = n;
        want -= n;
        removedNow += n;
      }
      for (const u of slot) {
        const m = Math.min(want, u.used - u.owed);
        if (m <= 0) continue;
        await tx.repo(CapacityUnit).updateWhere({ owed: () => `owed + ${m}` }, 'id = :id AND owed + :m <= used', { id: u.id, m });
        share.get(u.id)!.owed = m;
        want -= m;
      }
      for (const [unitId, { removed, owed }] of share) rows.push({ blockId: block.id, unitId, removed, owed });
    }
    await tx.repo(CapacityBlockUnit).insert(rows, { chunk: 200 });
    return removedNow;
  }

  /** Gives a block's capacity back (removed units return, debts are cancelled) and announces what became free. */
  async restore(tx: TenantTx, blockId: string): Promise<void> {
    const rows = await tx.repo(CapacityBlockUnit).find({ where: { blockId }, order: { unitId: 'ASC' } });
    const returned: string[] = [];
    for (const r of rows) {
      if (r.removed > 0) {
        await tx.repo(CapacityUnit).updateWhere({ capacity: () => `capacity + ${r.removed}` }, 'id = :id', { id: r.unitId });
        returned.push(r.unitId);
      }
      if (r.owed > 0) await tx.repo(CapacityUnit).updateWhere({ owed: () => `owed - ${r.owed}` }, 'id = :id AND owed >= :owed', { id: r.unitId, owed: r.owed });
    }
    await tx.repo(CapacityBlockUnit).delete({ blockId });
    if (returned.length > 0) await this.publishFreed(tx, returned);
  }

  /** Applies a location's running blocks to units released after them (called by the release). */
  async withholdForBlocks(tx: TenantTx, locationId: string): Promise<void> {
    const blocks = await tx.repo(CapacityBlock).find({ where: { locationId, endAt: MoreThan(this.clock.now()) }, order: { createdAt: 'ASC', id: 'ASC' } });
    for (const block of blocks) await this.withhold(tx, block);
  }

  private async allocate(tx: TenantTx, owners: Array<{ unitId: string; ownerId: string }>): Promise<void> {
    if (owners.length === 0) return;
    const repo = tx.repo(CapacityAllocation);
    await repo.insert(owners.map(({ unitId, ownerId }) => repo.create({ unitId, ownerId, releaseAt: null })));
  }

  /** The unit rows of each slot the hold needs, in channel preference order; 409 if any slot is missing. */
  private async slotsFor(tx: Pick<TenantTx, 'repo'>, spec: HoldSpec): Promise<PrecheckedSlots> {
    // A query builder rather than find(): the hottest read of a rush, and find()'s option handling
    // costs more than the query. The columns are those of the covering index, read from it alone.
    const rows = await tx
      .repo(CapacityUnit)
      .qb('u')
      .select(['u.id', 'u.channel', 'u.locationId', 'u.slotStart', 'u.used', 'u.capacity', 'u.slotMinutes'])
      .andWhere('u.locationId = :locationId AND u.channel IN (:...channels) AND u.slotStart BETWEEN :from AND :to', {
        locationId: spec.locationId,
        channels: spec.channels,
        from: spec.start,
        to: new Date(spec.start.getTime() + spec.minutes * 60_000 - 1),
      })
      .getMany();
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

/**
 * Units locked for a group of holds (CapacityService.lockUnits): `take` gives each hold, in the
 * order asked, the first unit of every slot with one left (channel preference order), all or
 * nothing; `write` then raises the counts with one conditional UPDATE per distinct increment and
 * writes the allocations. The rows stay locked until commit, so nobody else changes them meanwhile;
 * the condition and the CHECK constraint back that up.
 */
export class UnitLedger {
  private readonly given = new Map<string, number>();
  private readonly owners: Array<{ unitId: string; ownerId: string }> = [];

  constructor(
    private readonly units: Map<string, { used: number; capacity: number }>,
    private readonly allocate: (tx: TenantTx, owners: Array<{ unitId: string; ownerId: string }>) => Promise<void>,
  ) {}

  take(spec: HoldSpec, slots: PrecheckedSlots): { end: Date; unitIds: string[] } | null {
    const unitIds: string[] = [];
    for (const candidates of slots.units) {
      const free = candidates.find((c) => {
        const unit = this.units.get(c.id);
        return unit !== undefined && unit.used + (this.given.get(c.id) ?? 0) < unit.capacity;
      });
      if (!free) return null;
      unitIds.push(free.id);
    }
    for (const id of unitIds) {
      this.given.set(id, (this.given.get(id) ?? 0) + 1);
      this.owners.push({ unitId: id, ownerId: spec.ownerId });
    }
    return { end: slots.end, unitIds };
  }

  async write(tx: TenantTx): Promise<void> {
    const byIncrement = new Map<number, string[]>();
    for (const [id, n] of this.given) byIncrement.set(n, [...(byIncrement.get(n) ?? []), id]);
    for (const [n, ids] of byIncrement) {
      const changed = await tx.repo(CapacityUnit).updateWhere({ used: () => `used + ${n}` }, 'id IN (:...ids) AND used + :n <= capacity', { ids, n });
      // Locked rows cannot have changed; if they did, the whole group fails rather than overbook.
      if (changed !== ids.length) throw new Error(`Capacity units changed under their lock (${changed} of ${ids.length} updated)`);
    }
    await this.allocate(tx, this.owners);
  }
}

/** The slot fields of a unit row, for another channel's row of the same slot. */
function pick(u: CapacityUnit): Pick<CapacityUnit, 'locationId' | 'slotStart' | 'slotMinutes' | 'localDate' | 'localStart' | 'utcOffsetMinutes'> {
  return {
    locationId: u.locationId,
    slotStart: u.slotStart,
    slotMinutes: u.slotMinutes,
    localDate: u.localDate,
    localStart: u.localStart,
    utcOffsetMinutes: u.utcOffsetMinutes,
  };
}
