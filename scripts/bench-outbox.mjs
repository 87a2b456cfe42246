// `npm run bench:outbox`: the mail outbox draining a backlog, as after a crash or an SMTP outage.
// MAILS (default 5,000) due booking confirmations — the real template with QR code PNG and ICS
// file, rendered when they are described (BookingMailService.notify), as the booking does — wait in one tenant's outbox; delivery runs (OutboxService.deliverDue, what the minute
// task and the kick after a commit start) are called until one sends nothing. The SMTP server is
// `smtp-server` in a child process of this script, accepting everything, so it does not share the
// sender's event loop. Prints mails/s and the seconds until the last mail was accepted, checks that
// every mail arrived exactly once, and ends with one JSON line:
// {"database","mails","instances","runs","seconds","mailsPerSecond","avgMailKb","duplicates","peakRssMb"}.
// DATABASE_URL picks the database: a fresh temporary SQLite file by default, or
// mysql://root@127.0.0.1:3306 (a fresh database is created and dropped). INSTANCES=2 drains with
// two app instances on the same database at once.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildInto, databaseTarget, freshDatabase, round } from './bench-support.mjs';

if (process.argv[2] === '--smtp-child') {
  // The receiving side: counts mails, their bytes and distinct Message-IDs, and when the last came.
  const { SMTPServer } = await import('smtp-server');
  const ids = new Map();
  let bytes = 0;
  let lastAt = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk) => {
        bytes += chunk.length;
        if (head.length < 4096) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        const id = /^Message-ID:\s*(\S+)/im.exec(head)?.[1] ?? '?';
        ids.set(id, (ids.get(id) ?? 0) + 1);
        lastAt = Date.now();
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.server.address().port }));
  process.on('message', (m) => {
    if (m === 'report') {
      const total = [...ids.values()].reduce((a, b) => a + b, 0);
      process.send({ total, distinct: ids.size, bytes, lastAt });
    }
  });
} else {
  await main();
}

async function main() {
  const MAILS = Number(process.env.MAILS ?? 5000);
  const INSTANCES = Number(process.env.INSTANCES ?? 1);
  const target = databaseTarget('sqlite:');
  const sqlite = target.sqlite;

  const OUT = 'data/bench-outbox-dist';
  buildInto(OUT);
  await import('reflect-metadata');
  const { createApp } = await import(`../${OUT}/apps/server/src/bootstrap.js`);
  const { loadEnv } = await import(`../${OUT}/apps/server/src/config/env.config.js`);
  const { runAsTenant, toTenantRef } = await import(`../${OUT}/apps/server/src/tenancy/tenant-context.js`);
  const { Tenant } = await import(`../${OUT}/apps/server/src/tenancy/tenant.entity.js`);
  const { TenantDataService } = await import(`../${OUT}/apps/server/src/tenancy/tenant-data.service.js`);
  const { CatalogService } = await import(`../${OUT}/apps/server/src/catalog/catalog.service.js`);
  const { OutboxService } = await import(`../${OUT}/apps/server/src/notifications/outbox.service.js`);
  const { BookingMailService } = await import(`../${OUT}/plugins/booking/booking-mail.service.js`);
  const { DataSource } = await import('typeorm');

  const db = await freshDatabase('outbox', target);
  const smtp = fork(fileURLToPath(import.meta.url), ['--smtp-child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (request) =>
    new Promise((resolve) => {
      smtp.once('message', resolve);
      if (request) smtp.send(request);
    });
  const { port } = await ask(null);
  const apps = [];
  try {
    const env = loadEnv({
      ...process.env,
      NODE_ENV: 'production',
      SESSION_SECRET: 'bench-secret-0123456789-abcdefghijklmnop',
      DATABASE_URL: db.url,
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      TASK_POLL_SECONDS: '0',
      LOG_LEVEL: 'error',
    });
    for (let i = 0; i < INSTANCES; i++) apps.push(await createApp({ env, logger: false }));
    const [app] = apps;
    const tenant = toTenantRef(await app.get(DataSource).getRepository(Tenant).findOneByOrFail({ slug: 'musterstadt' }));

    // 50 distinct confirmations (own reference, QR code, ICS), each described for 100 recipients.
    const seeded = performance.now();
    await runAsTenant(tenant, async () => {
      const catalog = app.get(CatalogService);
      const [location] = await catalog.locations();
      const services = (await catalog.services()).filter((s) => s.checklist.length > 0).slice(0, 2);
      const views = [];
      for (let k = 0; k < 50; k++) {
        const reference = `BENCH-${String(k).padStart(4, '0')}`;
        views.push({
          reference,
          status: 'confirmed',
          channel: 'online',
          locale: 'de',
          start: '2026-11-24T08:00:00+01:00',
          end: '2026-11-24T08:30:00+01:00',
          holdUntil: null,
          minutes: 30,
          revision: 1,
          location,
          services: services.map((s) => ({
            serviceId: s.id,
            name: s.name,
            nameEn: s.nameEn,
            quantity: 1,
            durationMinutes: s.durationMinutes,
            checklist: s.checklist,
          })),
          citizen: { name: 'Erika Mustermann', email: 'erika@example.org', phone: null, sms: false },
          checkInCode: String(100000 + k),
          qrPayload: `AMTSZEIT:musterstadt:${reference}`,
          canCancel: true,
          canRebook: true,
        });
      }
      const data = app.get(TenantDataService);
      const mails = app.get(BookingMailService);
      for (let i = 0; i < MAILS; i += 500) {
        await data.transaction(async (tx) => {
          for (let j = i; j < Math.min(MAILS, i + 500); j++) {
            const view = views[j % views.length];
            await mails.notify(
              tx,
              'confirmation',
              { id: `bench-${j}` },
              { view: { ...view, citizen: { ...view.citizen, email: `buerger${j}@example.org` } }, token: `token-${j % 50}-${'x'.repeat(32)}` },
            );
          }
        });
      }
    });
    console.log(
      `» ${MAILS} due confirmation mails written in ${round((performance.now() - seeded) / 1000)} s (${sqlite ? 'SQLite' : `MariaDB/MySQL at ${new URL(target.serverUrl).host}`}, ${INSTANCES} instance${INSTANCES > 1 ? 's' : ''})`,
    );

    // Delivery runs until one finds nothing; every instance drains at once.
    const started = Date.now();
    const runs = await Promise.all(
      apps.map((a) =>
        runAsTenant(tenant, async () => {
          let count = 0;
          while ((await a.get(OutboxService).deliverDue()).sent > 0) count += 1;
          return count;
        }),
      ),
    );
    const finished = Date.now();
    const received = await ask('report');
    const seconds = (received.lastAt - started) / 1000;
    const [{ sent }] = await app.get(DataSource).query(`SELECT COUNT(*) AS sent FROM outbox_message WHERE status = 'sent'`);
    const duplicates = received.total - received.distinct;
    const figures = {
      database: sqlite ? 'sqlite' : 'mysql',
      mails: MAILS,
      instances: INSTANCES,
      runs: runs.reduce((a, b) => a + b, 0),
      seconds: round(seconds, 2),
      mailsPerSecond: round(received.distinct / seconds),
      avgMailKb: round(received.bytes / received.total / 1024),
      duplicates,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    console.log(`  accepted ${received.distinct} of ${MAILS} mails (${duplicates} duplicates, ${Number(sent)} rows marked sent), ${figures.avgMailKb} KB each`);
    console.log(
      `  last mail accepted after ${figures.seconds} s (delivery runs returned after ${round((finished - started) / 1000, 2)} s, ${figures.runs} runs that sent mail)`,
    );
    console.log(`  ${figures.mailsPerSecond} mails/s (goal ≥ 100)`);
    console.log(JSON.stringify(figures));
    if (received.distinct !== MAILS || duplicates !== 0 || Number(sent) !== MAILS) process.exitCode = 1;
  } finally {
    for (const a of apps) await a.close();
    smtp.kill();
    await db.drop();
  }
}
