import { Injectable } from '@nestjs/common';
import { DomainError } from '../../apps/server/src/common/domain-error.js';
import { TenantContext, type TenantRef } from '../../apps/server/src/tenancy/tenant-context.js';
import { TenantDataService, type TenantTx } from '../../apps/server/src/tenancy/tenant-data.service.js';
import type { BookingSettings } from './booking.settings.js';
import { CAPACITY_GONE, CapacityService, type HoldSpec, type PrecheckedSlots } from './capacity.service.js';
import { CitizenCapsService, type CapKeys } from './citizen-caps.service.js';

/** One booking to write: its units to take, its caps (none for trusted channels), and its other rows. */
export interface BookingWrite {
  hold: HoldSpec;
  slots: PrecheckedSlots;
  caps: { keys: CapKeys; serviceIds: string[]; settings: BookingSettings } | null;
  /** Writes the booking's own rows (booking, messages, idempotency answer, event); true when a message was written. */
  rows(tx: TenantTx): Promise<boolean>;
}

interface Queued extends BookingWrite {
  resolve(notified: boolean): void;
  reject(err: unknown): void;
}

/** Transactions of one tenant's bookings in flight per instance; the next group waits for one of them. */
const GROUPS_IN_FLIGHT = 2;
const GROUP_MAX = 50;

/**
 * Writes the bookings of concurrent requests together (group commit). In a rush hundreds of
 * requests want their transaction at once; each costs about ten round trips, most of them alike
 * (lock rows, cap reads, unit updates, one INSERT per table, commit). Here the requests that arrive
 * while a tenant's transactions are busy wait and then share one transaction, whose statements
 * cover all of them, so a group costs about as many round trips as one booking did. Alone, a
 * booking is a group of one and waits for nothing.
 *
 * Every booking is still decided on its own, in arrival order: its caps (counting the group's
 * earlier bookings), then its units (from the rows read under lock). A refusal answers only that
 * request. An error that fails the whole group (say, a reference that exists already) runs each of
 * its bookings again alone, so only the one at fault fails.
 */
@Injectable()
export class BookingWriterService {
  private readonly queues = new Map<string, { tenant: TenantRef; waiting: Queued[]; running: number }>();

  constructor(
    private readonly data: TenantDataService,
    private readonly capacity: CapacityService,
    private readonly caps: CitizenCapsService,
  ) {}

  /** Resolves once the booking is committed (true when it wrote a message); rejects with its refusal or error. */
  write(booking: BookingWrite): Promise<boolean> {
    const tenant = TenantContext.current();
    let queue = this.queues.get(tenant.id);
    if (!queue) this.queues.set(tenant.id, (queue = { tenant, waiting: [], running: 0 }));
    const done = new Promise<boolean>((resolve, reject) => queue.waiting.push({ ...booking, resolve, reject }));
    this.pump(queue);
    return done;
  }

  private pump(queue: { tenant: TenantRef; waiting: Queued[]; running: number }): void {
    while (queue.running < GROUPS_IN_FLIGHT && queue.waiting.length > 0) {
      const group = queue.waiting.splice(0, GROUP_MAX);
      queue.running++;
      void TenantContext.run(queue.tenant, () => this.commit(group)).finally(() => {
        queue.running--;
        this.pump(queue);
      });
    }
    if (queue.running === 0 && queue.waiting.length === 0) this.queues.delete(queue.tenant.id);
  }

  private async commit(group: Queued[]): Promise<void> {
    let outcomes: Array<boolean | DomainError>;
    try {
      outcomes = await this.data.writeTx(
        async (tx) => {
          const caps = await this.caps.load(
            tx,
            group.flatMap((b) => (b.caps ? [b.caps.keys] : [])),
          );
          const units = await this.capacity.lockUnits(
            tx,
            group.map((b) => b.slots),
          );
          const decided = group.map((b) => {
            const refusal = b.caps && caps.check(b.caps.keys, b.caps.serviceIds, b.caps.settings);
            if (refusal) return refusal;
            if (!units.take(b.hold, b.slots)) return new DomainError('CAPACITY_GONE', CAPACITY_GONE);
            if (b.caps) caps.add(b.caps.keys, b.caps.serviceIds);
            return null;
          });
          await units.write(tx);
          const results: Array<boolean | DomainError> = [];
          for (const [i, b] of group.entries()) results.push(decided[i] ?? (await b.rows(tx)));
          return results;
        },
        { coalesceInserts: true },
      );
    } catch (err) {
      if (group.length === 1) return group[0].reject(err);
      for (const booking of group) await this.commit([booking]);
      return;
    }
    outcomes.forEach((outcome, i) => (outcome instanceof DomainError ? group[i].reject(outcome) : group[i].resolve(outcome)));
  }
}
