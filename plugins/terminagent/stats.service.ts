import { Injectable } from '@nestjs/common';
import { Between, In } from 'typeorm';
import { CatalogService } from '../../apps/server/src/catalog/catalog.service.js';
import { addDays, localDateTimeToInstant } from '../../apps/server/src/common/local-time.js';
import { TenantContext } from '../../apps/server/src/tenancy/tenant-context.js';
import { TenantDataService } from '../../apps/server/src/tenancy/tenant-data.service.js';
import { TerminagentOffer } from './entities/offer.entity.js';
import { TerminagentProposal } from './entities/proposal.entity.js';
import { TerminagentWish } from './entities/wish.entity.js';

export interface FigureRow {
  locationId: string;
  location: string;
  serviceId: string;
  service: string;
  wishesRegistered: number;
  wishesConfirmed: number;
  /** Now, not in the period: confirmed wishes still in the queue or holding an open offer. */
  wishesWaiting: number;
  proposalsSent: number;
  offersAccepted: number;
  offersDeclined: number;
  offersExpired: number;
  /** Median hours from confirmation to the first proposal, of wishes first proposed in the period. */
  medianWaitHours: number | null;
}

type Counts = Omit<FigureRow, 'locationId' | 'location' | 'serviceId' | 'service' | 'medianWaitHours'> & { waits: number[] };

/**
 * The terminagent's figures per location and service over a period of tenant-local days. A wish
 * counts at each location it accepts and for each of its services; proposals and offer outcomes
 * count at the location proposed (an offer's outcome at its first proposal). Only what survives
 * the removal of personal data is used.
 */
@Injectable()
export class StatsService {
  constructor(
    private readonly data: TenantDataService,
    private readonly catalog: CatalogService,
  ) {}

  async figures(
    fromDate: string,
    toDate: string,
  ): Promise<{ from: string; to: string; rows: FigureRow[]; totals: Omit<FigureRow, 'locationId' | 'location' | 'serviceId' | 'service'> }> {
    const zone = TenantContext.current().timeZone;
    const from = localDateTimeToInstant(fromDate, '00:00', zone);
    const to = new Date(localDateTimeToInstant(addDays(toDate, 1), '00:00', zone).getTime() - 1);
    const wishRepo = this.data.repo(TerminagentWish);
    const select = { id: true, status: true, services: true, locationIds: true, queuedMs: true, firstOfferedMs: true } as const;
    const [registered, confirmed, open, offered] = await Promise.all([
      wishRepo.find({ select, where: { registeredAt: Between(from, to) } }),
      wishRepo.find({ select, where: { queuedMs: Between(from.getTime(), to.getTime()) } }),
      wishRepo.find({ select, where: { status: In(['waiting', 'offered']) } }),
      wishRepo.find({ select, where: { firstOfferedMs: Between(from.getTime(), to.getTime()) } }),
    ]);
    const proposals = await this.data.repo(TerminagentProposal).find({
      select: { id: true, offerId: true, locationId: true, position: true },
      where: { createdAt: Between(from, to) },
    });
    const decided = await this.data.repo(TerminagentOffer).find({
      select: { id: true, wishId: true, status: true },
      where: { decidedAt: Between(from, to), status: In(['accepted', 'declined', 'expired']) },
    });
    const offerIds = [...new Set([...proposals.map((p) => p.offerId), ...decided.map((o) => o.id)])];
    const offers = await this.inChunks(offerIds, (ids) =>
      this.data.repo(TerminagentOffer).find({ select: { id: true, wishId: true }, where: { id: In(ids) } }),
    );
    const firstProposals = await this.inChunks(
      decided.map((o) => o.id),
      (ids) => this.data.repo(TerminagentProposal).find({ select: { offerId: true, locationId: true }, where: { offerId: In(ids), position: 1 } }),
    );
    const wishIds = [...new Set(offers.map((o) => o.wishId))];
    const offerWishes = await this.inChunks(wishIds, (ids) => wishRepo.find({ select: { id: true, services: true }, where: { id: In(ids) } }));
    const servicesOfWish = new Map(offerWishes.map((w) => [w.id, w.services.map((s) => s.serviceId)]));
    const wishOfOffer = new Map(offers.map((o) => [o.id, o.wishId]));

    const table = new Map<string, Counts>();
    const cell = (locationId: string, serviceId: string): Counts => {
      const key = `${locationId}|${serviceId}`;
      let c = table.get(key);
      if (!c) {
        c = { wishesRegistered: 0, wishesConfirmed: 0, wishesWaiting: 0, proposalsSent: 0, offersAccepted: 0, offersDeclined: 0, offersExpired: 0, waits: [] };
        table.set(key, c);
      }
      return c;
    };
    const eachCell = (w: Pick<TerminagentWish, 'locationIds' | 'services'>, fn: (c: Counts) => void) => {
      for (const l of w.locationIds) for (const s of w.services) fn(cell(l, s.serviceId));
    };
    for (const w of registered) eachCell(w, (c) => (c.wishesRegistered += 1));
    for (const w of confirmed) eachCell(w, (c) => (c.wishesConfirmed += 1));
    for (const w of open) eachCell(w, (c) => (c.wishesWaiting += 1));
    for (const w of offered) if (w.queuedMs !== null) eachCell(w, (c) => c.waits.push((w.firstOfferedMs! - w.queuedMs!) / 3_600_000));
    for (const p of proposals) {
      for (const s of servicesOfWish.get(wishOfOffer.get(p.offerId) ?? '') ?? []) cell(p.locationId, s).proposalsSent += 1;
    }
    for (const o of decided) {
      const locationId = firstProposals.find((p) => p.offerId === o.id)?.locationId;
      if (!locationId) continue;
      for (const s of servicesOfWish.get(o.wishId) ?? []) {
        const c = cell(locationId, s);
        if (o.status === 'accepted') c.offersAccepted += 1;
        else if (o.status === 'declined') c.offersDeclined += 1;
        else c.offersExpired += 1;
      }
    }
    const [locations, services] = await Promise.all([this.catalog.locations(), this.catalog.services()]);
    const rows = [...table.entries()]
      .map(([key, c]) => {
        const [locationId, serviceId] = key.split('|');
        const { waits, ...counts } = c;
        return {
          locationId,
          location: locations.find((l) => l.id === locationId)?.name ?? '—',
          serviceId,
          service: services.find((s) => s.id === serviceId)?.name ?? '—',
          ...counts,
          medianWaitHours: median(waits),
        };
      })
      .sort((a, b) => a.location.localeCompare(b.location) || a.service.localeCompare(b.service));
    // Totals count each wish and offer once, not once per location and service.
    const totals = {
      wishesRegistered: registered.length,
      wishesConfirmed: confirmed.length,
      wishesWaiting: open.length,
      proposalsSent: proposals.length,
      offersAccepted: decided.filter((o) => o.status === 'accepted').length,
      offersDeclined: decided.filter((o) => o.status === 'declined').length,
      offersExpired: decided.filter((o) => o.status === 'expired').length,
      medianWaitHours: median(offered.filter((w) => w.queuedMs !== null).map((w) => (w.firstOfferedMs! - w.queuedMs!) / 3_600_000)),
    };
    return { from: fromDate, to: toDate, rows, totals };
  }

  private async inChunks<T>(ids: string[], fn: (ids: string[]) => Promise<T[]>): Promise<T[]> {
    const out: T[] = [];
    for (let i = 0; i < ids.length; i += 500) out.push(...(await fn(ids.slice(i, i + 500))));
    return out;
  }
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const m = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return Math.round(m * 10) / 10;
}
