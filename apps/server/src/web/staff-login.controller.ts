import { Controller, Get, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AdminAuthService, LoginRefused } from '../auth/admin-auth.service.js';
import { AdminSessionService } from '../auth/admin-session.service.js';
import { StaffAuthGuard } from '../auth/staff-auth.guard.js';
import { PluginHostService } from '../plugin-host/plugin-host.service.js';
import { FormTokenService } from '../security/form-token.service.js';
import { FormBody } from './form-body.decorator.js';
import { queryString, type FieldErrors } from './form-query.js';
import { PageFrame, type PortalRequest } from './page-frame.service.js';
import { PortalExceptionFilter } from './portal-exception.filter.js';

type Form = Record<string, unknown>;

const REFUSALS: Record<LoginRefused['code'], string> = {
  invalidCredentials: 'staffLogin',
  loginDelayed: 'staffDelayed',
  proofOfWorkRequired: 'staffProof',
  noPanelAccess: 'staffNoAccess',
};

/**
 * Where to go after the login: a staff page of this tenant only (never another host, another
 * tenant's path or a citizen page), else the staff start page.
 */
function nextPage(p: PortalRequest, value: string | undefined, plugins: PluginHostService): string {
  const home = `${p.base}/mitarbeiter`;
  if (!value || value.length > 2000 || /[\\\s]|\/\//.test(value)) return home;
  // Dot segments (plain or percent-encoded) would let the browser resolve a prefixed path to another
  // tenant's: the path must already be in its normal form.
  const path = value.split(/[?#]/, 1)[0]!;
  if (/%2e/i.test(path) || new URL(path, 'http://x').pathname !== path) return home;
  // The plugins' staff pages may live outside the area's prefix (the queue's /<slug>/schalter).
  const own = `/${p.tenant.slug}/`;
  const pages = plugins
    .all()
    .flatMap((plugin) => (plugin.staffPages ?? []).map((page) => page.path(p.tenant.slug)))
    .filter((path) => path.startsWith(own))
    .map((path) => p.base + path.slice(own.length - 1));
  return [home, ...pages].some((page) => value === page || value.startsWith(`${page}/`) || value.startsWith(`${page}?`)) ? value : home;
}

/**
 * The staff area's own pages: its start page (the navigation as a list), the login (the admin
 * panel's accounts, throttled like the panel by AdminAuthService; the panel's session works here
 * too) and the logout. The pages of the area come from the plugins (`staffPages`).
 */
@ApiExcludeController()
@UseFilters(PortalExceptionFilter)
@Controller(':slug/mitarbeiter')
export class StaffLoginController {
  constructor(
    private readonly frame: PageFrame,
    private readonly auth: AdminAuthService,
    private readonly sessions: AdminSessionService,
    private readonly formTokens: FormTokenService,
    private readonly plugins: PluginHostService,
  ) {}

  @Get()
  @UseGuards(StaffAuthGuard)
  async home(@Req() req: Request, @Res() res: Response): Promise<void> {
    const p = await this.frame.staffRequest(req, res);
    this.frame.render(res, p, 'staff-home', {}, { title: 'staff.homeTitle' });
  }

  @Get('anmelden')
  async loginPage(@Req() req: Request, @Res() res: Response, @Query() q: Form): Promise<void> {
    const p = await this.frame.staffLoginRequest(req, res);
    await this.renderLogin(res, p, { next: nextPage(p, queryString(q, 'weiter'), this.plugins), loggedOut: queryString(q, 'abgemeldet') === '1' });
  }

  @Post('anmelden')
  async login(@Req() req: Request, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    const p = await this.frame.staffLoginRequest(req, res);
    const next = nextPage(p, queryString(body, 'weiter'), this.plugins);
    const email = queryString(body, 'email') ?? '';
    // The form's CSRF token first: nothing is counted or compared without it.
    if (!this.formTokens.verify(req, body.formToken)) return this.renderLogin(res, p, { next, email, status: 400, errors: { email: 'formExpired' } });
    let user;
    try {
      user = await this.auth.login(email, queryString(body, 'password') ?? '', { panel: false, address: req.ip, proof: queryString(body, 'altcha') });
    } catch (err) {
      if (!(err instanceof LoginRefused)) throw err;
      if (err.retryAfterSeconds) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      const status = err.code === 'loginDelayed' ? 429 : 401;
      return this.renderLogin(res, p, { next, email, status, errors: { email: REFUSALS[err.code] } });
    }
    if (user.role !== 'super-admin' && user.tenantId !== p.tenant.id) {
      return this.renderLogin(res, p, { next, email, status: 403, errors: { email: 'staffNoAccess' } });
    }
    await this.sessions.begin(req, res, user);
    res.redirect(303, next);
  }

  @Post('abmelden')
  async logout(@Req() req: Request, @Res() res: Response, @FormBody() body: Form): Promise<void> {
    const p = await this.frame.staffLoginRequest(req, res);
    if (!this.formTokens.verify(req, body.formToken))
      return this.renderLogin(res, p, { next: nextPage(p, undefined, this.plugins), status: 400, errors: { email: 'formExpired' } });
    await this.sessions.end(req, res);
    res.redirect(303, `${p.base}/mitarbeiter/anmelden?abgemeldet=1`);
  }

  private async renderLogin(
    res: Response,
    p: PortalRequest,
    o: { next: string; email?: string; status?: number; errors?: FieldErrors; loggedOut?: boolean },
  ): Promise<void> {
    // Solved by the page while the user types, as on the panel's login page; needed only after failures.
    const altcha = JSON.stringify(await this.auth.loginChallenge());
    this.frame.render(
      res,
      p,
      'staff-login',
      { next: o.next, email: o.email ?? '', altcha, loggedOut: o.loggedOut === true },
      { title: 'staff.loginTitle', status: o.status, errors: o.errors, switchUrl: `${p.base}/mitarbeiter/anmelden?weiter=${encodeURIComponent(o.next)}` },
    );
  }
}
