import { Inject, Injectable } from '@nestjs/common';
import type { Request, RequestHandler, Response } from 'express';
import session, { type SessionOptions } from 'express-session';
import { DataSource } from 'typeorm';
import { ENV, type Env } from '../config/env.config.js';
import { AdminUsersService } from './admin-users.service.js';
import type { CurrentAdmin } from './current-admin.js';
import { TypeormSessionStore } from './typeorm-session-store.js';

export const SESSION_COOKIE_NAME = 'amtszeit.sid';
/** Idle timeout: every request within it extends the session. */
export const SESSION_TTL_HOURS = 8;

/**
 * One session configuration for the admin panel and for JSON routes behind StaffAuthGuard, so a
 * login in either place is one session in the database.
 */
@Injectable()
export class AdminSessionService {
  readonly store: TypeormSessionStore;
  readonly options: SessionOptions & { secret: string; name: string };
  private readonly middleware: RequestHandler;

  constructor(dataSource: DataSource, users: AdminUsersService, @Inject(ENV) env: Env) {
    const ttlMs = SESSION_TTL_HOURS * 3_600_000;
    this.store = new TypeormSessionStore(dataSource, users, ttlMs);
    this.options = {
      store: this.store,
      secret: env.SESSION_SECRET,
      name: SESSION_COOKIE_NAME,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      proxy: env.TRUST_PROXY,
      cookie: {
        httpOnly: true,
        sameSite: 'lax',
        // Behind TLS the cookie never travels in clear text; set TRUST_PROXY when TLS ends at a proxy.
        secure: env.PUBLIC_BASE_URL.startsWith('https://'),
        maxAge: ttlMs,
        path: '/',
      },
    };
    this.middleware = session(this.options);
  }

  /** Loads the session onto a request that did not pass through the session middleware. */
  load(req: Request, res: Response): Promise<void> {
    if (req.session) return Promise.resolve();
    return new Promise((resolve, reject) => this.middleware(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
  }

  /** A fresh session id at login, against session fixation. */
  regenerate(req: Request): Promise<void> {
    return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
  }

  /** Starts the user's session after a login (staff API, staff pages): a fresh id, saved before the answer. */
  async begin(req: Request, res: Response, user: CurrentAdmin): Promise<void> {
    await this.load(req, res);
    await this.regenerate(req);
    req.session.adminUser = user;
    await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
  }

  /** Ends the session, if any, and drops its cookie. */
  async end(req: Request, res: Response): Promise<void> {
    await this.load(req, res);
    await new Promise<void>((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
    res.clearCookie(this.options.name, { path: '/' });
  }

  handler(): RequestHandler {
    return this.middleware;
  }
}
