import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { normalizeHost } from '../security/host-name.js';
import { toTenantRef, type TenantRef } from './tenant-context.js';
import { Tenant } from './tenant.entity.js';

const TTL_MS = 10_000;

/**
 * Resolves slugs and host names to tenants. Cached briefly; a miss asks the database, so a
 * tenant created on another instance is found at once.
 */
@Injectable()
export class TenantRegistryService {
  private bySlug = new Map<string, TenantRef>();
  private byDomain = new Map<string, TenantRef>();
  private loadedAt = 0;

  constructor(private readonly dataSource: DataSource) {}

  async reload(): Promise<void> {
    const tenants = await this.dataSource.getRepository(Tenant).find();
    this.bySlug = new Map(tenants.map((t) => [t.slug, toTenantRef(t)]));
    this.byDomain = new Map(tenants.flatMap((t) => t.domains.map((d) => [normalizeHost(d) ?? d, toTenantRef(t)] as const)));
    this.loadedAt = Date.now();
  }

  private async fresh(): Promise<void> {
    if (Date.now() - this.loadedAt > TTL_MS) await this.reload();
  }

  async findBySlug(slug: string): Promise<TenantRef | null> {
    await this.fresh();
    const hit = this.bySlug.get(slug);
    if (hit) return hit;
    const row = await this.dataSource.getRepository(Tenant).findOneBy({ slug });
    if (row) await this.reload();
    return row ? toTenantRef(row) : null;
  }

  /** The tenant whose domain this Host header names, in any spelling of it (case, port, trailing dot, IDN). */
  async findByHost(host: string | undefined): Promise<TenantRef | null> {
    const name = normalizeHost(host);
    if (!name) return null;
    await this.fresh();
    return this.byDomain.get(name) ?? null;
  }

  async all(): Promise<TenantRef[]> {
    await this.fresh();
    return [...this.bySlug.values()].sort((a, b) => a.slug.localeCompare(b.slug));
  }
}
