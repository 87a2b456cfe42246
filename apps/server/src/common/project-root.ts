import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${start}`);
    dir = parent;
  }
  return dir;
}

/** The repository root, found the same way from sources (tests) and from dist (production). */
export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** Assets (templates, styles, fonts) are read from the source tree, so the build need not copy them. */
export function fromRoot(...segments: string[]): string {
  return join(PROJECT_ROOT, ...segments);
}
