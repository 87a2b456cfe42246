import supertest from 'supertest';
import { AdminPanelModule } from '../../admin-config/admin-panel.module.js';
import { AdminUsersService } from '../../apps/server/src/auth/admin-users.service.js';
import { createTestApp, type TestApp, type TestAppOptions } from './test-app.js';

/** Long enough for the password rules; tests only. */
export const TEST_PASSWORD = 'Korrekt-Pferd-Batterie-7';
/** Fixed so that a second app instance (restart) accepts the first one's cookies. */
export const TEST_SESSION_SECRET = 'test-session-secret-0123456789-abcdefghij';

/** The application with the admin panel mounted. */
export function createAdminTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  return createTestApp({
    ...options,
    env: { SESSION_SECRET: TEST_SESSION_SECRET, ...options.env },
    imports: [AdminPanelModule, ...(options.imports ?? [])],
  });
}

export async function createAccount(t: TestApp, role: 'super-admin' | 'tenant-admin' | 'supervisor' | 'staff', email: string, tenant?: string) {
  return t.app.get(AdminUsersService).create({ email, password: TEST_PASSWORD, role, tenant: tenant ?? null });
}

/**
 * Posts the panel's login form as its page does: first the challenge request, which gives the form's
 * CSRF token and its cookie, then the form. The agent keeps the cookies (the session, if it worked).
 */
export async function panelLogin(t: TestApp, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const agent = supertest.agent(t.app.getHttpServer());
  const { formToken } = (await agent.get('/admin/login-challenge').expect(200)).body as { formToken: string };
  const res = await agent
    .post('/admin/login')
    .set(headers)
    .type('form')
    .send({ formToken, ...fields });
  return { agent, res };
}

/** Logs in through the panel's login form and returns an agent that carries the session cookie. */
export async function loginAgent(t: TestApp, email: string, password = TEST_PASSWORD) {
  const { agent, res } = await panelLogin(t, { email, password });
  if (res.status !== 302) throw new Error(`login of ${email} failed: ${res.status}`);
  return agent;
}
