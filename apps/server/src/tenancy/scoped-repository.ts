import { randomUUID } from 'node:crypto';
import { NotFoundException } from '@nestjs/common';
import type {
  DeepPartial,
  FindManyOptions,
  FindOneOptions,
  FindOptionsWhere,
  ObjectLiteral,
  QueryDeepPartialEntity,
  Repository,
  SelectQueryBuilder,
} from 'typeorm';
import { isMysqlFamily } from '../database/data-source-options.js';
import { insertRows, type InsertBuffer } from './insert-buffer.js';
import { TenantContext } from './tenant-context.js';

type Where<T> = FindOptionsWhere<T> | FindOptionsWhere<T>[];

/**
 * A repository that can only see and write the current tenant's rows: every read gets the
 * tenant added to its where clause, every write gets it stamped, and without a tenant context
 * every call throws.
 */
export class ScopedRepository<T extends ObjectLiteral & { tenantId: string; id: string }> {
  /** With a buffer (a transaction that coalesces its inserts), `insert` queues and every other call sends the queue first. */
  constructor(
    private readonly inner: Repository<T>,
    private readonly buffer?: InsertBuffer,
  ) {}

  private async flushed(): Promise<void> {
    if (this.buffer && !this.buffer.empty) await this.buffer.flush();
  }

  get tenantId(): string {
    return TenantContext.current().id;
  }

  /** The plain repository, for metadata only; never query through it. */
  get metadata() {
    return this.inner.metadata;
  }

  private scope(where?: Where<T>): Where<T> {
    const tenantId = this.tenantId;
    if (Array.isArray(where)) return where.map((w) => ({ ...w, tenantId }) as FindOptionsWhere<T>);
    return { ...(where ?? {}), tenantId } as FindOptionsWhere<T>;
  }

  async find(options: FindManyOptions<T> = {}): Promise<T[]> {
    await this.flushed();
    return this.inner.find({ ...options, where: this.scope(options.where as Where<T>) });
  }

  /**
   * Like find, locking the rows found until the transaction ends (SELECT … FOR UPDATE) on
   * MySQL/MariaDB; SQLite runs one write transaction at a time, so there a plain read is as good.
   */
  async findForUpdate(options: Omit<FindManyOptions<T>, 'lock'> = {}): Promise<T[]> {
    return this.find(isMysqlFamily(this.inner.manager.connection.options) ? { ...options, lock: { mode: 'pessimistic_write' } } : options);
  }

  async findBy(where: Where<T>): Promise<T[]> {
    await this.flushed();
    return this.inner.findBy(this.scope(where));
  }

  async findOne(options: FindOneOptions<T>): Promise<T | null> {
    await this.flushed();
    return this.inner.findOne({ ...options, where: this.scope(options.where as Where<T>) });
  }

  async findOneBy(where: Where<T>): Promise<T | null> {
    await this.flushed();
    return this.inner.findOneBy(this.scope(where));
  }

  findById(id: string, options: Omit<FindOneOptions<T>, 'where'> = {}): Promise<T | null> {
    if (typeof id !== 'string' || id.length === 0 || id.length > 64) return Promise.resolve(null);
    return this.findOne({ ...options, where: { id } as FindOptionsWhere<T> });
  }

  /** Like findById, but a foreign or unknown id is a 404; the id is not echoed back. */
  async getById(id: string, what: string, options: Omit<FindOneOptions<T>, 'where'> = {}): Promise<T> {
    const found = await this.findById(id, options);
    if (!found) throw new NotFoundException(`${what} not found`);
    return found;
  }

  async count(options: FindManyOptions<T> = {}): Promise<number> {
    await this.flushed();
    return this.inner.count({ ...options, where: this.scope(options.where as Where<T>) });
  }

  async countBy(where: Where<T>): Promise<number> {
    await this.flushed();
    return this.inner.countBy(this.scope(where));
  }

  create(data: DeepPartial<T> = {} as DeepPartial<T>): T {
    return this.inner.create({ ...data, tenantId: this.tenantId } as DeepPartial<T>);
  }

  private stamp(entity: T): T {
    const tenantId = this.tenantId;
    if (entity.tenantId && entity.tenantId !== tenantId) {
      throw new Error(`Refusing to write a ${this.inner.metadata.name} of another tenant`);
    }
    (entity as { tenantId: string }).tenantId = tenantId;
    return entity;
  }

  save(entity: T): Promise<T>;
  save(entities: T[]): Promise<T[]>;
  async save(entityOrEntities: T | T[]): Promise<T | T[]> {
    await this.flushed();
    if (Array.isArray(entityOrEntities)) return this.inner.save(entityOrEntities.map((e) => this.stamp(e)));
    return this.inner.save(this.stamp(entityOrEntities));
  }

  /**
   * Plain INSERT of new rows (tenant stamped, ids assigned here), without save()'s existence check
   * and the re-read of database defaults that MySQL needs after it: for hot write paths. Bulk
   * inserts pass `chunk` (rows per statement); inside a transaction they stay all or nothing.
   */
  async insert(entities: Array<Partial<T>>, options: { chunk?: number } = {}): Promise<void> {
    if (entities.length === 0) return;
    for (const e of entities) {
      this.stamp(e as T);
      (e as { id: string }).id ??= randomUUID();
    }
    if (this.buffer) return this.buffer.add(this.inner, entities);
    await insertRows(this.inner, entities, options.chunk);
  }

  /**
   * INSERT rows, or UPDATE `columns` of the row of this tenant that has the same values in the
   * unique key (tenantId, ...`key`); the tenant is added here. Inside a transaction on MySQL/MariaDB
   * the rows stay locked until commit either way, which makes them lock rows.
   */
  async insertOrUpdate(entities: T | T[], columns: Array<keyof T & string>, key: Array<Exclude<keyof T & string, 'tenantId'>>): Promise<void> {
    const rows = Array.isArray(entities) ? entities : [entities];
    if (rows.length === 0) return;
    await this.flushed();
    for (const row of rows) {
      this.stamp(row);
      (row as { id: string }).id ??= randomUUID();
    }
    await this.inner
      .createQueryBuilder()
      .insert()
      .values(rows as never)
      .orUpdate(columns, ['tenantId', ...key])
      .updateEntity(false)
      .callListeners(false)
      .execute();
  }

  /** `patch` may set a column from an SQL expression of the row, e.g. `{ attempts: () => 'attempts + 1' }`. */
  async update(where: FindOptionsWhere<T>, patch: QueryDeepPartialEntity<T>): Promise<number> {
    await this.flushed();
    const { tenantId: _ignored, ...rest } = patch as QueryDeepPartialEntity<T> & { tenantId?: unknown };
    const result = await this.inner.update(this.scope(where) as FindOptionsWhere<T>, rest as never);
    return result.affected ?? 0;
  }

  /**
   * A conditional UPDATE that compares columns with each other or with SQL (which `update` cannot
   * say), e.g. `updateWhere({ used: () => 'used + 1' }, 'id = :id AND used < capacity', { id })`:
   * `condition` is SQL over this entity's columns with bound parameters; the current tenant is always
   * added (`tenantId = … AND (condition)`), so it can never reach another tenant's rows.
   * Returns the number of rows changed.
   */
  async updateWhere(patch: QueryDeepPartialEntity<T>, condition: string, parameters: ObjectLiteral = {}): Promise<number> {
    if ('scopeTenantId' in parameters) throw new Error('scopeTenantId is reserved for the tenant scope');
    await this.flushed();
    const { tenantId: _ignored, ...rest } = patch as QueryDeepPartialEntity<T> & { tenantId?: unknown };
    const result = await this.inner
      .createQueryBuilder()
      .update()
      .set(rest as never)
      .where('tenantId = :scopeTenantId', { scopeTenantId: this.tenantId })
      .andWhere(`(${condition})`, parameters)
      .execute();
    return result.affected ?? 0;
  }

  async delete(where: FindOptionsWhere<T>): Promise<number> {
    await this.flushed();
    const result = await this.inner.delete(this.scope(where) as FindOptionsWhere<T>);
    return result.affected ?? 0;
  }

  /** A query builder already restricted to the current tenant. */
  qb(alias: string): SelectQueryBuilder<T> {
    // A builder runs later, unseen: it could miss rows still queued.
    if (this.buffer && !this.buffer.empty) throw new Error('qb() in a transaction with queued inserts; read through find() or flush first');
    return this.inner.createQueryBuilder(alias).where(`${alias}.tenantId = :scopeTenantId`, { scopeTenantId: this.tenantId });
  }
}
