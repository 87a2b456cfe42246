import { Body, Controller, Delete, ForbiddenException, Get, HttpCode, Post, Req, Res, UnauthorizedException, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { TenantContext } from '../tenancy/tenant-context.js';
import { AdminAuthService, LoginRefused } from './admin-auth.service.js';
import { AdminSessionService } from './admin-session.service.js';
import type { CurrentAdmin } from './current-admin.js';
import { StaffAuthGuard, type StaffRequest } from './staff-auth.guard.js';

const loginSchema = z.object({ email: z.string().max(254), password: z.string().max(200) }).strict();

const REFUSALS: Record<LoginRefused['code'], string> = {
  invalidCredentials: 'E-Mail oder Passwort ist falsch.',
  accountLocked: 'Zu viele Fehlversuche: Das Konto ist für 15 Minuten gesperrt.',
  tooManyAttempts: 'Zu viele Fehlversuche von dieser Adresse. Bitte später erneut versuchen.',
  noPanelAccess: 'Dieses Konto hat keinen Zugang.',
};

function publicUser(user: CurrentAdmin) {
  return { id: user.id, email: user.email, name: user.title, role: user.role, tenant: user.tenantSlug };
}

/**
 * JSON login for the town hall's own apps (counter app, back office) on a tenant's API: the same
 * session as the admin panel, limited and locked out like it. Staff log in here; the panel refuses them.
 */
@Controller('api/v1/tenants/:tenant/staff/session')
export class StaffSessionController {
  constructor(
    private readonly auth: AdminAuthService,
    private readonly sessions: AdminSessionService,
  ) {}

  @Post()
  @HttpCode(200)
  async login(@Body(new ZodValidationPipe(loginSchema)) body: z.infer<typeof loginSchema>, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    let user: CurrentAdmin;
    try {
      user = await this.auth.login(body.email, body.password, { panel: false, address: req.ip });
    } catch (err) {
      if (err instanceof LoginRefused) throw new UnauthorizedException(REFUSALS[err.code]);
      throw err;
    }
    const tenant = TenantContext.current();
    if (user.role !== 'super-admin' && user.tenantId !== tenant.id) throw new ForbiddenException('Kein Zugriff auf diese Kommune.');
    await this.sessions.load(req, res);
    await this.sessions.regenerate(req);
    req.session.adminUser = user;
    await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
    return publicUser(user);
  }

  @Get()
  @UseGuards(StaffAuthGuard)
  whoami(@Req() req: StaffRequest) {
    return publicUser(req.staffUser);
  }

  @Delete()
  @HttpCode(204)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.load(req, res);
    await new Promise<void>((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
    res.clearCookie(this.sessions.options.name, { path: '/' });
  }
}
