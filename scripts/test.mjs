// `npm test`: type check, lint (ESLint, Prettier's check), then the jest suite on SQLite and on MySQL/MariaDB.
// MariaDB is required under CI (CI=true) or with REQUIRE_MYSQL=1; elsewhere a missing server
// skips that half with a loud warning. Extra arguments go to jest (e.g. a test path).
// The tests write their files into a temporary DATA_DIR, never into the developer's ./data; a
// listing of ./data before and after the run fails it if a test wrote there anyway.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mysql from 'mysql2/promise';

const { values, positionals } = parseArgs({
  options: { db: { type: 'string' }, 'no-typecheck': { type: 'boolean' }, 'no-lint': { type: 'boolean' } },
  allowPositionals: true,
  strict: false,
});
const kinds = values.db ? [values.db] : ['sqlite', 'mysql'];
const mysqlUrl = (process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/$/, '');
const required = process.env.CI === 'true' || process.env.REQUIRE_MYSQL === '1' || values.db === 'mysql';

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

if (!values['no-typecheck']) {
  console.log('» Type check (tsc --noEmit)');
  if (run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit']) !== 0) process.exit(1);
}
// --no-typecheck skips both static checks (narrow runs), --no-lint only this one.
if (!values['no-typecheck'] && !values['no-lint']) {
  console.log('» Lint (eslint, prettier --check)');
  const eslint = run(process.execPath, ['node_modules/eslint/bin/eslint.js', '.']);
  const prettier = run(process.execPath, ['node_modules/prettier/bin/prettier.cjs', '--check', '.']);
  if (eslint !== 0 || prettier !== 0) process.exit(1);
}

/** Paths of the files under ./data; SQLite's journal files come and go with a running dev server. */
function dataFiles(dir = 'data', out = new Set()) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) dataFiles(path, out);
    else if (!/-(wal|shm|journal)$/.test(entry.name)) out.add(path);
  }
  return out;
}

let failed = false;
const totals = { passed: 0, failed: 0 };
const reports = mkdtempSync(join(tmpdir(), 'amtszeit-jest-'));
const dataDir = mkdtempSync(join(tmpdir(), 'amtszeit-data-'));
const dataBefore = dataFiles();
for (const kind of kinds) {
  if (kind === 'mysql') {
    try {
      const conn = await mysql.createConnection({ uri: `${mysqlUrl}/`, connectTimeout: 5000 });
      const [[row]] = await conn.query('SELECT VERSION() AS v');
      console.log(`» MySQL/MariaDB reachable at ${mysqlUrl.replace(/\/\/[^@]*@/, '//')} (${row.v})`);
      await conn.end();
    } catch (err) {
      const msg = `MySQL/MariaDB is not reachable at ${mysqlUrl.replace(/\/\/[^@]*@/, '//')}: ${err.message}`;
      if (required) {
        console.error(`✖ ${msg}`);
        process.exit(1);
      }
      console.warn(`\n⚠ ${msg}\n⚠ Skipping the MySQL half of the suite (set TEST_MYSQL_URL, or REQUIRE_MYSQL=1 to make this fatal).\n`);
      continue;
    }
  }
  console.log(`\n» jest on ${kind}`);
  const report = join(reports, `${kind}.json`);
  const status = run(process.execPath, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--json', `--outputFile=${report}`, ...positionals], {
    TEST_DB: kind,
    TEST_MYSQL_URL: mysqlUrl,
    DATA_DIR: dataDir,
  });
  if (status !== 0) failed = true;
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
  }
}
rmSync(dataDir, { recursive: true, force: true });
const written = [...dataFiles()].filter((path) => !dataBefore.has(path));
if (written.length) {
  failed = true;
  console.error(`\n✖ The tests wrote into ./data (a dev server running meanwhile writes there too):\n  ${written.join('\n  ')}`);
}
// One plain line for CI systems that read the closing line (both databases together).
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(failed ? 1 : 0);
