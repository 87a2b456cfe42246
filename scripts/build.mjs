// Compiles with swc (fast, keeps decorator metadata); `npm run typecheck` does the type check.
// Skipped when the sources are exactly those of the last build (same paths, sizes and times), so a
// restart of `npm start` does not wait for it; `--force` always builds.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['apps', 'plugins', 'admin-config'];
const STAMP = join('dist', '.sources');

function fingerprint() {
  const hash = createHash('sha256');
  for (const file of ['.swcrc', 'package-lock.json']) if (existsSync(file)) hash.update(`${file}:${statSync(file).mtimeMs}\n`);
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const s = statSync(path);
        hash.update(`${path}:${s.size}:${s.mtimeMs}\n`);
      }
    }
  };
  for (const dir of SOURCES) walk(dir);
  return hash.digest('hex');
}

const current = fingerprint();
if (!process.argv.includes('--force') && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === current) process.exit(0);
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/@swc/cli/bin/swc.js', ...SOURCES, '-d', 'dist', '--quiet', '--ignore', '**/*.spec.ts,**/*.e2e-spec.ts'], {
  stdio: 'inherit',
});
writeFileSync(STAMP, current);
