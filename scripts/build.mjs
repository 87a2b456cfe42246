// Compiles with swc (fast, keeps decorator metadata); `npm run typecheck` does the type check.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
execFileSync(
  process.execPath,
  ['node_modules/@swc/cli/bin/swc.js', 'apps', 'plugins', 'admin-config', '-d', 'dist', '--quiet', '--ignore', '**/*.spec.ts,**/*.e2e-spec.ts'],
  { stdio: 'inherit' },
);
