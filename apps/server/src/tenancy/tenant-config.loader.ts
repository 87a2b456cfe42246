import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { brokenDependency, checkPluginGraph } from '../plugin-host/plugin-graph.js';
import type { AmtszeitPlugin } from '../plugin-host/plugin.types.js';
import { slugSchema, tenantConfigSchema, type TenantConfig } from './tenant-config.schema.js';

export class TenantConfigError extends Error {}

export interface LoadedTenant {
  slug: string;
  dir: string;
  file: string;
  config: TenantConfig;
  /** Parsed plugin settings (defaults applied). */
  pluginSettings: Record<string, Record<string, unknown>>;
}

function fail(file: string, field: string, message: string): never {
  throw new TenantConfigError(`Invalid tenant configuration in ${file}: field "${field}": ${message}`);
}

function issuesToError(file: string, prefix: string, error: z.ZodError): never {
  const first = error.issues[0];
  fail(file, [prefix, ...first.path.map(String)].filter(Boolean).join('.') || '(root)', first.message);
}

/** Reads `<dir>/<slug>/tenant.yaml` for every tenant folder and validates it completely. */
export function loadTenantConfigs(dir: string, plugins: AmtszeitPlugin[]): LoadedTenant[] {
  checkPluginGraph(plugins);
  if (!existsSync(dir)) throw new TenantConfigError(`Tenant folder ${dir} does not exist (set TENANTS_DIR or create it)`);
  const tenants: LoadedTenant[] = [];
  const domains = new Map<string, string>();
  for (const slug of readdirSync(dir).sort()) {
    const tenantDir = join(dir, slug);
    if (!statSync(tenantDir).isDirectory() || slug.startsWith('.') || slug.startsWith('_')) continue;
    const file = join(tenantDir, 'tenant.yaml');
    const shown = relative(process.cwd(), file) || file;
    if (!existsSync(file)) throw new TenantConfigError(`Tenant folder ${tenantDir} has no tenant.yaml`);
    const slugCheck = slugSchema.safeParse(slug);
    if (!slugCheck.success) fail(shown, 'slug (folder name)', `'${slug}': ${slugCheck.error.issues[0].message}`);

    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new TenantConfigError(`Invalid tenant configuration in ${shown}: not valid YAML: ${(err as Error).message}`);
    }
    const parsed = tenantConfigSchema.safeParse(raw ?? {});
    if (!parsed.success) issuesToError(shown, '', parsed.error);
    const config = parsed.data;

    const pluginSettings: Record<string, Record<string, unknown>> = {};
    for (const [name, entry] of Object.entries(config.plugins)) {
      const plugin = plugins.find((p) => p.name === name);
      if (!plugin) fail(shown, `plugins.${name}`, `unknown plugin (known: ${plugins.map((p) => p.name).join(', ')})`);
      const settings = plugin.settings.safeParse(entry.settings);
      if (!settings.success) issuesToError(shown, `plugins.${name}.settings`, settings.error);
      pluginSettings[name] = settings.data as Record<string, unknown>;
    }
    const broken = brokenDependency(
      plugins,
      new Set(
        Object.entries(config.plugins)
          .filter(([, e]) => e.enabled)
          .map(([name]) => name),
      ),
    );
    if (broken) {
      const { plugin, dependency } = broken;
      fail(
        shown,
        `plugins.${plugin}.enabled`,
        `plugin '${plugin}' needs plugin '${dependency}', which this file leaves off (switch '${dependency}' on or '${plugin}' off)`,
      );
    }
    for (const domain of config.domains) {
      const other = domains.get(domain);
      if (other) fail(shown, 'domains', `'${domain}' is already used by tenant '${other}'`);
      domains.set(domain, slug);
    }
    tenants.push({ slug, dir: tenantDir, file: shown, config, pluginSettings });
  }
  return tenants;
}
