import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import type { AgentSlot } from '../plugins/booking/agent-capacity.service.js';
import { CapacityUnit } from '../plugins/booking/entities/capacity-unit.entity.js';
import { TerminagentMatchState } from '../plugins/terminagent/entities/match-state.entity.js';
import { TerminagentWish } from '../plugins/terminagent/entities/wish.entity.js';
import { MatchingService } from '../plugins/terminagent/matching.service.js';
import type { Fit, MatchWish } from '../plugins/terminagent/matcher.js';
import { demoIds, expectCapacityInvariant, release, SLUG } from './booking-helpers.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { agentSlots, expectOneHoldPerUnit, match, matchTask, queueWishForSlot } from './terminagent-helpers.js';
import { referenceMatch, slotsArb, wishesArb } from './terminagent-reference.js';
import { terminagentManifest } from '../plugins/terminagent/terminagent.manifest.js';

/** What the database says was proposed: wish → fits with the units each proposal holds. */
async function assignments(t: TestApp): Promise<Map<string, Fit[]>> {
  const rows = (await t.dataSource.query(
    `SELECT o.wishId, p.id, p.locationId, p.startAt, p.endAt, p.position, a.unitId
       FROM terminagent_offer o JOIN terminagent_proposal p ON p.offerId = o.id JOIN booking_capacity_allocation a ON a.ownerId = p.id
      WHERE o.status = 'open'`,
  )) as Array<{ wishId: string; id: string; locationId: string; startAt: string | Date; endAt: string | Date; position: number; unitId: string }>;
  const toMs = (v: string | Date) => (v instanceof Date ? v.getTime() : Date.parse(`${v.replace(' ', 'T')}Z`));
  const byProposal = new Map<string, { wishId: string; position: number; fit: Fit }>();
  for (const r of rows) {
    const p = byProposal.get(r.id) ?? {
      wishId: r.wishId,
      position: Number(r.position),
      fit: { locationId: r.locationId, start: toMs(r.startAt), end: toMs(r.endAt), unitIds: [] },
    };
    p.fit.unitIds.push(r.unitId);
    byProposal.set(r.id, p);
  }
  const out = new Map<string, Fit[]>();
  for (const p of [...byProposal.values()].sort((a, b) => a.position - b.position)) {
    p.fit.unitIds.sort();
    out.set(p.wishId, [...(out.get(p.wishId) ?? []), p.fit]);
  }
  return out;
}

describe('terminagent matching run against the database', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('proposes exactly what the obvious first-come-first-served matcher proposes (property)', async () => {
    const tenantId = (await t.tenant(SLUG)).id;
    await fc.assert(
      fc.asyncProperty(slotsArb, wishesArb, fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 4 }), async (slots, wishes, k, chunkSize) => {
        for (const table of [
          'terminagent_proposal',
          'terminagent_offer',
          'terminagent_wish',
          'terminagent_match_state',
          'booking_capacity_allocation',
          'booking_capacity_unit',
        ]) {
          await t.dataSource.query(`DELETE FROM ${table}`);
        }
        await t.app.get(PluginHostService).updateSettings(tenantId, terminagentManifest, { proposalsPerOffer: k });
        await t.asTenant(SLUG, async () => {
          const data = t.app.get(TenantDataService);
          await data.transaction(async (tx) => {
            const units = tx.repo(CapacityUnit);
            const present = slots.filter((s) => s.free > 0);
            if (present.length) {
              await units.save(
                present.map((s: AgentSlot) =>
                  units.create({
                    id: s.unitId,
                    locationId: s.locationId,
                    slotStart: new Date(s.start),
                    slotMinutes: s.slotMinutes,
                    localDate: s.localDate,
                    localStart: `${String(Math.floor(s.localMinute / 60)).padStart(2, '0')}:${String(s.localMinute % 60).padStart(2, '0')}`,
                    utcOffsetMinutes: 60,
                    channel: 'agent',
                    capacity: s.free,
                    used: 0,
                  }),
                ),
              );
            }
            const repo = tx.repo(TerminagentWish);
            await repo.save(
              wishes.map((w: MatchWish, i) =>
                repo.create({
                  id: w.id,
                  status: 'waiting',
                  token: 't',
                  services: [{ serviceId: 's', quantity: 1 }],
                  minutes: w.minutes,
                  locationIds: w.locationIds,
                  windows: w.windows,
                  earliestDate: w.earliestDate,
                  latestDate: w.latestDate,
                  openKey: w.id,
                  dedupeKey: w.id,
                  queuedMs: 1_000_000 + i,
                  firstOfferedMs: null,
                  registeredAt: t.clock.now(),
                  expiresAt: new Date(t.clock.now().getTime() + 60 * 86_400_000),
                  endedAt: null,
                  citizen: { name: 'P', email: `p${i}@example.org`, phone: null, locale: 'de', smsConsent: false },
                  anonymizedAt: null,
                }),
              ),
            );
          });
        });
        const report = await t.asTenant(SLUG, () => t.app.get(MatchingService).run({ force: true, chunkSize }));
        const expected = referenceMatch(slots, wishes, k);
        for (const fits of expected.values()) for (const f of fits) f.unitIds.sort();
        expect(await assignments(t)).toEqual(expected);
        expect(report.offers).toBe(expected.size);
        await expectCapacityInvariant(t.dataSource);
      }),
      { numRuns: 12 },
    );
  });
});

describe('terminagent matching as a scheduled task', () => {
  let a: TestApp;
  let b: TestApp;
  let ids: Awaited<ReturnType<typeof demoIds>>;

  beforeAll(async () => {
    a = await createTestApp();
    // A second instance on the same database and clock, as behind a load balancer.
    b = await createTestApp({ database: a.database, clock: a.clock });
    ids = await demoIds(a);
    await release(a);
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  /** Queues wishes for distinct single-unit slots; returns their ids in queue order. */
  async function queue(n: number, offset: number): Promise<string[]> {
    const slots = (await agentSlots(a)).filter((s) => s.locationId === ids.rathaus && s.free === 1).slice(offset, offset + n);
    const out: string[] = [];
    for (const [i, slot] of slots.entries()) {
      out.push((await queueWishForSlot(a, ids, slot, `q${offset + i}@example.org`)).id);
    }
    return out;
  }
  const statuses = async (wishIds: string[]) =>
    Promise.all(wishIds.map(async (id) => (await a.dataSource.query('SELECT status FROM terminagent_wish WHERE id = ?', [id]))[0].status as string));

  it('runs once per tick across two instances, and proposes each wish once', async () => {
    const wishIds = await queue(5, 0);
    a.clock.advance(60_000);
    const [ra, rb] = await Promise.all([matchTask(a), matchTask(b)]);
    const ran = [...ra, ...rb].filter((o) => o.taskId === 'terminagent.match' && o.tenant === SLUG && o.result === 'ran');
    expect(ran).toHaveLength(1);
    expect(await statuses(wishIds)).toEqual(wishIds.map(() => 'offered'));
    await expectOneHoldPerUnit(a);
    await expectCapacityInvariant(a.dataSource);
    // Both instances forced at the same moment: the lease lets one walk the queue.
    const both = await Promise.all([a, b].map((t) => t.asTenant(SLUG, () => t.app.get(MatchingService).run({ force: true }))));
    expect(both.filter((r) => r.ran).length).toBeGreaterThanOrEqual(1);
    await expectOneHoldPerUnit(a);
  });

  it('skips a tick when neither capacity nor the queue changed, runs when a wish is confirmed', async () => {
    a.clock.advance(60_000);
    await matchTask(a);
    const quiet = await a.asTenant(SLUG, () => a.app.get(MatchingService).run());
    expect(quiet.ran).toBe(false);
    const [wish] = await queue(1, 5);
    const busy = await a.asTenant(SLUG, () => a.app.get(MatchingService).run());
    expect(busy.ran).toBe(true);
    expect(await statuses([wish])).toEqual(['offered']);
  });

  it('a run that dies half-way loses nothing and a rerun proposes no wish twice', async () => {
    const wishIds = await queue(6, 10);
    await expect(
      a.asTenant(SLUG, () =>
        a.app.get(MatchingService).run({
          force: true,
          chunkSize: 2,
          afterChunk: (n) => {
            if (n === 1) throw new Error('process killed');
          },
        }),
      ),
    ).rejects.toThrow('process killed');
    // The first chunk is committed whole, the rest untouched.
    expect((await statuses(wishIds)).sort()).toEqual(['offered', 'offered', 'waiting', 'waiting', 'waiting', 'waiting']);
    await expectOneHoldPerUnit(a);
    await expectCapacityInvariant(a.dataSource);

    // A process that died keeps its lease until it lapses; then the next run takes over.
    await a.asTenant(SLUG, () =>
      a.app
        .get(TenantDataService)
        .transaction((tx) =>
          tx.repo(TerminagentMatchState).update({}, { leaseOwner: 'dead-process', leaseUntil: new Date(a.clock.now().getTime() + 5 * 60_000) }),
        ),
    );
    expect((await match(b)).ran).toBe(false);
    a.clock.advance(6 * 60_000);
    const rerun = await match(b);
    expect(rerun.ran).toBe(true);
    expect(await statuses(wishIds)).toEqual(wishIds.map(() => 'offered'));
    const perWish = await a.dataSource.query(`SELECT wishId, COUNT(*) AS n FROM terminagent_offer GROUP BY wishId HAVING COUNT(*) > 1`);
    expect(perWish).toEqual([]);
    await expectOneHoldPerUnit(a);
    await expectCapacityInvariant(a.dataSource);
  });

  it('a wish withdrawn while the run is under way rolls that chunk back and the run starts over', async () => {
    const wishIds = await queue(4, 20);
    const token = (await a.dataSource.query('SELECT token FROM terminagent_wish WHERE id = ?', [wishIds[2]]))[0].token as string;
    const report = await a.asTenant(SLUG, () =>
      a.app.get(MatchingService).run({
        force: true,
        chunkSize: 2,
        afterChunk: async (n) => {
          if (n === 1) await a.http.post(`/api/v1/tenants/${SLUG}/terminagent/wishes/${wishIds[2]}/withdraw`).send({ token }).expect(200);
        },
      }),
    );
    expect(await statuses(wishIds)).toEqual(['offered', 'offered', 'withdrawn', 'offered']);
    expect(report.offers).toBeGreaterThanOrEqual(3);
    await expectOneHoldPerUnit(a);
    await expectCapacityInvariant(a.dataSource);
  });
});
