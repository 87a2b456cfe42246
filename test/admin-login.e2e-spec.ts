import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import supertest from 'supertest';
import { AdminSession } from '../apps/server/src/auth/admin-session.entity.js';
import { AdminUser } from '../apps/server/src/auth/admin-user.entity.js';
import { createAccount, createAdminTestApp, panelLogin, TEST_PASSWORD } from './harness/admin-session.js';
import type { TestApp } from './harness/test-app.js';
import { createTestDatabase, type TestDatabase } from './harness/test-database.js';

const LIST = '/admin/api/resources/Location/actions/list';

function sessionCookie(res: { headers: Record<string, unknown> }): string {
  const cookies = (res.headers['set-cookie'] as string[] | undefined) ?? [];
  const cookie = cookies.find((c) => c.startsWith('amtszeit.sid='));
  if (!cookie) throw new Error('no session cookie');
  return cookie;
}

describe('admin login', () => {
  let database: TestDatabase;
  let t: TestApp;
  beforeAll(async () => {
    database = await createTestDatabase();
    t = await createAdminTestApp({ database });
    await createAccount(t, 'tenant-admin', 'admin@musterstadt.test', 'musterstadt');
    await createAccount(t, 'staff', 'staff@musterstadt.test', 'musterstadt');
  });
  afterAll(async () => {
    await t.close();
    await database.drop();
  });

  it('shows a German login page and sends anonymous visitors there', async () => {
    const page = await t.http.get('/admin/login').expect(200);
    expect(page.text).toContain('<html lang=de>');
    expect(page.text).not.toMatch(/fonts\.googleapis|fonts\.gstatic|cdn\.jsdelivr/);
    await t.http.get(LIST).expect(302).expect('Location', '/admin/login');
  });

  it('refuses a wrong password with a clear message and no session', async () => {
    const { res } = await panelLogin(t, { email: 'admin@musterstadt.test', password: 'falsch-falsch-falsch' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('invalidCredentials');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await t.dataSource.getRepository(AdminSession).count()).toBe(0);
  });

  it('sets an HttpOnly, SameSite=Lax cookie and keeps the session in the database', async () => {
    const { res } = await panelLogin(t, { email: 'Admin@Musterstadt.test ', password: TEST_PASSWORD });
    expect(res.status).toBe(302);
    const cookie = sessionCookie(res);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i); // PUBLIC_BASE_URL is http in tests
    const user = await t.dataSource.getRepository(AdminUser).findOneByOrFail({ email: 'admin@musterstadt.test' });
    expect(await t.dataSource.getRepository(AdminSession).countBy({ userId: user.id })).toBe(1);
    await t.http.get(LIST).set('Cookie', cookie.split(';')[0]).expect(200);
  });

  it('keeps staff out of the panel but lets them use the JSON session for staff routes', async () => {
    const { res } = await panelLogin(t, { email: 'staff@musterstadt.test', password: TEST_PASSWORD });
    expect(res.status).toBe(400);
    expect(res.text).toContain('noPanelAccess');
    expect(res.headers['set-cookie']).toBeUndefined();

    const api = supertest.agent(t.app.getHttpServer());
    await api.get('/api/v1/tenants/musterstadt/staff/session').expect(401);
    const login = await api.post('/api/v1/tenants/musterstadt/staff/session').send({ email: 'staff@musterstadt.test', password: TEST_PASSWORD }).expect(200);
    expect(login.body).toMatchObject({ email: 'staff@musterstadt.test', role: 'staff', tenant: 'musterstadt' });
    await api.get('/api/v1/tenants/musterstadt/staff/session').expect(200);
    // The staff session is not a panel session, and it does not open another municipality.
    await api.get(LIST).expect(403);
    await api.get('/api/v1/tenants/beispielheim/staff/session').expect(403);
    await api.delete('/api/v1/tenants/musterstadt/staff/session').expect(204);
    await api.get('/api/v1/tenants/musterstadt/staff/session').expect(401);
    // Another municipality's staff cannot log in here.
    await api.post('/api/v1/tenants/beispielheim/staff/session').send({ email: 'staff@musterstadt.test', password: TEST_PASSWORD }).expect(403);
  });

  it('logs out: the session row is gone and the cookie no longer works', async () => {
    const { res } = await panelLogin(t, { email: 'admin@musterstadt.test', password: TEST_PASSWORD });
    expect(res.status).toBe(302);
    const cookie = sessionCookie(res).split(';')[0];
    await t.http.get(LIST).set('Cookie', cookie).expect(200);
    await t.http.get('/admin/logout').set('Cookie', cookie).expect(302).expect('Location', '/admin/login');
    await t.http.get(LIST).set('Cookie', cookie).expect(302);
  });

  it('forgets an expired session', async () => {
    const { res } = await panelLogin(t, { email: 'admin@musterstadt.test', password: TEST_PASSWORD });
    expect(res.status).toBe(302);
    const cookie = sessionCookie(res).split(';')[0];
    const sid = decodeURIComponent(cookie.split('=')[1]).replace(/^s:/, '').split('.')[0];
    await t.dataSource.getRepository(AdminSession).update({ sid }, { expiresAt: new Date(Date.now() - 1000) });
    await t.http.get(LIST).set('Cookie', cookie).expect(302);
    expect(await t.dataSource.getRepository(AdminSession).countBy({ sid })).toBe(0);
  });

  it('ends the sessions of a deactivated account at once', async () => {
    await createAccount(t, 'tenant-admin', 'leaving@musterstadt.test', 'musterstadt');
    const { res } = await panelLogin(t, { email: 'leaving@musterstadt.test', password: TEST_PASSWORD });
    expect(res.status).toBe(302);
    const cookie = sessionCookie(res).split(';')[0];
    await t.http.get(LIST).set('Cookie', cookie).expect(200);
    await t.dataSource.getRepository(AdminUser).update({ email: 'leaving@musterstadt.test' }, { active: false });
    await t.http.get(LIST).set('Cookie', cookie).expect(302);
  });

  it('keeps a session across a restart, and a second instance on the same database accepts it', async () => {
    const { res } = await panelLogin(t, { email: 'admin@musterstadt.test', password: TEST_PASSWORD });
    expect(res.status).toBe(302);
    const cookie = sessionCookie(res).split(';')[0];
    const second = await createAdminTestApp({ database });
    try {
      await second.http.get(LIST).set('Cookie', cookie).expect(200);
    } finally {
      await second.close();
    }
    await t.close();
    t = await createAdminTestApp({ database });
    const list = await t.http.get(LIST).set('Cookie', cookie).expect(200);
    expect(list.body.records.length).toBeGreaterThan(0);
  });
});

describe('admin login behind TLS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createAdminTestApp({ env: { PUBLIC_BASE_URL: 'https://termine.example.de', TRUST_PROXY: 'on' } });
    await createAccount(t, 'super-admin', 'root@example.test');
  });
  afterAll(async () => t.close());

  it('marks the cookie Secure', async () => {
    const { res } = await panelLogin(t, { email: 'root@example.test', password: TEST_PASSWORD }, { 'X-Forwarded-Proto': 'https' });
    expect(res.status).toBe(302);
    expect(sessionCookie(res)).toMatch(/; Secure/i);
  });
});
