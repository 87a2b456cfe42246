import { Catch, HttpException, Injectable, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { StaffRequest } from '../auth/staff-auth.guard.js';
import { DomainError } from '../common/domain-error.js';
import { httpStatusOf } from '../common/domain-error.filter.js';
import { TenantContext } from '../tenancy/tenant-context.js';
import { PageFrame } from './page-frame.service.js';

const KNOWN = new Set([400, 403, 404, 409, 410, 429]);

/**
 * Citizens get an HTML page, not JSON, for errors on portal routes: a plugin switched off for
 * the tenant, an unknown reference or wrong token (both 404, indistinguishable), an action no
 * longer possible. A domain error is explained by its code (the frame's `errors.code.*`
 * messages), anything else by its status. A staff page without a login (StaffAuthGuard's 401)
 * leads to the staff login, which comes back to the page afterwards; other staff errors show in the
 * staff frame.
 */
@Injectable()
@Catch()
export class PortalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Portal');

  constructor(private readonly frame: PageFrame) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    // `/:slug` also matches one-segment paths of the server itself (/login, /favicon.ico). Without a
    // tenant the request was never the portal's: routing goes on to whatever was registered later.
    if (!TenantContext.currentOrNull()) return host.switchToHttp().getNext<NextFunction>()();
    const status = exception instanceof DomainError ? httpStatusOf(exception) : exception instanceof HttpException ? exception.getStatus() : 500;
    if (status >= 500) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    if (res.headersSent) return;
    try {
      const staff = (req as Partial<StaffRequest>).staffUser;
      const p = staff ? await this.frame.staffRequest(req, res) : await this.frame.request(req, res);
      if (status === 401) {
        // Back to the page after the login; a refused form post comes back to the staff start page.
        const next = req.method === 'GET' ? `?weiter=${encodeURIComponent(p.url)}` : '';
        res.redirect(303, `${p.base}/mitarbeiter/anmelden${next}`);
        return;
      }
      const kind = KNOWN.has(status) ? String(status) : status >= 500 ? '500' : '400';
      this.frame.render(
        res,
        p,
        'error',
        { kind, code: exception instanceof DomainError ? exception.code : null, home: p.staff?.home ?? `${p.base}/` },
        { title: `error.${kind}.title`, status },
      );
    } catch (err) {
      // Rendering the error page failed too: fall back to plain JSON.
      this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      res.status(status).json({ statusCode: status, message: status === 404 ? 'Not found' : 'Error' });
    }
  }
}
