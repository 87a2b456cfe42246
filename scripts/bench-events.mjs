// `npm run bench:events [-- --db sqlite|mysql]`: commit→handler lag of the event bus under load.
// BOOKINGS (default 2,000) appointments are made concurrently (CONCURRENCY at once, default 32)
// through BookingService on the released demo capacity; each commits a `booking.created` event,
// and a subscriber registered like a plugin's records when it ran. The lag is measured from the
// event's `occurredAt` (taken inside the transaction, just before the commit) to the handler, so
// it is an upper bound of commit→handler. INSTANCES=2 runs a second instance on the same database
// whose poll competes for the deliveries. Ends with one JSON line:
// {"database","instances","bookings","events","p50","p95","max","seconds","duplicates"}. Goal: p95 ≤ 1000 ms.
import { parseArgs } from 'node:util';
import { buildInto, databaseTarget, freshDatabase, round } from './bench-support.mjs';

const { values } = parseArgs({ options: { db: { type: 'string', default: 'sqlite' } }, strict: false });
const BOOKINGS = Number(process.env.BOOKINGS ?? 2000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const INSTANCES = Number(process.env.INSTANCES ?? 1);
const target = databaseTarget(values.db === 'mysql' ? (process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306') : 'sqlite:');

const OUT = 'data/bench-events-dist';
buildInto(OUT);
await import('reflect-metadata');
const { Injectable, Module } = await import('@nestjs/common');
const { z } = await import('zod');
const { DataSource } = await import('typeorm');
const { createApp } = await import(`../${OUT}/apps/server/src/bootstrap.js`);
const { loadEnv } = await import(`../${OUT}/apps/server/src/config/env.config.js`);
const { runAsTenant, toTenantRef } = await import(`../${OUT}/apps/server/src/tenancy/tenant-context.js`);
const { Tenant } = await import(`../${OUT}/apps/server/src/tenancy/tenant.entity.js`);
const { PluginHostService } = await import(`../${OUT}/apps/server/src/plugin-host/plugin-host.service.js`);
const { EventDeliveryService } = await import(`../${OUT}/apps/server/src/events/event-delivery.service.js`);
const { definePlugin } = await import(`../${OUT}/apps/server/src/plugin-host/plugin.types.js`);
const { ALL_PLUGINS } = await import(`../${OUT}/plugins/index.js`);
const { BookingService } = await import(`../${OUT}/plugins/booking/booking.service.js`);
const { ReleaseService } = await import(`../${OUT}/plugins/booking/release.service.js`);

// The measuring subscriber, declared as a plugin declares one.
const seen = new Map();
class LagRecorder {
  events = ['booking.created'];
  async handle(event) {
    const lag = Date.now() - new Date(event.occurredAt).getTime();
    seen.set(event.id, [...(seen.get(event.id) ?? []), lag]);
  }
}
Injectable()(LagRecorder);
class LagModule {}
Module({ providers: [LagRecorder] })(LagModule);
const lagPlugin = definePlugin({
  name: 'benchlag',
  label: { de: 'Messung', en: 'Probe' },
  module: LagModule,
  entities: [],
  migrations: [],
  settings: z.object({}),
  subscribers: [LagRecorder],
});

const db = await freshDatabase('events', target);
const apps = [];
try {
  const env = loadEnv({
    ...process.env,
    NODE_ENV: 'production',
    SESSION_SECRET: 'bench-secret-0123456789-abcdefghijklmnop',
    DATABASE_URL: db.url,
    // Background delivery on: the kick after each commit and the poll; the task tick stays out of the way.
    TASK_POLL_SECONDS: '3600',
    BOT_PROTECTION: 'off',
    LOG_LEVEL: 'error',
  });
  for (let i = 0; i < INSTANCES; i++) apps.push(await createApp({ env, logger: false, plugins: [...ALL_PLUGINS, lagPlugin] }));
  const [app] = apps;
  const ds = app.get(DataSource);
  const tenant = toTenantRef(await ds.getRepository(Tenant).findOneByOrFail({ slug: 'musterstadt' }));
  await app.get(PluginHostService).setEnabled(tenant.id, lagPlugin, true);
  await runAsTenant(tenant, () => app.get(ReleaseService).releaseDue());

  // One booking per free unit of a 15-minute service, over every location that offers it.
  const [service] = await ds.query(`SELECT id FROM service WHERE tenantId = ? AND name = 'Personalausweis beantragen'`, [tenant.id]);
  const units = await ds.query(
    `SELECT u.locationId, u.slotStart, u.capacity - u.used AS free FROM booking_capacity_unit u
      WHERE u.tenantId = ? AND u.channel IN ('phone', 'online') AND u.used < u.capacity
        AND u.locationId IN (SELECT o.locationId FROM service_offering o WHERE o.tenantId = ? AND o.serviceId = ?)
      ORDER BY u.slotStart`,
    [tenant.id, tenant.id, service.id],
  );
  // SQLite hands back 'YYYY-MM-DD HH:MM:SS[.SSS]' in UTC.
  const instant = (v) => (v instanceof Date ? v : new Date(`${String(v).replace(' ', 'T')}Z`));
  const jobs = [];
  for (const u of units.filter((x) => instant(x.slotStart).getTime() > Date.now() + 3_600_000)) {
    for (let k = 0; k < Number(u.free) && jobs.length < BOOKINGS; k++) jobs.push({ locationId: u.locationId, start: instant(u.slotStart).toISOString() });
  }
  console.log(
    `» ${jobs.length} bookings, ${CONCURRENCY} at once, ${INSTANCES} instance${INSTANCES > 1 ? 's' : ''} on ${target.sqlite ? 'SQLite' : 'MariaDB/MySQL'}`,
  );

  const bookings = app.get(BookingService);
  let next = 0;
  let made = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, () =>
      runAsTenant(tenant, async () => {
        while (next < jobs.length) {
          const job = jobs[next++];
          try {
            await bookings.createTrusted('phone', {
              services: [{ serviceId: service.id, quantity: 1 }],
              locationId: job.locationId,
              start: job.start,
              consent: true,
              locale: 'de',
              citizen: { name: 'Bench Bürger' },
            });
            made += 1;
          } catch (err) {
            if (err?.status !== 409) throw err;
          }
        }
      }),
    ),
  );
  const [{ events }] = await ds.query(`SELECT COUNT(*) AS events FROM domain_event WHERE type = 'booking.created'`);
  // Wait (without sleeping a fixed time) until every event was handled: drains finish, then a last look.
  while (seen.size < Number(events)) {
    await Promise.all(apps.map((a) => a.get(EventDeliveryService).idle()));
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  const lags = [...seen.values()].map((l) => l[0]).sort((a, b) => a - b);
  const pct = (p) => lags[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))];
  const figures = {
    database: target.sqlite ? 'sqlite' : 'mysql',
    instances: INSTANCES,
    bookings: made,
    events: Number(events),
    p50: pct(50),
    p95: pct(95),
    max: lags.at(-1),
    seconds: round(seconds, 2),
    duplicates: [...seen.values()].filter((l) => l.length > 1).length,
  };
  console.log(`  ${figures.events} events handled; lag p50 ${figures.p50} ms, p95 ${figures.p95} ms (goal ≤ 1000), max ${figures.max} ms`);
  console.log(JSON.stringify(figures));
} finally {
  for (const a of apps) await a.close();
  await db.drop();
}
