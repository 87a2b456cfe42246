import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { fromRoot } from '../apps/server/src/common/project-root.js';

/**
 * The only files of a plugin that another plugin may import: its published entry points, and
 * every plugin's definition `<name>/<name>.plugin.ts` and manifest `<name>/<name>.manifest.ts`
 * (for dependsOn and typed handles).
 */
const PUBLISHED = ['plugins/booking/booking.api.ts', 'plugins/queue/queue.api.ts'];
const DEFINITION = /^plugins\/([^/]+)\/\1\.(plugin|manifest)\.ts$/;

const PLUGINS = fromRoot('plugins');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Static imports, re-exports and dynamic imports of a source file. */
function specifiers(source: string): string[] {
  return [...source.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]);
}

/** The plugin a repository path belongs to, or null for the core and the rest. */
function pluginOf(path: string): string | null {
  const m = /^plugins\/([^/]+)\//.exec(path);
  return m ? m[1] : null;
}

/** Every import of a plugin file that reaches into another plugin's folder other than its published entry. */
export function crossPluginImports(files: Array<{ path: string; source: string }>): string[] {
  const found: string[] = [];
  for (const { path, source } of files) {
    const own = pluginOf(path);
    // plugins/index.ts is the list of all plugins, not a plugin.
    if (!own) continue;
    for (const spec of specifiers(source)) {
      if (!spec.startsWith('.')) continue;
      const target = relative(fromRoot(), resolve(fromRoot(), dirname(path), spec)).replace(/\.js$/, '.ts');
      const other = pluginOf(target);
      if (other && other !== own && !PUBLISHED.includes(target) && !DEFINITION.test(target)) found.push(`${path} imports ${spec}`);
    }
  }
  return found;
}

describe('plugin boundaries', () => {
  const files = sources(PLUGINS).map((file) => ({ path: relative(fromRoot(), file), source: readFileSync(file, 'utf8') }));

  it('lets no plugin import another plugin except through its published entry points', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(crossPluginImports(files)).toEqual([]);
  });

  it('catches views, controllers and schemas reached through a path, and dynamic imports', () => {
    expect(
      crossPluginImports([
        { path: 'plugins/terminagent/portal/x.ts', source: "import { PortalPages } from '../../booking/portal/portal-pages.service.js';" },
        { path: 'plugins/terminagent/y.ts', source: "export { citizenSchema } from '../booking/booking.controller.js';" },
        { path: 'plugins/kiosk/z.ts', source: "const m = await import('../terminagent/wish.service.js');" },
        {
          path: 'plugins/terminagent/ok.ts',
          source: "import { CapacityService } from '../booking/booking.api.js';\nimport { Clock } from '../../apps/server/src/common/clock.js';",
        },
        { path: 'plugins/booking/own.ts', source: "import { BookingService } from './booking.service.js';" },
        { path: 'plugins/terminagent/needs.ts', source: "import { bookingPlugin } from '../booking/booking.plugin.js';" },
        { path: 'plugins/index.ts', source: "import { bookingPlugin } from './booking/booking.plugin.js';" },
      ]),
    ).toEqual([
      'plugins/terminagent/portal/x.ts imports ../../booking/portal/portal-pages.service.js',
      'plugins/terminagent/y.ts imports ../booking/booking.controller.js',
      'plugins/kiosk/z.ts imports ../terminagent/wish.service.js',
    ]);
  });
});
