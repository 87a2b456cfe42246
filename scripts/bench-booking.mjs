// `npm run bench:booking`: a release rush against the real server, and the availability query.
// - 2,000 concurrent booking attempts (HTTP, as the portal sends them) on 500 released units, first
//   on a server that has not booked yet (cold), then again on the same server (warm, the figures
//   that count); prints successes, overbookings (must be 0), throughput, latency percentiles and
//   the statements the database received per attempt;
// - the same minimal transaction (conditional update + allocation + booking row) through raw mysql2
//   on the same database as the floor, and the ratio;
// - the availability query for 21 days × 20 locations × 3 services on a warm server (p50/p95);
// - the database queries a loser of the rush costs (queriesPerLoser; goal ≤ 1).
// The last line is one JSON object with the figures. DATABASE_URL picks the server (MariaDB on
// 127.0.0.1 by default; a fresh database is created and dropped). ATTEMPTS / UNITS override the sizes.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import { buildInto, databaseTarget, freePort, round } from './bench-support.mjs';

const ATTEMPTS = Number(process.env.ATTEMPTS ?? 2000);
const UNITS = Number(process.env.UNITS ?? 500);
const PER_SLOT = 4;
const AVAILABILITY_RUNS = Number(process.env.AVAILABILITY_RUNS ?? 200);
if (process.env.DATABASE_URL?.startsWith('sqlite:')) {
  console.error('bench:booking measures MySQL/MariaDB; set DATABASE_URL=mysql://user:pass@host:3306');
  process.exit(2);
}
// The server of DATABASE_URL; the bench works in a database of its own there.
const { serverUrl } = databaseTarget('mysql://root@127.0.0.1:3306');
const dbName = `amtszeit_bench_${Date.now()}`;
const dbUrl = `${serverUrl.replace(/\/$/, '')}/${dbName}?connectionLimit=20`;

// Browsers behind many IPs, modelled as a bounded pool of keep-alive sockets (2,000 sockets at once
// would only measure the kernel's accept backlog).
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(process.env.SOCKETS ?? 256) });
function post(url, body) {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(JSON.stringify(body));
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': data.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(data);
  });
}

function pct(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
}

const OUT = 'data/bench-dist';
buildInto(OUT);
await import('reflect-metadata');
const { createApp } = await import(`../${OUT}/apps/server/src/bootstrap.js`);
const { loadEnv } = await import(`../${OUT}/apps/server/src/config/env.config.js`);
const { runAsTenant, toTenantRef } = await import(`../${OUT}/apps/server/src/tenancy/tenant-context.js`);
const { Tenant } = await import(`../${OUT}/apps/server/src/tenancy/tenant.entity.js`);
const { TenantDataService } = await import(`../${OUT}/apps/server/src/tenancy/tenant-data.service.js`);
const { Location } = await import(`../${OUT}/apps/server/src/catalog/entities/location.entity.js`);
const { Schedule } = await import(`../${OUT}/apps/server/src/catalog/entities/schedule.entity.js`);
const { ScheduleRange } = await import(`../${OUT}/apps/server/src/catalog/entities/schedule-range.entity.js`);
const { Service } = await import(`../${OUT}/apps/server/src/catalog/entities/service.entity.js`);
const { ServiceOffering } = await import(`../${OUT}/apps/server/src/catalog/entities/service-offering.entity.js`);
const { ReleaseService } = await import(`../${OUT}/plugins/booking/release.service.js`);
const { SOLD_OUT_MEMORY_MS } = await import(`../${OUT}/plugins/booking/capacity.service.js`);
const { DataSource } = await import('typeorm');

const admin = await mysql.createConnection(`${serverUrl.replace(/\/$/, '')}/`);
await admin.query(`CREATE DATABASE ${dbName} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
let app;
let server;
try {
  const serverEnv = {
    NODE_ENV: 'production',
    SESSION_SECRET: 'bench-secret-0123456789-abcdefghijklmnop',
    DATABASE_URL: dbUrl,
    BOT_PROTECTION: 'off',
    TASK_POLL_SECONDS: '0',
    LOG_LEVEL: 'error',
  };
  const env = loadEnv({ ...process.env, ...serverEnv });
  app = await createApp({ env, logger: false });
  // The measured server runs in its own process (as in production), so the load generator here
  // does not share its event loop; this process only sets up and checks the data.
  const port = await freePort();
  // BENCH_NODE_ARGS, e.g. '--cpu-prof --cpu-prof-dir=data/prof', profiles the measured server.
  server = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), `${OUT}/apps/server/src/main.js`], {
    env: { ...process.env, ...serverEnv, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  // Healthy, and the admin panel (loaded after the server listens) ready, so its load does not share the measurements.
  for (let i = 0; ; i++) {
    if (
      await fetch(`${origin}/admin/login`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 300) throw new Error('the server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const base = `${origin}/api/v1/tenants/musterstadt`;
  const ds = app.get(DataSource);
  const data = app.get(TenantDataService);
  const tenant = toTenantRef(await ds.getRepository(Tenant).findOneByOrFail({ slug: 'musterstadt' }));

  // 20 locations offering 3 services, each with the Rathaus opening hours.
  const { services, locations } = await runAsTenant(tenant, async () => {
    const services = (await data.repo(Service).find({ where: { onlineBookable: true, active: true }, order: { name: 'ASC' } })).slice(0, 3);
    const rathaus = (await data.repo(Location).find()).find((l) => l.name.includes('Rathaus'));
    const schedule = await data.repo(Schedule).findOneBy({ locationId: rathaus.id });
    const ranges = await data.repo(ScheduleRange).findBy({ scheduleId: schedule.id });
    for (let i = await data.repo(Location).count(); i < 20; i++) {
      const loc = await data
        .repo(Location)
        .save(data.repo(Location).create({ name: `Bürgerbüro ${i + 1}`, street: 'Teststraße 1', postalCode: '59999', city: 'Musterstadt', active: true }));
      const s = await data
        .repo(Schedule)
        .save(
          data.repo(Schedule).create({ locationId: loc.id, name: 'Bench', validFrom: schedule.validFrom, validTo: null, slotMinutes: schedule.slotMinutes }),
        );
      await data
        .repo(ScheduleRange)
        .save(
          ranges.map((r) =>
            data.repo(ScheduleRange).create({ scheduleId: s.id, weekday: r.weekday, startTime: r.startTime, endTime: r.endTime, counters: r.counters }),
          ),
        );
    }
    const locations = await data.repo(Location).find();
    const offered = await data.repo(ServiceOffering).find();
    for (const l of locations)
      for (const sv of services) {
        if (!offered.some((o) => o.locationId === l.id && o.serviceId === sv.id))
          await data.repo(ServiceOffering).save(data.repo(ServiceOffering).create({ locationId: l.id, serviceId: sv.id }));
      }
    await app.get(ReleaseService).releaseDue();
    return { services, locations };
  });
  console.log(`» ${locations.length} locations, ${services.length} services released`);

  // Availability, warm: 21 days × 20 locations × 3 services.
  const today = new Date().toISOString().slice(0, 10);
  const to = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
  const availUrl = `${base}/availability?services=${services.map((s) => `${s.id}:1`).join(',')}&locations=${locations.map((l) => l.id).join(',')}&from=${today}&to=${to}`;
  const first = performance.now();
  const probe = await fetch(availUrl);
  const probeBody = await probe.json();
  if (probe.status !== 200) throw new Error(`availability answered ${probe.status}: ${probeBody.message}`);
  console.log(`» first (cold) availability answer in ${round(performance.now() - first)} ms`);
  for (let i = 0; i < 20; i++) await (await fetch(availUrl)).json();
  const availMs = [];
  let days = 0;
  for (let i = 0; i < AVAILABILITY_RUNS; i++) {
    const t0 = performance.now();
    const body = await (await fetch(availUrl)).json();
    availMs.push(performance.now() - t0);
    days = body.days.length;
  }
  availMs.sort((a, b) => a - b);
  console.log(
    `» availability 21 d × ${locations.length} loc × 3 svc: ${days} location-days with starts, p50 ${round(pct(availMs, 50))} ms, p95 ${round(pct(availMs, 95))} ms`,
  );

  // The rush: exactly UNITS online units left, PER_SLOT per slot, on Rathaus slots from tomorrow on.
  const rathaus = locations.find((l) => l.name.includes('Rathaus'));
  const [slotRows] = [
    await ds.query(
      `SELECT DISTINCT localDate, localStart, slotStart, utcOffsetMinutes FROM booking_capacity_unit WHERE locationId = ? AND channel = 'online' AND localDate > ? ORDER BY slotStart LIMIT ${Math.ceil(UNITS / PER_SLOT)}`,
      [rathaus.id, today],
    ),
  ];
  await ds.query(`UPDATE booking_capacity_unit SET capacity = 0 WHERE locationId = ?`, [rathaus.id]);
  const slotKeys = slotRows.map((r) => r.slotStart);
  await ds.query(`UPDATE booking_capacity_unit SET capacity = ${PER_SLOT} WHERE locationId = ? AND channel = 'online' AND slotStart IN (?)`, [
    rathaus.id,
    slotKeys,
  ]);
  const [[{ units }]] = [await ds.query(`SELECT SUM(capacity) AS units FROM booking_capacity_unit WHERE locationId = ?`, [rathaus.id])];
  const iso = (r) => {
    const off = Number(r.utcOffsetMinutes);
    return `${r.localDate}T${r.localStart}:00+${String(Math.floor(off / 60)).padStart(2, '0')}:${String(off % 60).padStart(2, '0')}`;
  };
  const service = services.find((s) => s.durationMinutes <= 15) ?? services[0];
  // Statements the database server received: what a rush costs it, per attempt (nothing else runs on it meanwhile).
  const questions = async () => Number((await admin.query(`SHOW GLOBAL STATUS LIKE 'Questions'`))[0][0].Value);
  async function rush(label) {
    const latencies = [];
    let booked = 0;
    let conflicts = 0;
    let errors = 0;
    const q0 = await questions();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: ATTEMPTS }, async (_, i) => {
        const slot = slotRows[Math.floor(Math.random() * slotRows.length)];
        const started = performance.now();
        const status = await post(`${base}/bookings`, {
          services: [{ serviceId: service.id, quantity: 1 }],
          locationId: rathaus.id,
          start: iso(slot),
          citizen: { name: `Bench ${i}`, email: `bench-${label}-${i}@example.org` },
          consent: true,
        });
        latencies.push(performance.now() - started);
        if (status === 201) booked++;
        else if (status === 409) conflicts++;
        else errors++;
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const statements = (await questions()) - q0 - 1;
    latencies.sort((a, b) => a - b);
    const [[over]] = [
      await ds.query(
        `SELECT COALESCE(SUM(CASE WHEN used > capacity THEN used - capacity ELSE 0 END), 0) AS overflow, SUM(used) AS used,
            (SELECT COUNT(*) FROM booking_capacity_allocation) AS allocations FROM booking_capacity_unit`,
      ),
    ];
    const overbooked = Number(over.overflow) + Math.max(0, booked - Number(units));
    console.log(
      `» ${label} rush: ${ATTEMPTS} attempts on ${units} units → ${booked} booked, ${conflicts} × 409, ${errors} errors, overbooked ${overbooked} (used ${over.used}, allocations ${over.allocations})`,
    );
    console.log(
      `  ${round(ATTEMPTS / seconds)} attempts/s, p50 ${round(pct(latencies, 50))} ms, p95 ${round(pct(latencies, 95))} ms, p99 ${round(pct(latencies, 99))} ms, ${round(statements / ATTEMPTS)} statements per attempt`,
    );
    return { booked, errors, overbooked, seconds, latencies, statements };
  }
  // First on a server that has answered no booking yet (its code not yet compiled by the JIT), then,
  // after the bookings are taken back, on the same server warm: as at 9:00 on a server that runs all day.
  const cold = await rush('cold');
  for (const table of ['booking_capacity_allocation', 'booking', 'outbox_message', 'event_delivery', 'domain_event', 'booking_hold_lock'])
    await ds.query(`DELETE FROM ${table}`);
  await ds.query(`UPDATE booking_capacity_unit SET used = 0`);
  const warm = await rush('warm');
  const { booked, errors, seconds, latencies } = warm;
  const overbooked = cold.overbooked + warm.overbooked;

  // Queries per loser: sequential attempts on the full slots, answered by the setup instance (a
  // second instance on the same database, warm after one attempt) whose queries are counted.
  await ds.query(`UPDATE booking_capacity_unit SET capacity = used WHERE locationId = ?`, [rathaus.id]);
  await app.listen(0, '127.0.0.1');
  const setupBase = `${await app.getUrl()}/api/v1/tenants/musterstadt`.replace('[::1]', '127.0.0.1');
  const loserBody = (i) => ({
    services: [{ serviceId: service.id, quantity: 1 }],
    locationId: rathaus.id,
    start: iso(slotRows[i % slotRows.length]),
    citizen: { name: `Loser ${i}`, email: `loser${i}@example.org` },
    consent: true,
  });
  if ((await post(`${setupBase}/bookings`, loserBody(0))) !== 409) throw new Error('the loser probe found a free unit');
  const logger = ds.logger;
  const logQuery = logger.logQuery;
  let queries = 0;
  // The config cache's poll of its version runs on its own timer; it answers no request.
  logger.logQuery = (...args) => {
    if (!String(args[0]).includes('config_version')) queries += 1;
    return logQuery.apply(logger, args);
  };
  const LOSERS = 100;
  const l0 = performance.now();
  for (let i = 1; i <= LOSERS; i++) {
    const status = await post(`${setupBase}/bookings`, loserBody(i));
    if (status !== 409) throw new Error(`a loser was answered ${status}`);
  }
  const queriesPerLoser = Math.round((queries / LOSERS) * 100) / 100;
  console.log(
    `» a loser costs ${queriesPerLoser} queries (${queries} over ${LOSERS} attempts on full slots), ${round((performance.now() - l0) / LOSERS)} ms each in sequence`,
  );
  // And a winner: one slot given 20 more units, booked one after another.
  const WINNERS = 20;
  await ds.query(`UPDATE booking_capacity_unit SET capacity = capacity + ${WINNERS} WHERE locationId = ? AND channel = 'online' AND slotStart = ?`, [
    rathaus.id,
    slotRows[0].slotStart,
  ]);
  // Raised behind the instance's back, as another instance would give units back: it may answer
  // from its memory of sold-out times for that long (capacity.service.ts).
  await new Promise((r) => setTimeout(r, SOLD_OUT_MEMORY_MS + 100));
  queries = 0;
  const w0 = performance.now();
  for (let i = 0; i < WINNERS; i++) {
    const status = await post(`${setupBase}/bookings`, { ...loserBody(0), citizen: { name: `Winner ${i}`, email: `winner${i}@example.org` } });
    if (status !== 201) throw new Error(`a winner was answered ${status}`);
  }
  logger.logQuery = logQuery;
  const queriesPerWinner = Math.round((queries / WINNERS) * 100) / 100;
  console.log(`» a winner costs ${queriesPerWinner} queries in one transaction, ${round((performance.now() - w0) / WINNERS)} ms each in sequence`);

  // The floor: the same minimal transaction through raw mysql2 (same pool size), units reset.
  await ds.query(`UPDATE booking_capacity_unit SET used = 0`);
  await ds.query(`DELETE FROM booking_capacity_allocation`);
  const unitRows = await ds.query(`SELECT id, slotStart FROM booking_capacity_unit WHERE locationId = ? AND capacity > 0`, [rathaus.id]);
  const pool = mysql.createPool({ uri: dbUrl.replace(/\?.*$/, ''), connectionLimit: 20 });
  let floorBooked = 0;
  const f0 = performance.now();
  await Promise.all(
    Array.from({ length: ATTEMPTS }, async (_, i) => {
      const unit = unitRows[Math.floor(Math.random() * unitRows.length)];
      const conn = await pool.getConnection();
      try {
        await conn.beginTransaction();
        const [r] = await conn.query('UPDATE booking_capacity_unit SET used = used + 1 WHERE id = ? AND tenantId = ? AND used < capacity', [
          unit.id,
          tenant.id,
        ]);
        if (r.affectedRows === 1) {
          const id = randomUUID();
          await conn.query(
            `INSERT INTO booking (id, tenantId, reference, token, status, channel, locale, locationId, startAt, endAt, minutes, services, citizenName, citizenEmail)
             VALUES (?, ?, ?, ?, 'pending', 'online', 'de', ?, ?, ?, 15, '[]', ?, ?)`,
            [id, tenant.id, `F${String(i).padStart(7, '0')}`, randomUUID(), rathaus.id, unit.slotStart, unit.slotStart, `Floor ${i}`, `floor${i}@example.org`],
          );
          await conn.query('INSERT INTO booking_capacity_allocation (id, tenantId, unitId, ownerId) VALUES (?, ?, ?, ?)', [
            randomUUID(),
            tenant.id,
            unit.id,
            id,
          ]);
          floorBooked++;
        }
        await conn.commit();
      } catch (err) {
        await conn.rollback();
        throw err;
      } finally {
        conn.release();
      }
    }),
  );
  const floorSeconds = (performance.now() - f0) / 1000;
  await pool.end();
  const floorPerSecond = ATTEMPTS / floorSeconds;
  console.log(`» floor (raw mysql2, same transaction core): ${round(floorPerSecond)} attempts/s, ${floorBooked} booked`);

  const figures = {
    attempts: ATTEMPTS,
    units: Number(units),
    booked,
    overbooked,
    perSecond: round(ATTEMPTS / seconds),
    coldPerSecond: round(ATTEMPTS / cold.seconds),
    p50Ms: round(pct(latencies, 50)),
    p95Ms: round(pct(latencies, 95)),
    p99Ms: round(pct(latencies, 99)),
    floorPerSecond: round(floorPerSecond),
    ratioToFloor: Math.round((ATTEMPTS / seconds / floorPerSecond) * 1000) / 1000,
    coldRatioToFloor: Math.round((ATTEMPTS / cold.seconds / floorPerSecond) * 1000) / 1000,
    statementsPerAttempt: round(warm.statements / ATTEMPTS),
    availabilityP95Ms: round(pct(availMs, 95)),
    queriesPerLoser,
    queriesPerWinner,
  };
  console.log(JSON.stringify(figures));
  if (overbooked !== 0 || errors !== 0 || cold.errors !== 0) process.exitCode = 1;
} finally {
  agent.destroy();
  if (server) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (app) await app.close();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.end();
}
