import { Injectable } from '@nestjs/common';
import { ConfigCacheService } from '../cache/config-cache.service.js';
import { normalizeHost } from '../security/host-name.js';
import { toTenantRef, type TenantRef } from './tenant-context.js';
import { Tenant } from './tenant.entity.js';

interface TenantIndex {
  bySlug: Map<string, TenantRef>;
  byDomain: Map<string, TenantRef>;
  rows: Map<string, Tenant>;
}

/**
 * Resolves slugs and host names to tenants, from the config cache: one query per cache
 * generation; a tenant created or changed on another instance counts within CACHE_POLL_MS.
 */
@Injectable()
export class TenantRegistryService {
  constructor(private readonly cache: ConfigCacheService) {}

  private index(): Promise<TenantIndex> {
    return this.cache.get('tenants', async (manager) => {
      const tenants = await manager.getRepository(Tenant).find();
      return {
        bySlug: new Map(tenants.map((t) => [t.slug, toTenantRef(t)])),
        byDomain: new Map(tenants.flatMap((t) => t.domains.map((d) => [normalizeHost(d) ?? d, toTenantRef(t)] as const))),
        rows: new Map(tenants.map((t) => [t.id, t])),
      };
    });
  }

  async findBySlug(slug: string): Promise<TenantRef | null> {
    return (await this.index()).bySlug.get(slug) ?? null;
  }

  /** The tenant whose domain this Host header names, in any spelling of it (case, port, trailing dot, IDN). */
  async findByHost(host: string | undefined): Promise<TenantRef | null> {
    const name = normalizeHost(host);
    if (!name) return null;
    return (await this.index()).byDomain.get(name) ?? null;
  }

  /** The whole tenant row (branding, settings, domains) for pages and mail; read-only, shared. */
  async row(id: string): Promise<Readonly<Tenant>> {
    const row = (await this.index()).rows.get(id);
    if (!row) throw new Error(`Unknown tenant ${id}`);
    return row;
  }

  async all(): Promise<TenantRef[]> {
    return [...(await this.index()).bySlug.values()].sort((a, b) => a.slug.localeCompare(b.slug));
  }
}
