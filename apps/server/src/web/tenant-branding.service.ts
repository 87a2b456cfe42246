import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { fromRoot } from '../common/project-root.js';
import { ENV, type Env } from '../config/env.config.js';
import type { TenantBranding, TenantSettings } from '../tenancy/tenant-config.schema.js';
import { TenantRegistryService } from '../tenancy/tenant-registry.service.js';
import { AssetRegistry } from './assets.js';
import { accessiblePalette, type AccessiblePalette } from './contrast.js';

export interface Branding {
  name: string;
  palette: AccessiblePalette;
  /** Served URL of the logo file in the tenant's folder, or null. */
  logoUrl: string | null;
  imprintUrl: string | null;
  privacyUrl: string | null;
  accessibilityUrl: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  /** The tenant's map link template (`settings.mapUrl`), or null for OpenStreetMap (see catalog/map-link.ts). */
  mapUrl: string | null;
}

/** A tenant's branding as the web pages use it: accessible colours, footer links, logo. */
@Injectable()
export class TenantBrandingService {
  constructor(
    private readonly registry: TenantRegistryService,
    private readonly assets: AssetRegistry,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async forTenant(tenantId: string): Promise<Branding> {
    const tenant = await this.registry.row(tenantId);
    return this.toBranding(tenant.slug, tenant.name, tenant.branding, (tenant.settings as Partial<TenantSettings>).mapUrl);
  }

  private toBranding(slug: string, name: string, b: TenantBranding, mapUrl: string | undefined): Branding {
    return {
      name,
      palette: accessiblePalette(b.primaryColor, b.accentColor),
      logoUrl: b.logo ? this.logoUrl(slug, b.logo) : null,
      imprintUrl: b.imprintUrl ?? null,
      privacyUrl: b.privacyUrl ?? null,
      accessibilityUrl: b.accessibilityUrl ?? null,
      contactEmail: b.contactEmail ?? null,
      contactPhone: b.contactPhone ?? null,
      mapUrl: mapUrl ?? null,
    };
  }

  /**
   * `branding.logo` names a file in the tenant's folder (e.g. `logo.svg`); only that file is
   * served. A logo on another host is never linked: the portal makes no third-party requests.
   */
  private logoUrl(slug: string, logo: string): string | null {
    const namespace = `tenant-${slug}`;
    this.assets.register(namespace, join(this.env.TENANTS_DIR ?? fromRoot('tenants'), slug), logo);
    return this.assets.hash(namespace, logo) ? this.assets.url(namespace, logo) : null;
  }
}
