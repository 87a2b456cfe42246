// `npm run bench:start`: seconds from `npm start` (its build included when the sources changed) to a healthy server on SQLite,
// with the demo tenants, in a fresh data folder. RUNS (default 3) starts; prints each and the median
// as one JSON line {"runs","seconds","medianSeconds","adminSeconds","medianAdminSeconds"}. Goal: ≤ 5 s to healthy.
// The admin panel loads after the server listens; adminSeconds is when its login page first answers.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from './bench-support.mjs';

const RUNS = Number(process.env.RUNS ?? 3);

const seconds = [];
const adminSeconds = [];
async function until(url, child) {
  for (;;) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
for (let run = 0; run < RUNS; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'amtszeit-start-'));
  const port = await freePort();
  const t0 = performance.now();
  // npm itself is part of what a person waits for.
  const child = spawn('npm', ['start', '--silent'], {
    env: { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'amtszeit.sqlite')}`, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'error' },
    stdio: 'ignore',
    detached: true,
  });
  await until(`http://127.0.0.1:${port}/health`, child);
  seconds.push(Math.round((performance.now() - t0) / 10) / 100);
  await until(`http://127.0.0.1:${port}/admin/login`, child);
  adminSeconds.push(Math.round((performance.now() - t0) / 10) / 100);
  console.log(`» start ${run + 1}: healthy after ${seconds.at(-1)} s, admin login page after ${adminSeconds.at(-1)} s`);
  process.kill(-child.pid, 'SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(JSON.stringify({ runs: RUNS, seconds, medianSeconds: median(seconds), adminSeconds, medianAdminSeconds: median(adminSeconds) }));
