// `npm run bench:start`: seconds from `npm start` (its build included when the sources changed) to a healthy server on SQLite,
// with the demo tenants, in a fresh data folder. RUNS (default 3) starts; prints each and the median
// as one JSON line {"runs","seconds","medianSeconds"}. Goal: ≤ 5 s.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from './bench-support.mjs';

const RUNS = Number(process.env.RUNS ?? 3);

const seconds = [];
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
  for (;;) {
    if (
      await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const s = (performance.now() - t0) / 1000;
  seconds.push(Math.round(s * 100) / 100);
  console.log(`» start ${run + 1}: healthy after ${seconds.at(-1)} s`);
  process.kill(-child.pid, 'SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
const sorted = [...seconds].sort((a, b) => a - b);
console.log(JSON.stringify({ runs: RUNS, seconds, medianSeconds: sorted[Math.floor(sorted.length / 2)] }));
