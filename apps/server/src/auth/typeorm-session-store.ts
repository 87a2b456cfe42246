import { Store, type SessionData } from 'express-session';
import { LessThan, type DataSource } from 'typeorm';
import { isUniqueViolation } from '../database/db-errors.js';
import { AdminSession } from './admin-session.entity.js';
import type { AdminUsersService } from './admin-users.service.js';
import type { CurrentAdmin } from './current-admin.js';

declare module 'express-session' {
  interface SessionData {
    adminUser?: CurrentAdmin;
    redirectTo?: string;
  }
}

const CLEANUP_EVERY_MS = 10 * 60_000;

/**
 * express-session store on the `admin_session` table, so sessions survive restarts and are shared
 * by every instance. Reading a session refreshes its user from the database: a deactivated or
 * deleted account is logged out at once, a changed role or plugin switch counts on the next request.
 *
 * Expiry is compared with the wall clock, because express-session computes cookie expiry from it.
 */
export class TypeormSessionStore extends Store {
  private lastCleanup = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: AdminUsersService,
    private readonly ttlMs: number,
  ) {
    super();
  }

  private repo() {
    return this.dataSource.getRepository(AdminSession);
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.read(sid).then((s) => callback(null, s), callback);
  }

  private async read(sid: string): Promise<SessionData | null> {
    const row = await this.repo().findOneBy({ sid });
    if (!row) return null;
    if (row.expiresAt.getTime() <= Date.now()) {
      await this.repo().delete({ sid });
      return null;
    }
    const data = JSON.parse(row.data) as SessionData;
    if (data.adminUser) {
      const fresh = await this.users.currentAdmin(data.adminUser.id);
      if (fresh) data.adminUser = fresh;
      else delete data.adminUser;
    }
    return data;
  }

  override set(sid: string, session: SessionData, callback?: (err?: unknown) => void): void {
    this.write(sid, session).then(
      () => callback?.(),
      (err) => callback?.(err),
    );
  }

  private async write(sid: string, session: SessionData): Promise<void> {
    const expiresAt = this.expiry(session);
    const values = { data: JSON.stringify(session), expiresAt, userId: session.adminUser?.id ?? null };
    const { affected } = await this.repo().update({ sid }, values);
    if (!affected) {
      try {
        await this.repo().insert({ sid, ...values });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        await this.repo().update({ sid }, values);
      }
    }
    await this.cleanup();
  }

  override touch(sid: string, session: SessionData, callback?: (err?: unknown) => void): void {
    this.repo()
      .update({ sid }, { expiresAt: this.expiry(session) })
      .then(
        () => callback?.(),
        (err) => callback?.(err),
      );
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.repo()
      .delete({ sid })
      .then(
        () => callback?.(),
        (err) => callback?.(err),
      );
  }

  /** Ends every session of a user (deactivated, deleted or password changed). */
  async destroyForUser(userId: string): Promise<void> {
    await this.repo().delete({ userId });
  }

  private expiry(session: SessionData): Date {
    const expires = session.cookie?.expires;
    return expires ? new Date(expires) : new Date(Date.now() + this.ttlMs);
  }

  /** Expired rows are removed now and then by whichever instance writes a session. */
  private async cleanup(): Promise<void> {
    if (Date.now() - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = Date.now();
    await this.repo().delete({ expiresAt: LessThan(new Date()) });
  }
}
