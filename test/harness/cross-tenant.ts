import type { TestApp } from './test-app.js';

export interface TenantRows {
  tenantId: string;
  ids: string[];
  idsByTable: Record<string, string[]>;
  /** Strings that must never appear in another tenant's responses: ids and names. */
  secrets: string[];
}

/** Every id (and name) of a tenant's rows, across all tenant-owned tables. */
export async function collectTenantRows(t: TestApp, slug: string): Promise<TenantRows> {
  const tenant = await t.tenant(slug);
  const idsByTable: Record<string, string[]> = {};
  const secrets = new Set<string>([tenant.id]);
  for (const meta of t.dataSource.entityMetadatas) {
    if (!meta.columns.some((c) => c.propertyName === 'tenantId') || meta.tableName === 'tenant_plugin_state') continue;
    const rows: Array<Record<string, unknown>> = await t.dataSource
      .getRepository(meta.target)
      .createQueryBuilder('r')
      .where('r.tenantId = :id', { id: tenant.id })
      .getMany();
    if (rows.length === 0) continue;
    idsByTable[meta.tableName] = rows.map((r) => String(r.id));
    for (const r of rows) {
      secrets.add(String(r.id));
      if (typeof r.name === 'string' && r.name.length > 8) secrets.add(r.name);
    }
  }
  return { tenantId: tenant.id, ids: Object.values(idsByTable).flat(), idsByTable, secrets: [...secrets] };
}

/** B's secrets that A does not share (two towns may both offer "Reisepass beantragen"). */
export function foreignSecrets(b: TenantRows, a: TenantRows): string[] {
  const own = new Set(a.secrets);
  return b.secrets.filter((s) => !own.has(s));
}

export interface PublicOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  params: string[];
  fill(slug: string, value: (param: string) => string): string;
}

/** Tenant routes from the OpenAPI document, so routes added by plugins are walked too. */
export async function publicOperations(t: TestApp): Promise<PublicOperation[]> {
  const doc = (await t.http.get('/api/docs/openapi.json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
  const ops: PublicOperation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/v1/tenants/{slug}')) continue;
    const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).filter((p) => p !== 'slug');
    for (const method of Object.keys(methods) as PublicOperation['method'][]) {
      ops.push({
        method,
        path,
        params,
        fill: (slug, value) => path.replace('{slug}', slug).replace(/\{(\w+)\}/g, (_, p: string) => encodeURIComponent(value(p))),
      });
    }
  }
  return ops;
}
