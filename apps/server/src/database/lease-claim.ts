import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
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

export interface ClaimOptions<T extends LeasedRow = LeasedRow> {
  at: Date;
  /** Unique per claim: rows are read back and later recorded under it. */
  token: string;
  leaseMs: number;
  batch: number;
  /** Status of a row waiting for its next attempt, and of a claimed row. */
  waiting: string;
  claimed: string;
  /** Only rows that match this as well (e.g. the outbox's `{ channel }`: one drain per channel). */
  match?: FindOptionsWhere<T>;
}

export interface Claimed<T> {
  /** The rows this claim got, oldest due first. */
  rows: T[];
  /** Due rows the claim saw, including those another worker took first: 0 means nothing was due. */
  due: number;
}

/** Minutes until the next try after `attempts` failures: 1, 2, 4, … capped at an hour. */
export function backoffMinutes(attempts: number): number {
  return Math.min(60, 2 ** Math.max(0, attempts - 1));
}

/** This process's name in `claimedBy` (host, pid, a random part for restarts); claims add a counter. */
export function workerId(): string {
  return `${hostname().slice(0, 40)}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/**
 * Takes up to `batch` due rows (waiting and due, or claimed by a worker whose lease lapsed) with one
 * conditional update per kind, marked with the token; a row another worker took in between is not
 * updated, so of two instances claiming at once each row goes to one. Counts the attempt. Call
 * inside a (retrying) transaction; returns the rows this claim got, possibly none even though
 * rows were due (another worker was faster: look again).
 */
export async function claimDue<T extends LeasedRow>(repo: ScopedRepository<T>, o: ClaimOptions<T>): Promise<Claimed<T>> {
  const where = (w: Partial<Record<keyof LeasedRow, unknown>>) => ({ ...o.match, ...w }) as FindOptionsWhere<T>;
  const due = await repo.find({
    select: { id: true, status: true } as never,
    where: [where({ status: o.waiting, nextAttemptAt: LessThanOrEqual(o.at) }), where({ status: o.claimed, leaseUntil: LessThan(o.at) })],
    order: { nextAttemptAt: 'ASC' } as never,
    take: o.batch,
  });
  if (due.length === 0) return { rows: [], due: 0 };
  const lease = { status: o.claimed, claimedBy: o.token, leaseUntil: new Date(o.at.getTime() + o.leaseMs), attempts: () => 'attempts + 1' } as never;
  const waiting = due.filter((r) => r.status === o.waiting).map((r) => r.id);
  const lapsed = due.filter((r) => r.status === o.claimed).map((r) => r.id);
  const byId = (w: Partial<Record<keyof LeasedRow, unknown>>) => w as FindOptionsWhere<T>;
  if (waiting.length) await repo.update(byId({ id: In(waiting), status: o.waiting, nextAttemptAt: LessThanOrEqual(o.at) }), lease);
  if (lapsed.length) await repo.update(byId({ id: In(lapsed), status: o.claimed, leaseUntil: LessThan(o.at) }), lease);
  const rows = await repo.find({ where: byId({ id: In(due.map((r) => r.id)), claimedBy: o.token }), order: { nextAttemptAt: 'ASC' } as never });
  return { rows, due: due.length };
}
