import {
  Body,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Post,
  Req,
  Res,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { TenantContext } from '../tenancy/tenant-context.js';
import { AdminAuthService, LoginRefused, type LoginRefusalCode } from './admin-auth.service.js';
import { AdminSessionService } from './admin-session.service.js';
import type { CurrentAdmin } from './current-admin.js';
import { StaffAuthGuard, type StaffRequest } from './staff-auth.guard.js';

const loginSchema = z
  .object({
    email: z.string().max(254),
    password: z.string().max(200),
    /** A solved login challenge (ALTCHA payload), needed after repeated failed logins. */
    altcha: z.string().max(2000).optional(),
  })
  .strict();

const REFUSALS: Record<Exclude<LoginRefusalCode, 'loginDelayed'>, string> = {
  invalidCredentials: 'E-Mail oder Passwort ist falsch.',
  proofOfWorkRequired:
    'Nach mehreren Fehlversuchen ist eine zusätzliche Prüfung nötig: Bitte die mitgeschickte Aufgabe (ALTCHA) lösen und die Anmeldung mit dem Feld "altcha" wiederholen.',
  noPanelAccess: 'Dieses Konto hat keinen Zugang.',
};

function publicUser(user: CurrentAdmin) {
  return { id: user.id, email: user.email, name: user.title, role: user.role, tenant: user.tenantSlug };
}

/**
 * JSON login for the town hall's own apps (counter app, back office) on a tenant's API: the same
 * session as the admin panel, throttled like it. Staff log in here; the panel refuses them.
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
      user = await this.auth.login(body.email, body.password, { panel: false, address: req.ip, proof: body.altcha });
    } catch (err) {
      if (err instanceof LoginRefused) throw await this.refusal(err, res);
      throw err;
    }
    const tenant = TenantContext.current();
    if (user.role !== 'super-admin' && user.tenantId !== tenant.id) throw new ForbiddenException('Kein Zugriff auf diese Kommune.');
    await this.sessions.begin(req, res, user);
    return publicUser(user);
  }

  /** Machine-readable refusals: a client app waits out a delay, or solves the challenge and retries. */
  private async refusal(err: LoginRefused, res: Response): Promise<HttpException> {
    if (err.code === 'loginDelayed') {
      const seconds = err.retryAfterSeconds ?? 1;
      res.setHeader('Retry-After', String(seconds));
      return new HttpException(
        {
          statusCode: 429,
          error: 'Too Many Requests',
          code: err.code,
          retryAfterSeconds: seconds,
          message: `Zu viele Fehlversuche. Bitte in ${seconds} Sekunden erneut versuchen.`,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    const body = { statusCode: 401, error: 'Unauthorized', code: err.code, message: REFUSALS[err.code] };
    if (err.code === 'proofOfWorkRequired') return new UnauthorizedException({ ...body, challenge: await this.auth.loginChallenge() });
    return new UnauthorizedException(body);
  }

  @Get()
  @UseGuards(StaffAuthGuard)
  whoami(@Req() req: StaffRequest) {
    return publicUser(req.staffUser);
  }

  @Delete()
  @HttpCode(204)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.end(req, res);
  }
}
