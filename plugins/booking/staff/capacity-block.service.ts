import { randomUUID } from 'node:crypto';
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { In, IsNull } from 'typeorm';
import { AuditService } from '../../../apps/server/src/audit/audit.service.js';
import { Counter } from '../../../apps/server/src/catalog/entities/counter.entity.js';
import { Clock } from '../../../apps/server/src/common/clock.js';
import { DomainError } from '../../../apps/server/src/common/domain-error.js';
import { localDate, parseOffsetInstant } from '../../../apps/server/src/common/local-time.js';
import { IdempotencyService, parseIdempotencyKey } from '../../../apps/server/src/idempotency/idempotency.service.js';
import { TenantContext } from '../../../apps/server/src/tenancy/tenant-context.js';
import { TenantDataService } from '../../../apps/server/src/tenancy/tenant-data.service.js';
import { isUuidShaped } from '../../../apps/server/src/database/uuid-entity.js';
import { BookingMailService } from '../booking-mail.service.js';
import { BookingService } from '../booking.service.js';
import { CapacityService } from '../capacity.service.js';
import { CapacityBlock } from '../entities/capacity-block.entity.js';
import { Booking } from '../entities/booking.entity.js';
import { BOOKED, CalendarService, toCalendarBlock } from './calendar.service.js';
import type { BlockAffected, BlockOfferResult, BlockResult, StaffScope } from './calendar.types.js';
import { StaffAccessService } from './staff-access.service.js';
import { COUNTER_UNKNOWN, type StaffActor } from './staff-bookings.service.js';

export const BLOCK_NOT_FOUND = 'Sperre nicht gefunden.';
/** Longer blocks are closures (catalog), not blocks. */
export const MAX_BLOCK_DAYS = 31;

export interface NewBlock {
  locationId: string;
  counterId: string | null;
  start: string;
  end: string;
  reason: string;
}

/**
 * Blocking capacity: a counter or the whole location for a stretch of time. The capacity is taken
 * out through CapacityService (never below what is booked; booked units follow when freed), the
 * affected confirmed appointments are listed, and one further call mails their citizens an offer
 * to move (and lists those without an address, to be called).
 */
@Injectable()
export class CapacityBlockService {
  constructor(
    private readonly data: TenantDataService,
    private readonly access: StaffAccessService,
    private readonly calendar: CalendarService,
    private readonly capacity: CapacityService,
    private readonly bookings: BookingService,
    private readonly mails: BookingMailService,
    private readonly idempotency: IdempotencyService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Blocks and answers with the affected appointments; with an Idempotency-Key a double submit blocks once. */
  async create(scope: StaffScope, actor: StaffActor, input: NewBlock, idempotencyKey?: string): Promise<BlockResult> {
    await this.access.location(scope, input.locationId);
    const start = parseInstant(input.start, 'start');
    const end = parseInstant(input.end, 'end');
    if (end <= start) throw new DomainError('BLOCK_END_BEFORE_START', 'The block must end after it starts.');
    if (end <= this.clock.now()) throw new DomainError('BLOCK_IN_PAST', 'The block lies entirely in the past.');
    if (end.getTime() - start.getTime() > MAX_BLOCK_DAYS * 86_400_000) {
      throw new DomainError('BLOCK_TOO_LONG', `A block may last at most ${MAX_BLOCK_DAYS} days; longer closures belong in the catalog.`);
    }
    const reason = input.reason.trim();
    if (reason.length === 0) throw new DomainError('BLOCK_REASON_REQUIRED', 'Please give a reason for the block.');
    if (input.counterId !== null && (await this.data.repo(Counter).countBy({ id: input.counterId, locationId: input.locationId, active: true })) === 0) {
      throw new DomainError('COUNTER_UNKNOWN', COUNTER_UNKNOWN);
    }
    const key = parseIdempotencyKey(idempotencyKey);
    const begun = key
      ? await this.idempotency.begin<{ id: string; removedUnits: number }>({
          scope: 'booking.capacity-block',
          key,
          fingerprint: { actor: actor.id, ...input, reason },
        })
      : null;
    if (begun?.kind === 'mismatch') throw begun.error;
    if (begun?.kind === 'replay') return this.result(scope, await this.load(scope, begun.response.id), begun.response.removedUnits);
    const claim = begun?.kind === 'claimed' ? begun.claim : null;
    try {
      const block = this.data.repo(CapacityBlock).create({
        id: randomUUID(),
        locationId: input.locationId,
        counterId: input.counterId,
        startAt: start,
        endAt: end,
        reason,
        createdBy: actor.id,
        offeredAt: null,
      });
      const removedUnits = await this.data.writeTx(async (tx) => {
        await tx.repo(CapacityBlock).insert([block]);
        const removed = await this.capacity.withhold(tx, block);
        await this.audit.writeInTx(tx, {
          actor,
          action: 'capacity.blocked',
          resource: 'capacity-block',
          recordId: block.id,
          changes: {
            locationId: [null, block.locationId],
            counterId: [null, block.counterId],
            startAt: [null, start.toISOString()],
            endAt: [null, end.toISOString()],
            reason: [null, reason],
          },
        });
        if (claim) await this.idempotency.complete(tx, claim, { id: block.id, removedUnits: removed });
        return removed;
      });
      return this.result(scope, block, removedUnits);
    } catch (err) {
      if (claim) await this.idempotency.release(claim);
      throw err;
    }
  }

  /** The block with the appointments it hits (as of now); the listing of names is audited. */
  async get(scope: StaffScope, actor: StaffActor, id: string): Promise<BlockResult> {
    const result = await this.result(scope, await this.load(scope, id), 0);
    await this.auditView(actor, id, result);
    return result;
  }

  /** Writes down that the block's affected appointments (names, phone) were listed to `actor`. */
  async auditView(actor: StaffActor, id: string, result: BlockResult): Promise<void> {
    await this.data.transaction((tx) =>
      this.audit.writeInTx(tx, {
        actor,
        action: 'personal-data.viewed',
        resource: 'capacity-block',
        recordId: id,
        changes: { affected: [null, result.affected.length] },
      }),
    );
  }

  /** Lifts a block: its capacity comes back (and is announced, so waiting lists can match). */
  async remove(scope: StaffScope, actor: StaffActor, id: string): Promise<void> {
    const block = await this.load(scope, id);
    await this.data.writeTx(async (tx) => {
      if ((await tx.repo(CapacityBlock).delete({ id })) !== 1) return;
      await this.capacity.restore(tx, id);
      await this.audit.writeInTx(tx, {
        actor,
        action: 'capacity.unblocked',
        resource: 'capacity-block',
        recordId: id,
        changes: { startAt: [block.startAt.toISOString(), null], endAt: [block.endAt.toISOString(), null] },
      });
    });
  }

  /**
   * Mails every affected citizen with an address an offer to move (link to the move page), once
   * per block: a second call sends nothing and says so. Those without an address are listed to be called.
   * Also hands back the block and its affected appointments as computed for the offer (as `get` would,
   * without the audit entry: the staff page writes it when it shows them; the JSON API answers without them).
   */
  async offer(scope: StaffScope, actor: StaffActor, id: string): Promise<BlockOfferResult & { result: BlockResult }> {
    const block = await this.load(scope, id);
    const result = await this.result(scope, block, 0);
    const affected = result.affected;
    const rows = affected.length ? await this.data.repo(Booking).find({ where: { id: In(affected.map((a) => a.id)), status: 'confirmed' } }) : [];
    const mailable = rows.filter((b) => b.citizen.email && !b.anonymizedAt);
    const views = await Promise.all(mailable.map(async (b) => ({ booking: b, view: await this.bookings.view(b) })));
    const sent = await this.data.writeTx(async (tx) => {
      if ((await tx.repo(CapacityBlock).update({ id, offeredAt: IsNull() }, { offeredAt: this.clock.now() })) !== 1) return false;
      for (const { booking, view } of views) await this.mails.notify(tx, 'block-offer', booking, { view, token: booking.token }, { occasion: id });
      await this.audit.writeInTx(tx, {
        actor,
        action: 'capacity.block-offered',
        resource: 'capacity-block',
        recordId: id,
        changes: { mailed: [null, views.length], toCall: [null, affected.length - views.length] },
      });
      return true;
    });
    return {
      mailed: sent ? views.map((v) => v.booking.reference) : [],
      callList: affected.filter((a) => !mailable.some((b) => b.id === a.id)),
      alreadyOffered: !sent,
      result,
    };
  }

  private async load(scope: StaffScope, id: string): Promise<CapacityBlock> {
    const block = isUuidShaped(id) ? await this.data.repo(CapacityBlock).findOneBy({ id }) : null;
    if (!block) throw new NotFoundException(BLOCK_NOT_FOUND);
    await this.access.location(scope, block.locationId);
    return block;
  }

  private async result(scope: StaffScope, block: CapacityBlock, removedUnits: number): Promise<BlockResult> {
    return { block: toCalendarBlock(block), removedUnits, affected: await this.affected(scope, block) };
  }

  /**
   * Confirmed appointments overlapping the block: at a location block all of them, at a counter
   * block those drawn in that counter's lane (as the day view shows them). Names and phone are
   * what staff need to call; the listing is audited as a look at personal data.
   */
  private async affected(scope: StaffScope, block: CapacityBlock): Promise<BlockAffected[]> {
    const zone = TenantContext.current().timeZone;
    const from = localDate(block.startAt, zone);
    const to = localDate(new Date(block.endAt.getTime() - 1), zone);
    const hits: Array<BlockAffected> = [];
    for (const day of await this.calendar.range(scope, block.locationId, from, to)) {
      for (const e of day.entries) {
        const overlaps = e.startAt < block.endAt.toISOString() && e.endAt > block.startAt.toISOString();
        if (!BOOKED.has(e.status) || !overlaps || (block.counterId !== null && e.counterId !== block.counterId)) continue;
        hits.push({ ...e, date: day.date, citizenName: null, hasEmail: false, phone: null });
      }
    }
    if (hits.length === 0) return hits;
    const people = new Map((await this.data.repo(Booking).find({ where: { id: In(hits.map((h) => h.id)) } })).map((b) => [b.id, b]));
    return hits.map((h) => {
      const b = people.get(h.id)!;
      const anonymous = b.anonymizedAt !== null;
      return { ...h, citizenName: anonymous ? null : b.citizen.name, hasEmail: !anonymous && !!b.citizen.email, phone: anonymous ? null : b.citizen.phone };
    });
  }
}

function parseInstant(value: string, field: string): Date {
  const instant = parseOffsetInstant(value);
  if (!instant) throw new BadRequestException(`${field}: Bitte Datum und Uhrzeit mit Zeitzone angeben, z. B. 2026-11-24T08:00:00+01:00.`);
  return instant;
}
