import { createHash, randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { LessThanOrEqual } from 'typeorm';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { TenantDataService, type TenantTx } from '../tenancy/tenant-data.service.js';
import { IdempotencyRecord } from './idempotency-record.entity.js';

/** How long a key answers replays; afterwards it is a new key (and the stored response is purged). */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/** Longer than any request takes, even in a rush; a claim older than this belongs to a dead request. */
const LEASE_MS = 2 * 60_000;

export interface IdempotentRequest {
  /** The kind of request, e.g. `booking.create`. */
  scope: string;
  key: string;
  /** What the request asks for, including the channel and who asks; not a proof of work. */
  fingerprint: unknown;
}

/** The right to run a request under its key; completed in the caller's transaction or released. */
export interface IdempotencyClaim {
  id: string;
  claim: string;
}

export class IdempotencyInProgressException extends ConflictException {
  constructor() {
    super('A request with this Idempotency-Key is still being processed. Please retry in a moment.');
  }
}

export class IdempotencyMismatchException extends UnprocessableEntityException {
  constructor() {
    super('This Idempotency-Key was already used for a different request.');
  }
}

export type Begun<T> =
  { kind: 'claimed'; claim: IdempotencyClaim } | { kind: 'replay'; response: T } | { kind: 'mismatch'; error: IdempotencyMismatchException };

/** An `Idempotency-Key` header (or form field): 1–100 printable ASCII characters, else 400. */
export function parseIdempotencyKey(raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^[\x20-\x7e]{1,100}$/.test(raw)) {
    throw new BadRequestException('The Idempotency-Key must be 1 to 100 printable ASCII characters.');
  }
  return raw;
}

/** JSON with object keys sorted at every level, so equal requests hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value && typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalJson((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Idempotency keys bound to the request they were first sent with (IETF httpapi idempotency-key
 * draft): the same key with the same request gets the stored response again, with another request
 * a 422 that reveals nothing, and while the first still runs a 409. A request that fails releases
 * its key. The response is stored in the caller's own transaction (`complete`), so a committed
 * change never leaves its key free for a second run. Records are tenant-owned and purged after 24 h.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    private readonly data: TenantDataService,
    private readonly clock: Clock,
  ) {}

  /** Deletes the current tenant's expired records with their stored responses (task core.idempotency-purge). */
  async purgeExpired(now: Date): Promise<void> {
    await this.records().delete({ expiresAt: LessThanOrEqual(now) });
  }

  /**
   * Starts a request under its key, first thing (one insert, so a double submit cannot race past
   * it). A true replay of a finished request gets its stored response; the same request still
   * running a 409 (`IdempotencyInProgressException`); a free key (new, expired, or claimed by a
   * request that died) is claimed for this one. A key used for another request comes back as
   * `mismatch`: the caller throws it only after bot defence, so a 422 never skips that. A lapsed
   * claim or an expired record is taken over by a conditional update.
   */
  async begin<T>(request: IdempotentRequest): Promise<Begun<T>> {
    const hash = requestHash(request);
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.clock.now();
      const fresh = {
        requestHash: hash,
        state: 'in-progress' as const,
        claim: randomUUID(),
        leaseUntil: new Date(now.getTime() + LEASE_MS),
        response: null,
        expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
      };
      const record = this.records().create({ ...fresh, scope: request.scope, key: request.key });
      try {
        await this.records().insert([record]);
        return { kind: 'claimed', claim: { id: record.id, claim: record.claim } };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
      const existing = await this.records().findOneBy({ scope: request.scope, key: request.key });
      if (!existing) continue; // purged meanwhile
      if (this.free(existing)) {
        if ((await this.records().update({ id: existing.id, claim: existing.claim }, fresh)) === 1)
          return { kind: 'claimed', claim: { id: existing.id, claim: fresh.claim } };
        continue; // another request took it over first
      }
      if (existing.requestHash !== hash) return { kind: 'mismatch', error: new IdempotencyMismatchException() };
      if (existing.state === 'done') return { kind: 'replay', response: existing.response as T };
      throw new IdempotencyInProgressException();
    }
    throw new IdempotencyInProgressException();
  }

  /**
   * Stores the response inside the transaction that makes the change (again, if the response
   * changed within it). If the claim was taken over meanwhile (this request outlived its lease),
   * the transaction is rolled back instead.
   */
  async complete(tx: TenantTx, claim: IdempotencyClaim, response: object): Promise<void> {
    const done = await tx.repo(IdempotencyRecord).update({ id: claim.id, claim: claim.claim }, { state: 'done', leaseUntil: null, response });
    if (done !== 1) throw new IdempotencyInProgressException();
  }

  /** Frees the key of a request that failed, so the client may retry with it. */
  async release(claim: IdempotencyClaim): Promise<void> {
    await this.records().delete({ id: claim.id, claim: claim.claim, state: 'in-progress' });
  }

  /** Expired, or in progress under a lease that lapsed: as good as absent. */
  private free(record: IdempotencyRecord): boolean {
    const now = this.clock.now();
    return record.expiresAt <= now || (record.state === 'in-progress' && (!record.leaseUntil || record.leaseUntil <= now));
  }

  private records() {
    return this.data.repo(IdempotencyRecord);
  }
}

function requestHash(request: IdempotentRequest): string {
  return createHash('sha256').update(canonicalJson(request.fingerprint)).digest('hex');
}
