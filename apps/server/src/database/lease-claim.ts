import { In, LessThan, LessThanOrEqual, type FindOptionsWhere } from 'typeorm';
import type { ScopedRepository } from '../tenancy/scoped-repository.js';

/** The columns a row needs to be claimed by one worker among several instances. */
export interface LeasedRow {
  id: string;
  tenantId: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  claimedBy: string | null;
  leaseUntil: Date | null;
}

export interface ClaimOptions {
  at: Date;
  /** Unique per claim: rows are read back and later recorded under it. */
  token: string;
  leaseMs: number;
  batch: number;
  /** Status of a row waiting for its next attempt, and of a claimed row. */
  waiting: string;
  claimed: string;
}

/**
 * Takes up to `batch` due rows (waiting and due, or claimed by a worker whose lease lapsed) with one
 * conditional update per kind, marked with the token; a row another worker took in between is not
 * updated, so of two instances claiming at once each row goes to one. Counts the attempt. Call
 * inside a (retrying) transaction; returns the rows this claim got, possibly none.
 */
export async function claimDue<T extends LeasedRow>(repo: ScopedRepository<T>, o: ClaimOptions): Promise<T[]> {
  const where = (w: Partial<Record<keyof LeasedRow, unknown>>) => w as FindOptionsWhere<T>;
  const due = await repo.find({
    select: where({ id: true, status: true }) as never,
    where: [where({ status: o.waiting, nextAttemptAt: LessThanOrEqual(o.at) }), where({ status: o.claimed, leaseUntil: LessThan(o.at) })],
    order: { nextAttemptAt: 'ASC' } as never,
    take: o.batch,
  });
  if (due.length === 0) return [];
  const lease = { status: o.claimed, claimedBy: o.token, leaseUntil: new Date(o.at.getTime() + o.leaseMs), attempts: () => 'attempts + 1' } as never;
  const waiting = due.filter((r) => r.status === o.waiting).map((r) => r.id);
  const lapsed = due.filter((r) => r.status === o.claimed).map((r) => r.id);
  if (waiting.length) await repo.update(where({ id: In(waiting), status: o.waiting, nextAttemptAt: LessThanOrEqual(o.at) }), lease);
  if (lapsed.length) await repo.update(where({ id: In(lapsed), status: o.claimed, leaseUntil: LessThan(o.at) }), lease);
  return repo.find({ where: where({ id: In(due.map((r) => r.id)), claimedBy: o.token }), order: { nextAttemptAt: 'ASC' } as never });
}
