import { SetMetadata } from '@nestjs/common';

export const REQUIRES_PLUGIN = 'amtszeit:requires-plugin';

export interface RequiresPluginOptions {
  /** Devices get a 403 that says the plugin is off; citizens just get a 404. */
  audience?: 'citizen' | 'device' | 'staff';
}

/** Marks a controller or route as belonging to a plugin: refused for tenants that have it off. */
export const RequiresPlugin = (plugin: string, options: RequiresPluginOptions = {}) =>
  SetMetadata(REQUIRES_PLUGIN, { plugin, audience: options.audience ?? 'citizen' });
