import { collectDomainErrors, type DomainErrorDeclaration } from '../common/domain-error.js';
import type { PluginManifest } from './plugin.types.js';

type Named = Pick<PluginManifest, 'name' | 'dependsOn'> & { errors?: DomainErrorDeclaration };

/**
 * At boot (the first step, before Nest starts): every `dependsOn` names a loaded plugin, the
 * dependencies have no cycle, and no error code is declared by two plugins or by a plugin and the core.
 */
export function checkPluginGraph(plugins: Named[]): void {
  const names = new Set(plugins.map((p) => p.name));
  for (const p of plugins) {
    for (const dep of p.dependsOn ?? []) {
      if (!names.has(dep.name)) throw new Error(`Plugin '${p.name}' depends on '${dep.name}', which is not loaded`);
    }
  }
  const done = new Set<string>();
  const visit = (name: string, path: string[]) => {
    if (path.includes(name)) throw new Error(`Plugin dependencies form a cycle: ${[...path.slice(path.indexOf(name)), name].join(' → ')}`);
    if (done.has(name)) return;
    for (const dep of plugins.find((p) => p.name === name)?.dependsOn ?? []) visit(dep.name, [...path, name]);
    done.add(name);
  };
  for (const p of plugins) visit(p.name, []);
  collectDomainErrors(plugins.map((p) => ({ owner: p.name, errors: p.errors })));
}

/**
 * Why switching `plugin` to `enabled` would break a dependency, given which plugins are on now:
 * switching on needs every dependency on; switching off is refused while a dependant is on.
 * Null when the switch is fine.
 */
export function switchConflict(
  plugins: Named[],
  on: ReadonlySet<string>,
  plugin: string,
  enabled: boolean,
): { kind: 'missing'; names: string[] } | { kind: 'dependants'; names: string[] } | null {
  if (enabled) {
    const missing = (plugins.find((p) => p.name === plugin)?.dependsOn ?? []).map((d) => d.name).filter((n) => !on.has(n));
    return missing.length ? { kind: 'missing', names: missing } : null;
  }
  const dependants = plugins.filter((p) => on.has(p.name) && (p.dependsOn ?? []).some((d) => d.name === plugin)).map((p) => p.name);
  return dependants.length ? { kind: 'dependants', names: dependants } : null;
}

/** The set of plugins on after a whole set of switches, checked: the first broken dependency, or null. */
export function brokenDependency(plugins: Named[], on: ReadonlySet<string>): { plugin: string; dependency: string } | null {
  for (const p of plugins) {
    if (!on.has(p.name)) continue;
    const dep = (p.dependsOn ?? []).find((d) => !on.has(d.name));
    if (dep) return { plugin: p.name, dependency: dep.name };
  }
  return null;
}
