import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ENV, type Env } from '../config/env.config.js';
import { readCookie } from '../web/locale.js';

const COOKIE = 'amtszeit.form';
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

/**
 * CSRF tokens for HTML forms (signed double submit): the browser holds a random value in an
 * HttpOnly cookie, and the form carries an HMAC of it (key from SESSION_SECRET). A page on another
 * site can neither read the cookie nor compute the token, so a form it posts is refused even by a
 * browser that sends neither Origin nor Sec-Fetch-Site (the cross-site check covers all others).
 */
@Injectable()
export class FormTokenService {
  private readonly key: Buffer;

  constructor(@Inject(ENV) env: Env) {
    this.key = createHmac('sha256', env.SESSION_SECRET).update('form-token').digest();
  }

  /** The token for this browser's forms; sets the cookie on the first visit. */
  issue(req: Request, res: Response): string {
    let value = readCookie(req, COOKIE);
    if (!value || !COOKIE_VALUE.test(value)) {
      value = randomBytes(32).toString('base64url');
      res.cookie(COOKIE, value, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
    }
    return this.sign(value);
  }

  verify(req: Request, token: unknown): boolean {
    const value = readCookie(req, COOKIE);
    if (!value || !COOKIE_VALUE.test(value) || typeof token !== 'string') return false;
    const expected = Buffer.from(this.sign(value));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private sign(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('base64url');
  }
}
