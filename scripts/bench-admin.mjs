// `npm run bench:admin`: figures for the admin panel on a fresh SQLite database (or
// BENCH_DATABASE_URL): login (bcrypt cost 12) and the AdminJS API calls of a tenant-admin, each
// with the tenant scope and the per-request session refresh from the database.
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const N = Number(process.env.BENCH_REQUESTS ?? 200);
const dir = mkdtempSync(join(tmpdir(), 'amtszeit-bench-'));
const url = process.env.BENCH_DATABASE_URL ?? `sqlite:${join(dir, 'bench.sqlite')}`;
Object.assign(process.env, { NODE_ENV: 'test', DATABASE_URL: url, SESSION_SECRET: 'bench-session-secret-0123456789-abcdef', TASK_POLL_SECONDS: '0' });

const { AdminPanelModule } = await import('../dist/admin-config/admin-panel.module.js');
const { createApp } = await import('../dist/apps/server/src/bootstrap.js');
const { AdminUsersService } = await import('../dist/apps/server/src/auth/admin-users.service.js');

const app = await createApp({ imports: [AdminPanelModule], logger: false });
await app.listen(0, '127.0.0.1');
const base = `http://127.0.0.1:${app.getHttpServer().address().port}`;
const password = 'Korrekt-Pferd-Batterie-7';
await app.get(AdminUsersService).create({ email: 'bench@musterstadt.test', password, role: 'tenant-admin', tenant: 'musterstadt' });

async function login() {
  const res = await fetch(`${base}/admin/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: 'bench@musterstadt.test', password }),
  });
  if (res.status !== 302) throw new Error(`login failed: ${res.status}`);
  return res.headers
    .getSetCookie()
    .find((c) => c.startsWith('amtszeit.sid='))
    .split(';')[0];
}

function stats(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(1);
  return `p50 ${q(0.5)} ms, p95 ${q(0.95)} ms (n=${s.length})`;
}

async function time(fn, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

try {
  const logins = await time(login, 5);
  const cookie = await login();
  const get = (path) => async () => {
    const res = await fetch(`${base}${path}`, { headers: { cookie } });
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    await res.arrayBuffer();
  };
  const list = await (await fetch(`${base}/admin/api/resources/Service/actions/list`, { headers: { cookie } })).json();
  const id = list.records[0].id;
  console.log(`admin bench on ${url.startsWith('sqlite:') ? 'SQLite' : 'MySQL/MariaDB'}`);
  console.log(`  login (bcrypt 12, throttle, session write): ${stats(logins)}`);
  console.log(`  list services (with checklist/location decoration): ${stats(await time(get('/admin/api/resources/Service/actions/list'), N))}`);
  console.log(`  search locations (reference dropdown): ${stats(await time(get('/admin/api/resources/Location/actions/search/Rathaus'), N))}`);
  console.log(`  show service: ${stats(await time(get(`/admin/api/resources/Service/records/${id}/show`), N))}`);
} finally {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
