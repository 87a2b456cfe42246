// `npm run bench:login`: what the login throttling costs. The proof of work as a user meets it
// (the panel's login page in Chromium, from opening the page until the check is done), the same
// solver under Node (a client app), a challenge, and a failed login (bcrypt plus the counters).
// Fresh SQLite database unless BENCH_DATABASE_URL is set; CHROMIUM_PATH as in the tests.
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const N = Number(process.env.BENCH_REQUESTS ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'amtszeit-bench-'));
const url = process.env.BENCH_DATABASE_URL ?? `sqlite:${join(dir, 'bench.sqlite')}`;
Object.assign(process.env, { NODE_ENV: 'test', DATABASE_URL: url, SESSION_SECRET: 'bench-session-secret-0123456789-abcdef', TASK_POLL_SECONDS: '0' });

const { AdminPanelModule } = await import('../dist/admin-config/admin-panel.module.js');
const { solveProof } = await import('../dist/admin-config/components/proof-of-work.js');
const { createApp } = await import('../dist/apps/server/src/bootstrap.js');
const { LOGIN_LIMITS } = await import('../dist/apps/server/src/auth/admin-auth.service.js');

const app = await createApp({ imports: [AdminPanelModule], logger: false });
await app.listen(0, '127.0.0.1');
const base = `http://127.0.0.1:${app.getHttpServer().address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu'],
});

const quantile = (ms, p) => [...ms].sort((a, b) => a - b)[Math.min(ms.length - 1, Math.floor(p * ms.length))];
const stats = (ms) => `p50 ${quantile(ms, 0.5).toFixed(0)} ms, p95 ${quantile(ms, 0.95).toFixed(0)} ms (n=${ms.length})`;
async function time(fn, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

try {
  const page = await (await browser.newContext({ locale: 'de-DE' })).newPage();
  // The first visit bundles the panel's components; it is not measured.
  await page.goto(`${base}/admin/login`);
  await page.getByText('Zusätzliche Prüfung abgeschlossen.').waitFor({ timeout: 120_000 });
  const inBrowser = await time(async () => {
    await page.goto(`${base}/admin/login`);
    await page.getByText('Zusätzliche Prüfung abgeschlossen.').waitFor({ timeout: 60_000 });
  }, N);
  const challenge = () => fetch(`${base}/admin/login-challenge`).then(async (r) => (await r.json()).challenge);
  const challenges = await time(challenge, N);
  const inNode = [];
  for (let i = 0; i < N; i++) {
    const c = await challenge();
    const t0 = performance.now();
    await solveProof(c);
    inNode.push(performance.now() - t0);
  }
  // The form's CSRF token and its cookie come with the challenge, as on the login page.
  const token = await fetch(`${base}/admin/login-challenge`);
  const { formToken } = await token.json();
  const cookie = token.headers.get('set-cookie').split(';')[0];
  const failed = await time(
    (i) =>
      fetch(`${base}/admin/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ email: `nobody-${i}@musterstadt.test`, password: 'falsch-falsch', formToken }),
      }).then((r) => r.arrayBuffer()),
    N,
  );
  console.log(`login throttling bench on ${url.startsWith('sqlite:') ? 'SQLite' : 'MySQL/MariaDB'}, proof difficulty maxNumber ${LOGIN_LIMITS.proofMaxNumber}`);
  console.log(`  login page in Chromium, open → proof done: ${stats(inBrowser)}`);
  console.log(`  the same solver under Node (client app): ${stats(inNode)}`);
  console.log(`  GET /admin/login-challenge: ${stats(challenges)}`);
  console.log(`  failed login (bcrypt 12 + pair/account/address counters): ${stats(failed)}`);
  console.log(
    JSON.stringify({
      bench: 'login',
      proofMaxNumber: LOGIN_LIMITS.proofMaxNumber,
      browserProofP50Ms: Math.round(quantile(inBrowser, 0.5)),
      browserProofP95Ms: Math.round(quantile(inBrowser, 0.95)),
      nodeSolveP50Ms: Math.round(quantile(inNode, 0.5)),
      challengeP50Ms: Number(quantile(challenges, 0.5).toFixed(1)),
      failedLoginP50Ms: Math.round(quantile(failed, 0.5)),
    }),
  );
} finally {
  await browser.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
