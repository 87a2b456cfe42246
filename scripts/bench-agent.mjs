// `npm run bench:agent`: the terminagent's matching run on a large queue.
// n waiting wishes (default 300,000) against 5,000 free agent units, then 2n against the same
// units; prints time, throughput and peak memory of each run and their ratio. 10 % of the units
// sit at a location no wish accepts, so free units remain and every run streams the whole queue
// (the worst case; with all units taken a run stops early). Composing the offer mails afterwards
// is timed apart. The last line is one JSON object:
// {"wishes","units","seconds","offers","secondsAt2n","ratio2n","peakRssMb"}.
// DATABASE_URL picks the database: MariaDB on 127.0.0.1 by default (a fresh database is created
// and dropped), or any sqlite: URL (a fresh temporary file). WISHES / UNITS override the sizes.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DateTime } from 'luxon';
import { buildInto, databaseTarget, freshDatabase } from './bench-support.mjs';

const WISHES = Number(process.env.WISHES ?? 300_000);
const UNITS = Number(process.env.UNITS ?? 5000);
const NOW = new Date('2026-11-23T07:00:00Z');
const ZONE = 'Europe/Berlin';
const DAYS = 25;
const SLOTS_PER_DAY = 25;
const round = (n, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const target = databaseTarget('mysql://root@127.0.0.1:3306');
const sqlite = target.sqlite;

const OUT = 'data/bench-agent-dist';
buildInto(OUT);
await import('reflect-metadata');
const { createApp } = await import(`../${OUT}/apps/server/src/bootstrap.js`);
const { loadEnv } = await import(`../${OUT}/apps/server/src/config/env.config.js`);
const { TestClock } = await import(`../${OUT}/apps/server/src/common/clock.js`);
const { runAsTenant, toTenantRef } = await import(`../${OUT}/apps/server/src/tenancy/tenant-context.js`);
const { Tenant } = await import(`../${OUT}/apps/server/src/tenancy/tenant.entity.js`);
const { MatchingService } = await import(`../${OUT}/plugins/terminagent/matching.service.js`);
const { OfferService } = await import(`../${OUT}/plugins/terminagent/offer.service.js`);
const { TaskRunnerService } = await import(`../${OUT}/apps/server/src/tasks/task-runner.service.js`);
const { DataSource } = await import('typeorm');

/** Deterministic pseudo-random numbers, so n and 2n see the same kind of queue. */
function rng(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
}

const sqlTime = (d) => d.toISOString().replace('T', ' ').slice(0, 19);
const hhmm = (m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

async function insertRows(ds, table, columns, rows) {
  const per = Math.max(1, Math.floor(900 / columns.length));
  for (let i = 0; i < rows.length; i += per) {
    const part = rows.slice(i, i + per);
    await ds.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${part.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ')}`, part.flat());
  }
}

async function scenario(wishCount) {
  const db = await freshDatabase('agent', target);
  const env = loadEnv({
    ...process.env,
    NODE_ENV: 'production',
    SESSION_SECRET: 'bench-secret-0123456789-abcdefghijklmnop',
    DATABASE_URL: db.url,
    TASK_POLL_SECONDS: '0',
    LOG_LEVEL: 'error',
  });
  const app = await createApp({ env, clock: new TestClock(NOW), logger: false });
  try {
    const ds = app.get(DataSource);
    const tenant = toTenantRef(await ds.getRepository(Tenant).findOneByOrFail({ slug: 'musterstadt' }));
    const locations = Array.from({ length: 10 }, () => randomUUID());
    // Units: 90 % at locations 0-7, 10 % at location 8, which no wish accepts; location 9 has none.
    const units = [];
    const today = DateTime.fromJSDate(NOW, { zone: ZONE }).startOf('day');
    for (let i = 0; i < UNITS; i++) {
      const loc = i < UNITS * 0.9 ? i % 8 : 8;
      const k = Math.floor(i / 9);
      const day = today.plus({ days: 1 + (k % DAYS) });
      const minute = 8 * 60 + 15 * (Math.floor(k / DAYS) % SLOTS_PER_DAY);
      const start = day.set({ hour: Math.floor(minute / 60), minute: minute % 60 });
      units.push([randomUUID(), tenant.id, locations[loc], sqlTime(start.toJSDate()), 15, start.toISODate(), hhmm(minute), start.offset, 'agent', 1, 0]);
    }
    // Same (location, start) twice would break the unique key: merge into capacity.
    const byKey = new Map();
    for (const u of units) {
      const key = `${u[2]}|${u[3]}`;
      if (byKey.has(key)) byKey.get(key)[9] += 1;
      else byKey.set(key, u);
    }
    await insertRows(
      ds,
      'booking_capacity_unit',
      ['id', 'tenantId', 'locationId', 'slotStart', 'slotMinutes', 'localDate', 'localStart', 'utcOffsetMinutes', 'channel', 'capacity', 'used'],
      [...byKey.values()],
    );

    const random = rng(42);
    const pick = (n) => Math.floor(random() * n);
    const cols = [
      'id',
      'tenantId',
      'status',
      'token',
      'locale',
      'services',
      'minutes',
      'locationIds',
      'windows',
      'earliestDate',
      'latestDate',
      'openKey',
      'dedupeKey',
      'queuedMs',
      'registeredAt',
      'expiresAt',
      'citizenName',
      'citizenEmail',
    ];
    const registered = sqlTime(NOW);
    const expires = sqlTime(new Date(NOW.getTime() + 60 * 86_400_000));
    const loadStart = performance.now();
    for (let i = 0; i < wishCount; i += 10_000) {
      const rows = [];
      for (let j = i; j < Math.min(wishCount, i + 10_000); j++) {
        const locs = new Set();
        const nLocs = 1 + pick(3);
        while (locs.size < nLocs) locs.add(locations[[0, 1, 2, 3, 4, 5, 6, 7, 9][pick(9)]]);
        const windows = [];
        const days = new Set();
        const nDays = 1 + pick(3);
        while (days.size < nDays) days.add(1 + pick(6));
        for (const weekday of days) {
          const from = 8 * 60 + 15 * pick(16);
          windows.push({ weekday, from: hhmm(from), to: hhmm(Math.min(from + 60 * (1 + pick(4)), 20 * 60)) });
        }
        const earliest = today.plus({ days: pick(30) });
        const id = randomUUID();
        rows.push([
          id,
          tenant.id,
          'waiting',
          'x'.repeat(32),
          'de',
          '[{"serviceId":"s","quantity":1}]',
          15 * (1 + pick(3)),
          JSON.stringify([...locs]),
          JSON.stringify(windows),
          earliest.toISODate(),
          earliest.plus({ days: pick(30) }).toISODate(),
          id.replace(/-/g, ''),
          id.replace(/-/g, ''),
          NOW.getTime() - (wishCount - j) * 1000,
          registered,
          expires,
          'Bench',
          `b${j}@example.org`,
        ]);
      }
      await insertRows(ds, 'terminagent_wish', cols, rows);
    }
    console.log(`  loaded ${wishCount} wishes and ${UNITS} units in ${round((performance.now() - loadStart) / 1000, 1)} s`);
    // A queue that grew over months has seen the hourly statistics task (SQLite only; a no-op on MySQL).
    await app.get(TaskRunnerService).runDue(NOW, (id) => id === 'core.sqlite-statistics');

    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const t0 = performance.now();
    const report = await runAsTenant(tenant, () => app.get(MatchingService).run({ force: true }));
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const [{ held }] = await ds.query(`SELECT COUNT(*) AS held FROM booking_capacity_allocation`);
    if (Number(held) !== report.units) throw new Error(`held ${held} units, report says ${report.units}`);
    // The offer mails are composed after matching, in the same task; measured apart.
    const m0 = performance.now();
    const mailed = await runAsTenant(tenant, () => app.get(OfferService).mailPending());
    console.log(`  offer mails: ${mailed} composed and queued in ${round((performance.now() - m0) / 1000)} s`);
    console.log(
      `  ${wishCount} wishes: ${round(seconds)} s, ${report.wishesScanned} scanned (${Math.round(report.wishesScanned / seconds)} wishes/s), ${report.offers} offers holding ${report.units} units, peak RSS ${Math.round(peak / 2 ** 20)} MB`,
    );
    return { seconds, offers: report.offers, peakRssMb: Math.round(peak / 2 ** 20) };
  } finally {
    await app.close();
    await db.drop();
  }
}

console.log(
  `» terminagent matching on ${sqlite ? 'SQLite' : `MariaDB/MySQL at ${new URL(target.serverUrl).host}`}: ${WISHES} and ${2 * WISHES} wishes × ${UNITS} units`,
);
const n = await scenario(WISHES);
const n2 = await scenario(2 * WISHES);
const ratio = round(n2.seconds / n.seconds);
console.log(`  ratio 2n/n: ${ratio} (goal ≤ 2.2); goal for n: ≤ 10 s`);
console.log(
  JSON.stringify({
    wishes: WISHES,
    units: UNITS,
    seconds: round(n.seconds),
    offers: n.offers,
    secondsAt2n: round(n2.seconds),
    ratio2n: ratio,
    peakRssMb: Math.max(n.peakRssMb, n2.peakRssMb),
  }),
);
