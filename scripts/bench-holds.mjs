// `npm run bench:holds`: how many slots ONE client address can keep on hold (booked, never
// confirmed) over 30 minutes, with bot protection and the captcha on. The app runs in this process
// on a TestClock and listens on 127.0.0.1; the script is the bot: it books as fast as the rate limit
// lets it go on for good (RATE_PER_MINUTE, default 19: the sliding window of the default 20 per
// minute counts the attempt itself, and refused attempts count too, so an even 20 per minute locks
// the bot out every other minute), solves every ALTCHA challenge, rotates its
// email through plus-tags, Gmail dots, googlemail.com, other domains and a catch-all domain, and
// lets the housekeeping task expire lapsed holds each minute, as a server would. Thirty minutes of
// clock take seconds. The last line is one JSON object:
// {"address","pendingHeld","attempts","booked","refusedByCap","refusedByRate","gone","minutes","solveMsAvg"}.
// pendingHeld is the most holds the address had live (not lapsed, not confirmed) at any moment.
// DATABASE_URL picks the database: a fresh temporary SQLite file by default, or a MySQL/MariaDB
// server URL (a fresh database is created and dropped). MINUTES overrides the 30 minutes.
// The solver is ALTCHA v1's (sha256(salt + number) = challenge) as a plain node:crypto loop, checked
// against altcha-lib's solveChallenge on the first challenge: altcha-lib's WebCrypto loop takes
// seconds per challenge on a busy VM, and a bot would use a fast loop anyway. SOLVER=altcha uses
// altcha-lib's for every challenge.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { solveChallenge } from 'altcha-lib/v1';
import { buildInto, databaseTarget, freshDatabase, round } from './bench-support.mjs';

const MINUTES = Number(process.env.MINUTES ?? 30);
const RATE = Number(process.env.RATE_PER_MINUTE ?? 19);
const SLUG = 'musterstadt';
const target = databaseTarget('sqlite:');

const OUT = 'data/bench-holds-dist';
buildInto(OUT);
await import('reflect-metadata');
const { createApp } = await import(`../${OUT}/apps/server/src/bootstrap.js`);
const { loadEnv } = await import(`../${OUT}/apps/server/src/config/env.config.js`);
const { TestClock } = await import(`../${OUT}/apps/server/src/common/clock.js`);
const { JsonLogger } = await import(`../${OUT}/apps/server/src/common/json-logger.js`);
const { TaskRunnerService } = await import(`../${OUT}/apps/server/src/tasks/task-runner.service.js`);
const { DataSource } = await import('typeorm');

/** ALTCHA v1: the number whose sha256(salt + number) is the challenge. */
function solveFast({ algorithm, challenge, salt, maxnumber }) {
  const hash = algorithm.replace('-', '').toLowerCase();
  for (let n = 0; n <= maxnumber; n++)
    if (
      createHash(hash)
        .update(salt + n)
        .digest('hex') === challenge
    )
      return n;
  throw new Error('challenge without a solution');
}

/** The bot's addresses: tags and dots on a few mailboxes, and a catch-all domain (a new mailbox each time). */
const mailboxes = [
  (i) => `erika.bot+${i}@gmail.com`,
  (i) =>
    `${[...'erikabot']
      .map((c, k) => ((i >> k) & 1 ? `${c}.` : c))
      .join('')
      .replace(/\.$/, '')}@googlemail.com`,
  (i) => `Max.Bot+${i}@web.de`,
  (i) => `bot+${i}@example.org`,
  (i) => `bot-${i}@catch-all.example`,
];

const db = await freshDatabase('holds', target);
const clock = new TestClock(new Date('2026-11-23T07:00:00Z')); // Monday 08:00 in Berlin
let app;
try {
  const env = loadEnv({
    NODE_ENV: 'development',
    DATABASE_URL: db.url,
    BOT_PROTECTION: 'on',
    TASK_POLL_SECONDS: '0',
    SESSION_SECRET: 'bench-secret-0123456789-abcdefghijklmnop',
    PUBLIC_BASE_URL: 'http://127.0.0.1',
    LOG_LEVEL: 'error',
  });
  app = await createApp({ env, clock, logger: new JsonLogger('error') });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${app.getHttpServer().address().port}/api/v1/tenants/${SLUG}`;
  const tasks = app.get(TaskRunnerService);
  const dataSource = app.get(DataSource);
  await tasks.runDue(clock.now(), (id) => id === 'booking.release');

  const getJson = async (path) => {
    const res = await fetch(`${base}${path}`);
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const ausweis = (await getJson('/services')).find((s) => s.name === 'Personalausweis beantragen').id;
  const found = await getJson(`/availability?services=${ausweis}:1&from=2026-11-23&to=2026-12-13`);
  const starts = found.days.flatMap((d) => d.starts.map((start) => ({ locationId: d.locationId, start })));
  console.log(`» ${starts.length} free starts; the bot books for ${MINUTES} minutes at ${RATE} attempts per minute from 127.0.0.1`);

  const counts = { attempts: 0, booked: 0, refusedByCap: 0, refusedByRate: 0, gone: 0, other: 0 };
  const holds = []; // holdUntil of each hold the bot got
  let peak = 0;
  let solveMs = 0;
  let next = 0;
  let minute = -1;
  const end = clock.now().getTime() + MINUTES * 60_000;
  for (let i = 0; clock.now().getTime() < end; i++, clock.advance(60_000 / RATE)) {
    const m = Math.floor(clock.now().getTime() / 60_000);
    if (m !== minute) {
      minute = m;
      await tasks.runDue(clock.now(), (id) => id === 'booking.housekeeping');
    }
    const challenge = await getJson('/bookings/challenge');
    const t0 = performance.now();
    const number =
      process.env.SOLVER === 'altcha' || i === 0
        ? (await solveChallenge(challenge.challenge, challenge.salt, challenge.algorithm, challenge.maxnumber).promise).number
        : solveFast(challenge);
    solveMs += performance.now() - t0;
    if (i === 0 && number !== solveFast(challenge)) throw new Error('the fast solver disagrees with altcha-lib');
    const altcha = Buffer.from(
      JSON.stringify({ algorithm: challenge.algorithm, challenge: challenge.challenge, number, salt: challenge.salt, signature: challenge.signature }),
    ).toString('base64');
    const slot = starts[next % starts.length];
    const res = await fetch(`${base}/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        services: [{ serviceId: ausweis, quantity: 1 }],
        locationId: slot.locationId,
        start: slot.start,
        citizen: { name: `Erika Bot ${i}`, email: mailboxes[i % mailboxes.length](i) },
        consent: true,
        altcha,
      }),
    });
    const body = await res.json();
    counts.attempts += 1;
    if (res.status === 201) {
      counts.booked += 1;
      holds.push(Date.parse(body.holdUntil));
      next += 1;
    } else if (res.status === 429) {
      if (/attempts/.test(body.message)) counts.refusedByRate += 1;
      else counts.refusedByCap += 1;
    } else if (res.status === 409) {
      counts.gone += 1;
      next += 1;
    } else {
      counts.other += 1;
      if (counts.other <= 3) console.log(`  unexpected ${res.status}: ${body.message}`);
    }
    const now = clock.now().getTime();
    peak = Math.max(peak, holds.filter((until) => until > now).length);
  }
  // SQLite hands back UTC text, MySQL/MariaDB a Date.
  const pending = await dataSource.query("SELECT holdUntil FROM booking WHERE status = 'pending'");
  const live = pending.filter((r) => new Date(typeof r.holdUntil === 'string' ? `${r.holdUntil.replace(' ', 'T')}Z` : r.holdUntil) > clock.now()).length;
  console.log(
    `» attempts ${counts.attempts}: booked ${counts.booked}, refused by a cap ${counts.refusedByCap}, by the rate limit ${counts.refusedByRate}, time gone ${counts.gone}, other ${counts.other}`,
  );
  console.log(
    `» most holds live at once: ${peak}; live at the end (database): ${live}; proof of work ${round(solveMs / counts.attempts)} ms per challenge (maxnumber ${(await getJson('/bookings/challenge')).maxnumber})`,
  );
  console.log(
    JSON.stringify({
      address: '127.0.0.1',
      pendingHeld: peak,
      attempts: counts.attempts,
      booked: counts.booked,
      refusedByCap: counts.refusedByCap,
      refusedByRate: counts.refusedByRate,
      gone: counts.gone,
      minutes: MINUTES,
      solveMsAvg: round(solveMs / counts.attempts),
    }),
  );
} finally {
  await app?.close();
  await db.drop();
}
