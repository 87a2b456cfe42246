import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { coreManagerOf, type TenantTx } from '../tenancy/tenant-data.service.js';
import { TenantContext } from '../tenancy/tenant-context.js';
import { AuditLog } from './audit-log.entity.js';

export interface AuditEntry {
  tenantId: string | null;
  actor: { id: string | null; email: string };
  action: string;
  resource: string;
  recordId?: string | null;
  changes?: Record<string, [unknown, unknown]>;
}

/** Fields that never go into the audit log, whatever the resource. */
const SECRET = /password|secret|token|hash/i;
const NOISE = new Set(['updatedAt', 'createdAt']);

function comparable(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value ?? null);
}

/** Field-by-field difference of two states of a record, without secrets or timestamps. */
export function diffRecord(before: Record<string, unknown> | null, after: Record<string, unknown> | null): Record<string, [unknown, unknown]> {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const changes: Record<string, [unknown, unknown]> = {};
  for (const key of keys) {
    if (NOISE.has(key) || typeof (before?.[key] ?? after?.[key]) === 'function') continue;
    const a = before?.[key] ?? null;
    const b = after?.[key] ?? null;
    if (comparable(a) === comparable(b)) continue;
    changes[key] = SECRET.test(key) ? ['***', '***'] : [a, b];
  }
  return changes;
}

/** Writes who changed what, when, in which tenant. */
@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /** Pass the `manager` of a transaction to write the entry together with the change it records. */
  async write(entry: AuditEntry, manager: EntityManager = this.dataSource.manager): Promise<void> {
    const repo = manager.getRepository(AuditLog);
    await repo.save(
      repo.create({
        tenantId: entry.tenantId,
        actorId: entry.actor.id,
        actorEmail: entry.actor.email,
        action: entry.action,
        resource: entry.resource,
        recordId: entry.recordId ?? null,
        changes: entry.changes ?? {},
      }),
    );
  }

  /**
   * For plugins: the entry of the current tenant, written in the caller's tenant transaction, so a
   * change (or a look at personal data) and its entry commit or roll back together.
   */
  async writeInTx(tx: TenantTx, entry: Omit<AuditEntry, 'tenantId'>): Promise<void> {
    await this.write({ ...entry, tenantId: TenantContext.current().id }, coreManagerOf(tx));
  }
}
