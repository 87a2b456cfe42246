import { Resource } from '@adminjs/typeorm';
import { BaseRecord, flat, ForbiddenError, NotFoundError, ValidationError, type ActionContext, type Filter, type ParamsType } from 'adminjs';
import { In, type BaseEntity, type DataSource, type EntityMetadata, type EntityTarget, type FindOptionsWhere } from 'typeorm';
import type { AuditService } from '../apps/server/src/audit/audit.service.js';
import { diffRecord } from '../apps/server/src/audit/audit.service.js';
import { canUsePanel, isSuperAdmin, type CurrentAdmin } from '../apps/server/src/auth/current-admin.js';
import { isUniqueViolation } from '../apps/server/src/database/db-errors.js';
import { filterToWhere } from './features/filter.js';
import { MSG, toValidationError, type FieldErrors, type RuleContext } from './features/validation.js';

/**
 * How a table relates to tenants:
 * - `tenant-owned`: rows carry tenantId; a tenant-admin sees and writes only its own tenant's rows;
 * - `tenant-row`: the tenant table itself; a tenant-admin sees only its own row;
 * Super-admins see every row.
 */
export type TenantScope = 'tenant-owned' | 'tenant-row';

export interface ResourceRules {
  scope: TenantScope;
  /** Columns never sent to the browser nor taken from it (password hashes). */
  secret?: string[];
  /** Columns the browser may not set, besides the id, the tenant and the timestamps. */
  readOnly?: string[];
  /** Super-admins choose the tenant of a new row (accounts); otherwise only tenant-admins create. */
  superAdminPicksTenant?: boolean;
  /** Converts virtual fields to columns (e.g. password → passwordHash); may add errors. */
  prepare?(input: Record<string, any>, ctx: RuleContext, errors: FieldErrors): Promise<Record<string, any>> | Record<string, any>;
  validate?(draft: Record<string, any>, ctx: RuleContext): Promise<FieldErrors> | FieldErrors;
  /** After a write (e.g. end the sessions of a deactivated account); `input` is what was submitted. */
  afterWrite?(saved: Record<string, any> | null, before: Record<string, any> | null, ctx: RuleContext, input: Record<string, any>): Promise<void>;
  /** A column the list is always ordered by first, so its rows stay together (a checklist per service). */
  groupBy?: string;
  /** Adds virtual fields to rows on their way to the browser (e.g. a service's checklist as text). */
  decorate?(rows: Record<string, any>[], deps: ResourceDeps): Promise<void>;
}

export interface ResourceDeps {
  dataSource: DataSource;
  audit: AuditService;
}

type Entity = typeof BaseEntity & { new (): BaseEntity };
const SYSTEM_COLUMNS = new Set(['id', 'tenantId', 'createdAt', 'updatedAt']);
const MAX_ID_LENGTH = 64;

function validId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH;
}

/**
 * Whether every id names a row of `entity` in this tenant: a rule's check of a list of references
 * (TenantScopedResource.checkReferences does the single ones); a malformed or foreign id is as if it did not exist.
 */
export async function ownRows<T extends { id: string; tenantId: string }>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
  ids: unknown[],
  tenantId: string | null | undefined,
): Promise<boolean> {
  if (!tenantId || !ids.every(validId)) return false;
  return (await dataSource.getRepository(entity).countBy({ id: In(ids), tenantId } as FindOptionsWhere<T>)) === ids.length;
}

function adminOf(context: ActionContext | undefined): CurrentAdmin {
  const admin = context?.currentAdmin as CurrentAdmin | undefined;
  // Fail closed: a call without a logged-in panel user never reaches the database.
  if (!admin || !canUsePanel(admin)) throw new ForbiddenError('anyForbiddenError');
  return admin;
}

/**
 * @adminjs/typeorm's Resource with tenant scoping built into every method, so that no AdminJS
 * action, reference dropdown, populated relation, bulk action or direct API call can reach another
 * tenant's rows (the adapter's findOne/update/delete ignore list filters, so hooks alone would not do).
 * It also whitelists writable columns, checks that references stay inside the tenant, runs the
 * resource's validation and writes the audit log.
 */
export class TenantScopedResource extends Resource {
  private readonly entity: Entity;

  constructor(
    entity: Entity,
    private readonly rules: ResourceRules,
    private readonly deps: ResourceDeps,
  ) {
    super(entity);
    this.entity = entity;
  }

  private get meta(): EntityMetadata {
    return this.deps.dataSource.getMetadata(this.entity);
  }

  private repo() {
    return this.deps.dataSource.getRepository(this.entity);
  }

  /** The where clause that limits a query to what this admin may see. */
  private scopeWhere(admin: CurrentAdmin): Record<string, unknown> {
    if (isSuperAdmin(admin)) return {};
    if (!admin.tenantId) throw new ForbiddenError('anyForbiddenError');
    return this.rules.scope === 'tenant-owned' ? { tenantId: admin.tenantId } : { id: admin.tenantId };
  }

  private where(filter: Filter | undefined, admin: CurrentAdmin): FindOptionsWhere<BaseEntity> {
    const scope = this.scopeWhere(admin);
    // Property paths, so that a column of an embedded object is `citizen.email`, never a bare `email`.
    const columns = new Set(this.meta.columns.map((c) => c.propertyPath).filter((c) => !(this.rules.secret ?? []).includes(c)));
    return { ...filterToWhere(filter, columns), ...scope } as FindOptionsWhere<BaseEntity>;
  }

  /** The row's public params: no secrets, no loaded relations. */
  private toParams(row: Record<string, any>): ParamsType {
    const out: ParamsType = {};
    for (const column of this.meta.columns) {
      if ((this.rules.secret ?? []).includes(column.propertyName)) continue;
      out[column.propertyName] = row[column.propertyName];
    }
    return out;
  }

  /** A row as the panel shows it, virtual fields included, for the audit log's before/after. */
  private async shown(row: Record<string, any>): Promise<Record<string, any>> {
    const params = this.toParams(row);
    await this.rules.decorate?.([params], this.deps);
    return params;
  }

  private async records(rows: BaseEntity[]): Promise<BaseRecord[]> {
    const params = rows.map((row) => this.toParams(row as unknown as Record<string, any>));
    if (params.length > 0) await this.rules.decorate?.(params, this.deps);
    return params.map((p) => new BaseRecord(p, this));
  }

  override async count(filter: Filter, context?: ActionContext): Promise<number> {
    const admin = adminOf(context);
    return this.repo().count({ where: this.where(filter, admin) });
  }

  override async find(
    filter: Filter,
    params: { limit?: number; offset?: number; sort?: { sortBy?: string; direction?: 'asc' | 'desc' } },
    context?: ActionContext,
  ): Promise<BaseRecord[]> {
    const admin = adminOf(context);
    const { limit = 10, offset = 0, sort = {} } = params;
    const sortable = sort.sortBy && this.meta.columns.some((c) => c.propertyPath === sort.sortBy && !(this.rules.secret ?? []).includes(c.propertyPath));
    // A column of an embedded object (`citizen.name`) is ordered as { citizen: { name } }.
    const sorted = sortable
      ? (sort.sortBy as string).split('.').reduceRight<unknown>((value, key) => ({ [key]: value }), sort.direction === 'desc' ? 'DESC' : 'ASC')
      : { id: 'ASC' };
    const order = this.rules.groupBy ? { [this.rules.groupBy]: 'ASC', ...(sorted as object) } : sorted;
    const rows = await this.repo().find({
      where: this.where(filter, admin),
      take: Math.min(Math.max(Number(limit) || 10, 1), 500),
      skip: Math.max(Number(offset) || 0, 0),
      order: order as never,
    });
    return this.records(rows);
  }

  override async findOne(id: string, context?: ActionContext): Promise<BaseRecord | null> {
    const admin = adminOf(context);
    if (!validId(id)) return null;
    const row = await this.repo().findOneBy({ ...this.scopeWhere(admin), id } as FindOptionsWhere<BaseEntity>);
    return row ? (await this.records([row]))[0] : null;
  }

  override async findMany(ids: Array<string | number>, context?: ActionContext): Promise<BaseRecord[]> {
    const admin = adminOf(context);
    const valid = ids
      .map(String)
      .filter((id) => validId(id))
      .slice(0, 500);
    if (valid.length === 0) return [];
    const rows = await this.repo().findBy({ ...this.scopeWhere(admin), id: In(valid) } as FindOptionsWhere<BaseEntity>);
    return this.records(rows);
  }

  private async loadScoped(id: string, admin: CurrentAdmin): Promise<BaseEntity> {
    const row = validId(id) ? await this.repo().findOneBy({ ...this.scopeWhere(admin), id } as FindOptionsWhere<BaseEntity>) : null;
    if (!row) throw new NotFoundError('Der Eintrag wurde nicht gefunden.', 'Resource');
    return row;
  }

  /** Submitted form params → column values the browser may set, typed by the column. */
  private columnsFrom(params: Record<string, any>, isNew = false): Record<string, any> {
    const blocked = new Set([...SYSTEM_COLUMNS, ...(this.rules.secret ?? []), ...(this.rules.readOnly ?? [])]);
    const out: Record<string, any> = {};
    for (const column of this.meta.columns) {
      const key = column.propertyName;
      if (blocked.has(key) || column.isGenerated || !(key in params)) continue;
      let value = params[key];
      // An empty field of a new record takes the column's default.
      if (value === '' && isNew && column.default !== undefined) continue;
      if (value === '' && column.isNullable) value = null;
      const type = typeof column.type === 'function' ? column.type.name.toLowerCase() : String(column.type);
      if (value !== null && ['int', 'integer', 'number'].includes(type) && typeof value === 'string' && /^-?\d+$/.test(value.trim())) {
        value = Number(value);
      }
      if (['boolean', 'bool'].includes(type) && typeof value === 'string') value = value === 'true';
      out[key] = value;
    }
    return out;
  }

  /** Only real columns are written; virtual fields (a checklist as text) stay in the draft for rules. */
  private onlyColumns(values: Record<string, any>): Record<string, any> {
    const columns = new Set(this.meta.columns.map((c) => c.propertyName));
    return Object.fromEntries(Object.entries(values).filter(([key]) => columns.has(key)));
  }

  private ruleContext(admin: CurrentAdmin, tenantId: string | null, before: Record<string, any> | null): RuleContext {
    return { admin, tenantId, isNew: before === null, before, dataSource: this.deps.dataSource };
  }

  /** Each reference must point at a row of the same tenant; otherwise it is as if it did not exist. */
  private async checkReferences(draft: Record<string, any>, tenantId: string | null, errors: FieldErrors): Promise<void> {
    for (const relation of this.meta.manyToOneRelations) {
      const join = relation.joinColumns[0];
      if (!join) continue;
      const key = join.propertyName;
      const value = draft[key];
      if (value === null || value === undefined) continue;
      const target = relation.inverseEntityMetadata;
      const where: Record<string, unknown> = { id: String(value) };
      if (target.columns.some((c) => c.propertyName === 'tenantId')) where.tenantId = tenantId;
      else if (target.tableName === 'tenant') where.id = tenantId === String(value) ? tenantId : '\u0000';
      const exists = validId(String(value)) && (await this.deps.dataSource.getRepository(target.target).existsBy(where));
      if (!exists) errors[key] ??= MSG.reference;
    }
  }

  private async check(draft: Record<string, any>, ctx: RuleContext, errors: FieldErrors): Promise<void> {
    await this.checkReferences(draft, ctx.tenantId, errors);
    Object.assign(errors, { ...(await this.rules.validate?.(draft, ctx)), ...errors });
    if (Object.keys(errors).length > 0) throw toValidationError(errors);
  }

  private async save(row: BaseEntity): Promise<BaseEntity> {
    try {
      return await this.repo().save(row);
    } catch (err) {
      // The database's own message names values and constraints; the panel shows a plain one.
      if (isUniqueViolation(err)) {
        throw new ValidationError({}, { type: 'unique', message: 'Ein gleicher Eintrag existiert bereits.' });
      }
      throw err;
    }
  }

  private tenantOf(row: Record<string, any>): string | null {
    if (this.rules.scope === 'tenant-row') return row.id ?? null;
    return row.tenantId ?? null;
  }

  override async create(params: Record<string, any>, context?: ActionContext): Promise<ParamsType> {
    const admin = adminOf(context);
    const input = flat.unflatten(params) as Record<string, any>;
    let tenantId: string | null = null;
    if (this.rules.scope === 'tenant-owned') {
      if (isSuperAdmin(admin)) {
        if (!this.rules.superAdminPicksTenant) throw new ForbiddenError('anyForbiddenError');
        tenantId = typeof input.tenantId === 'string' && input.tenantId !== '' ? input.tenantId : null;
      } else {
        tenantId = admin.tenantId; // a submitted tenantId is ignored
      }
    } else if (!isSuperAdmin(admin)) {
      throw new ForbiddenError('anyForbiddenError');
    }
    const ctx = this.ruleContext(admin, tenantId, null);
    const errors: FieldErrors = {};
    const prepared = (await this.rules.prepare?.(input, ctx, errors)) ?? {};
    const defaults = Object.fromEntries(
      this.meta.columns.filter((c) => c.default !== undefined && typeof c.default !== 'function').map((c) => [c.propertyName, c.default]),
    );
    const draft = { ...defaults, ...this.columnsFrom(input, true), ...prepared, ...(this.rules.scope === 'tenant-owned' ? { tenantId } : {}) };
    await this.check(draft, ctx, errors);
    const saved = await this.save(this.repo().create(this.onlyColumns(draft) as never) as unknown as BaseEntity);
    const after = saved as unknown as Record<string, any>;
    await this.rules.afterWrite?.(after, null, ctx, input);
    await this.deps.audit.write({
      tenantId: this.tenantOf(after),
      actor: { id: admin.id, email: admin.email },
      action: 'new',
      resource: this.id(),
      recordId: after.id,
      changes: diffRecord(null, await this.shown(after)),
    });
    return this.toParams(after);
  }

  override async update(id: string, params: Record<string, any> = {}, context?: ActionContext): Promise<ParamsType> {
    const admin = adminOf(context);
    const row = await this.loadScoped(id, admin);
    const before = { ...(row as unknown as Record<string, any>) };
    const beforeShown = await this.shown(before);
    const ctx = this.ruleContext(admin, this.tenantOf(before), before);
    const input = flat.unflatten(params) as Record<string, any>;
    const errors: FieldErrors = {};
    const prepared = (await this.rules.prepare?.(input, ctx, errors)) ?? {};
    const patch = { ...this.columnsFrom(input), ...prepared };
    const draft = { ...before, ...patch };
    await this.check(draft, ctx, errors);
    Object.assign(row, this.onlyColumns(patch));
    const saved = (await this.save(row)) as unknown as Record<string, any>;
    await this.rules.afterWrite?.(saved, before, ctx, input);
    const changes = diffRecord(beforeShown, await this.shown(saved));
    for (const key of this.rules.secret ?? []) if (key in patch) changes[key] = ['***', '***'];
    if (Object.keys(changes).length > 0) {
      await this.deps.audit.write({
        tenantId: this.tenantOf(saved),
        actor: { id: admin.id, email: admin.email },
        action: 'edit',
        resource: this.id(),
        recordId: id,
        changes,
      });
    }
    return this.toParams(saved);
  }

  override async delete(id: string, context?: ActionContext): Promise<void> {
    const admin = adminOf(context);
    const row = await this.loadScoped(id, admin);
    const before = { ...(row as unknown as Record<string, any>) };
    try {
      await this.repo().remove(row);
    } catch (err) {
      if ((err as Error).name === 'QueryFailedError') {
        throw new ValidationError({}, { type: 'delete', message: 'Der Eintrag wird noch verwendet und kann nicht gelöscht werden.' });
      }
      throw err;
    }
    await this.deps.audit.write({
      tenantId: this.tenantOf(before),
      actor: { id: admin.id, email: admin.email },
      action: 'delete',
      resource: this.id(),
      recordId: id,
      changes: diffRecord(this.toParams(before), null),
    });
    await this.rules.afterWrite?.(null, before, this.ruleContext(admin, this.tenantOf(before), before), {});
  }
}
