import { SetMetadata } from '@nestjs/common';
import type { PluginManifest } from './plugin.types.js';

export const REQUIRES_PLUGIN = 'amtszeit:requires-plugin';

export interface RequiresPluginOptions {
  /** Devices get a 403 that says the plugin is off; citizens just get a 404. */
  audience?: 'citizen' | 'device' | 'staff';
}

export interface RequiresPluginMeta extends Required<RequiresPluginOptions> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any plugin, whatever its settings type
  plugin: PluginManifest<any>;
}

/**
 * Marks a controller or route as belonging to a plugin: refused for tenants that have it off.
 * Takes the plugin's manifest (its typed handle), which a controller imports without a cycle.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any plugin, whatever its settings type
export const RequiresPlugin = (plugin: PluginManifest<any>, options: RequiresPluginOptions = {}) =>
  SetMetadata(REQUIRES_PLUGIN, { plugin, audience: options.audience ?? 'citizen' } satisfies RequiresPluginMeta);
