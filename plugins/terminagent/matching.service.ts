import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, IsNull, LessThan } from 'typeorm';
import { Clock } from '../../apps/server/src/common/clock.js';
import { DomainError } from '../../apps/server/src/common/domain-error.js';
import { isMysqlFamily } from '../../apps/server/src/database/data-source-options.js';
import { isUniqueViolation } from '../../apps/server/src/database/db-errors.js';
import { PluginHostService } from '../../apps/server/src/plugin-host/plugin-host.service.js';
import { TenantDataService } from '../../apps/server/src/tenancy/tenant-data.service.js';
import { AgentCapacityService } from '../booking/booking.api.js';
import { TerminagentMatchState } from './entities/match-state.entity.js';
import { TerminagentOffer } from './entities/offer.entity.js';
import { TerminagentProposal } from './entities/proposal.entity.js';
import { TerminagentWish } from './entities/wish.entity.js';
import { FreeSlotIndex, windowsByWeekday, type Fit, type MatchWish } from './matcher.js';
import { newSecret } from './secret.js';
import type { TerminagentSettings } from './terminagent.settings.js';
import { terminagentManifest } from './terminagent.manifest.js';

/** Proposals start at least this long after the run, so the citizen has time to answer. */
export const MIN_LEAD_HOURS = 12;
/** An offer lapses at the latest this long before its first proposed time. */
export const ANSWER_BEFORE_START_HOURS = 2;
const PAGE = 5000;
const LEASE_MS = 10 * 60_000;

export interface MatchOptions {
  /** Run even when neither capacity nor the queue changed since the last run. */
  force?: boolean;
  /** Wishes per commit; each commit is one transaction. */
  chunkSize?: number;
  /** Called after each committed chunk (tests use it to simulate a crash mid-run). */
  afterChunk?: (committed: number) => Promise<void> | void;
}

export interface MatchReport {
  ran: boolean;
  wishesScanned: number;
  offers: number;
  proposals: number;
  units: number;
}

interface Assignment {
  wishId: string;
  fits: Fit[];
}

/**
 * The agent's matching run. It loads the free agent units into an in-memory index and streams the
 * waiting wishes in queue order (a stream or keyset pages, so memory stays bounded); the first wish that fits a
 * unit gets it (strictly first come, first served among the wishes that fit). Assignments are
 * committed in chunks, each one transaction holding the units, creating offers and proposals and
 * marking the wishes offered with conditional updates, so a crash loses nothing and a rerun never
 * proposes twice. A lease row keeps runs of one tenant from overlapping.
 */
@Injectable()
export class MatchingService {
  private readonly logger = new Logger('Terminagent');
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly data: TenantDataService,
    private readonly clock: Clock,
    private readonly host: PluginHostService,
    private readonly agent: AgentCapacityService,
    private readonly dataSource: DataSource,
  ) {}

  async run(options: MatchOptions = {}): Promise<MatchReport> {
    const report: MatchReport = { ran: false, wishesScanned: 0, offers: 0, proposals: 0, units: 0 };
    const settings = await this.host.settings(terminagentManifest);
    const state = await this.lease();
    if (!state) return report;
    try {
      const now = this.clock.now();
      const from = new Date(now.getTime() + MIN_LEAD_HOURS * 3_600_000);
      const signature = await this.signature(from);
      const interval = settings.matchEveryMinutes * 60_000;
      const due = !state.lastRunAt || state.lastRunAt.getTime() + interval <= now.getTime();
      if (!options.force && !due && state.lastSignature === signature) return report;
      report.ran = true;
      // A chunk that lost a race (a unit taken meanwhile) rolls back; the run starts over from fresh data.
      for (let attempt = 1; ; attempt++) {
        try {
          await this.match(from, settings, options, report);
          break;
        } catch (err) {
          if (attempt >= 3 || !(err instanceof DomainError && err.kind === 'conflict')) throw err;
          this.logger.warn({ msg: 'Matching chunk lost a race, rerunning', attempt });
        }
      }
      // The signature after the run: the next tick runs again only if something changed since.
      const after = await this.signature(from);
      await this.data.writeTx((tx) =>
        tx.repo(TerminagentMatchState).update({ id: state.id, leaseOwner: this.owner }, { lastRunAt: now, lastSignature: after }),
      );
      return report;
    } finally {
      await this.data.writeTx((tx) => tx.repo(TerminagentMatchState).update({ id: state.id, leaseOwner: this.owner }, { leaseOwner: null, leaseUntil: null }));
    }
  }

  private async match(from: Date, settings: TerminagentSettings, options: MatchOptions, report: MatchReport): Promise<void> {
    const index = new FreeSlotIndex(await this.agent.freeSlots(from));
    if (index.remaining === 0 || !index.firstDate || !index.lastDate) return;
    const chunkSize = options.chunkSize ?? 500;
    let pending: Assignment[] = [];
    let committed = 0;
    const flush = async () => {
      if (pending.length === 0) return;
      const chunk = pending;
      pending = [];
      await this.commit(chunk, settings);
      committed += 1;
      report.offers += chunk.length;
      for (const a of chunk) {
        report.proposals += a.fits.length;
        report.units += a.fits.reduce((s, f) => s + f.unitIds.length, 0);
      }
      await options.afterChunk?.(committed);
    };
    for await (const wish of this.waiting(index.firstDate, index.lastDate, () => index.remaining === 0)) {
      report.wishesScanned += 1;
      const fits = index.take(wish, settings.proposalsPerOffer, windowsByWeekday(wish.windows));
      if (fits.length > 0) pending.push({ wishId: wish.id, fits });
      if (pending.length >= chunkSize) await flush();
    }
    await flush();
  }

  /**
   * Waiting wishes whose date range meets the free units, in queue order. MySQL/MariaDB stream one
   * ordered query (keyset pages there degrade: its optimizer re-reads the index prefix for every
   * page); SQLite, whose single connection the run also writes through, reads keyset pages.
   * `done` ends the reading early where that is cheap; a stream is drained, so its connection
   * goes back to the pool clean.
   */
  private async *waiting(firstDate: string, lastDate: string, done: () => boolean): AsyncGenerator<MatchWish> {
    const query = () =>
      this.data
        .repo(TerminagentWish)
        .qb('w')
        .select([
          'w.id AS id',
          'w.queuedMs AS queuedMs',
          'w.minutes AS minutes',
          'w.locationIds AS locationIds',
          'w.windows AS windows',
          'w.earliestDate AS earliestDate',
          'w.latestDate AS latestDate',
        ])
        .andWhere("w.status = 'waiting' AND w.latestDate >= :firstDate AND w.earliestDate <= :lastDate", { firstDate, lastDate })
        .orderBy('w.queuedMs', 'ASC')
        .addOrderBy('w.id', 'ASC');
    if (isMysqlFamily(this.dataSource.options)) {
      const runner = this.dataSource.createQueryRunner();
      try {
        const [sql, params] = query().getQueryAndParameters();
        for await (const r of await runner.stream(sql, params)) if (!done()) yield toMatchWish(r as Record<string, unknown>);
      } finally {
        await runner.release();
      }
      return;
    }
    let cursor: { ms: number; id: string } | null = null;
    while (!done()) {
      const qb = query();
      if (cursor) qb.andWhere('(w.queuedMs, w.id) > (:ms, :id)', cursor);
      const rows = await qb.limit(PAGE).getRawMany<Record<string, unknown>>();
      for (const r of rows) yield toMatchWish(r);
      if (rows.length < PAGE) return;
      const last = rows[rows.length - 1];
      cursor = { ms: Number(last.queuedMs), id: String(last.id) };
    }
  }

  /** One transaction per chunk: wishes waiting → offered, offers and proposals, the units held. */
  private async commit(chunk: Assignment[], settings: TerminagentSettings): Promise<void> {
    const now = this.clock.now();
    const offers: Array<Partial<TerminagentOffer>> = [];
    const proposals: Array<Partial<TerminagentProposal>> = [];
    const holds: Array<{ ownerId: string; unitIds: string[] }> = [];
    for (const a of chunk) {
      const offerId = randomUUID();
      const firstStart = Math.min(...a.fits.map((f) => f.start));
      const expiresAt = new Date(Math.min(now.getTime() + settings.acceptHours * 3_600_000, firstStart - ANSWER_BEFORE_START_HOURS * 3_600_000));
      offers.push({
        id: offerId,
        wishId: a.wishId,
        status: 'open',
        token: newSecret(),
        expiresAt,
        decidedAt: null,
        mailedAt: null,
        bookingReference: null,
        createdAt: now,
        updatedAt: now,
      });
      a.fits.forEach((fit, i) => {
        const id = randomUUID();
        proposals.push({
          id,
          offerId,
          locationId: fit.locationId,
          startAt: new Date(fit.start),
          endAt: new Date(fit.end),
          position: i + 1,
          createdAt: now,
          updatedAt: now,
        });
        holds.push({ ownerId: id, unitIds: fit.unitIds });
      });
    }
    await this.data.writeTx(async (tx) => {
      const ids = chunk.map((a) => a.wishId);
      for (let i = 0; i < ids.length; i += 500) {
        const part = ids.slice(i, i + 500);
        const offered = await tx
          .repo(TerminagentWish)
          .updateWhere({ status: 'offered', firstOfferedMs: () => `COALESCE(firstOfferedMs, ${now.getTime()})` }, "status = 'waiting' AND id IN (:...part)", {
            part,
          });
        // A wish withdrawn or offered meanwhile: roll the chunk back and rerun on fresh data.
        if (offered !== part.length) throw new DomainError('WISH_CHANGED', 'A wish changed during matching');
      }
      await this.agent.holdMany(tx, holds);
      await tx.repo(TerminagentOffer).insert(offers, { chunk: 300 });
      await tx.repo(TerminagentProposal).insert(proposals, { chunk: 300 });
    });
  }

  /** Free agent capacity and the queue; a change means a run may find something new. */
  private async signature(from: Date): Promise<string> {
    const queue = await this.data
      .repo(TerminagentWish)
      .qb('w')
      .select(['COUNT(*) AS n', 'MAX(w.queuedMs) AS last'])
      .andWhere("w.status = 'waiting'")
      .getRawOne<{ n: number; last: number | null }>();
    return `${await this.agent.signature(from)}|${queue?.n ?? 0}:${queue?.last ?? 0}`;
  }

  /** Takes the tenant's matching lease; null while another run holds it. A crashed run's lease lapses. */
  private async lease(): Promise<Pick<TerminagentMatchState, 'id' | 'lastRunAt' | 'lastSignature'> | null> {
    const now = this.clock.now();
    const until = new Date(now.getTime() + LEASE_MS);
    let state = await this.data.repo(TerminagentMatchState).findOneBy({});
    if (!state) {
      try {
        await this.data.writeTx(async (tx) => {
          const repo = tx.repo(TerminagentMatchState);
          await repo.save(repo.create({ leaseOwner: null, leaseUntil: null, lastRunAt: null, lastSignature: null }));
        });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
      state = (await this.data.repo(TerminagentMatchState).findOneBy({}))!;
    }
    const id = state.id;
    const taken = await this.data.writeTx(async (tx) => {
      const repo = tx.repo(TerminagentMatchState);
      return (
        (await repo.update({ id, leaseUntil: IsNull() }, { leaseOwner: this.owner, leaseUntil: until })) ||
        (await repo.update({ id, leaseUntil: LessThan(now) }, { leaseOwner: this.owner, leaseUntil: until }))
      );
    });
    return taken === 1 ? state : null;
  }
}

function toMatchWish(r: Record<string, unknown>): MatchWish {
  return {
    id: String(r.id),
    minutes: Number(r.minutes),
    locationIds: JSON.parse(String(r.locationIds)),
    windows: JSON.parse(String(r.windows)),
    earliestDate: String(r.earliestDate),
    latestDate: String(r.latestDate),
  };
}
