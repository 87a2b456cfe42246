import { ForbiddenException, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TenantContext } from '../tenancy/tenant-context.js';
import { AdminSessionService } from './admin-session.service.js';
import type { CurrentAdmin } from './current-admin.js';

/** A request that passed StaffAuthGuard carries its user here. */
export interface StaffRequest extends Request {
  staffUser: CurrentAdmin;
}

/**
 * For JSON routes used by the town hall's own people (back-office booking, counter app): admits a
 * logged-in staff member or tenant-admin of the request's tenant, or a super-admin. The session is
 * the admin panel's (cookie `amtszeit.sid`), refreshed from the database on every request.
 * Use inside a tenant route (/api/v1/tenants/<slug>/…): `@UseGuards(StaffAuthGuard)`, then read
 * `req.staffUser`.
 */
@Injectable()
export class StaffAuthGuard implements CanActivate {
  constructor(private readonly sessions: AdminSessionService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request & { staffUser?: CurrentAdmin }>();
    await this.sessions.load(req, http.getResponse<Response>());
    const user = req.session?.adminUser;
    if (!user) throw new UnauthorizedException('Bitte melden Sie sich an.');
    const tenant = TenantContext.currentOrNull();
    if (user.role !== 'super-admin' && (!tenant || user.tenantId !== tenant.id)) {
      throw new ForbiddenException('Kein Zugriff auf diese Kommune.');
    }
    req.staffUser = user;
    return true;
  }
}
