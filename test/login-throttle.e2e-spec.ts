import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import supertest from 'supertest';
import { solveForTest } from './harness/proof-solver.js';
import { AuditLog } from '../apps/server/src/audit/audit-log.entity.js';
import { addressNetwork, LOGIN_LIMITS, pairDelaySeconds } from '../apps/server/src/auth/admin-auth.service.js';
import { AdminUser } from '../apps/server/src/auth/admin-user.entity.js';
import { LoginThrottle } from '../apps/server/src/auth/login-throttle.entity.js';
import { OutboxMessage } from '../apps/server/src/notifications/outbox-message.entity.js';
import { OutboxService } from '../apps/server/src/notifications/outbox.service.js';
import { TaskRunnerService } from '../apps/server/src/tasks/task-runner.service.js';
import { INSTALLATION, runAsTenant } from '../apps/server/src/tenancy/tenant-context.js';
import { createAccount, createAdminTestApp, loginAgent, panelLogin, TEST_PASSWORD } from './harness/admin-session.js';
import { TestSmtpServer } from './harness/smtp-server.js';
import type { TestApp } from './harness/test-app.js';
import { createTestDatabase, type TestDatabase } from './harness/test-database.js';

const API = '/api/v1/tenants/musterstadt/staff/session';

/** The outcome of a panel login: `ok` (redirect into the panel) or the refusal code the login page shows. */
async function code(request: PromiseLike<supertest.Response>): Promise<string> {
  const res = await request;
  if (res.status === 302) return 'ok';
  const state = /__APP_STATE__ = JSON\.parse\('(.*)'\)/.exec(res.text);
  return state ? JSON.parse(state[1]).errorMessage : `HTTP ${res.status}`;
}

describe('login throttling that an attacker cannot turn against an account', () => {
  let database: TestDatabase;
  let smtp: TestSmtpServer;
  let t: TestApp;
  const env = () => ({ TRUST_PROXY: 'on', SMTP_URL: smtp.url });
  const panel = async (email: string, password: string, ip: string, altcha?: string, app: TestApp = t) =>
    (await panelLogin(app, { email, password, ...(altcha ? { altcha } : {}) }, { 'X-Forwarded-For': ip })).res;
  const api = (email: string, password: string, ip: string, altcha?: string) =>
    t.http
      .post(API)
      .set('X-Forwarded-For', ip)
      .send({ email, password, ...(altcha ? { altcha } : {}) });
  /** What the login page does: fetch a challenge and solve it. */
  const proof = async () => await solveForTest((await t.http.get('/admin/login-challenge').expect(200)).body.challenge);
  const lockedEntries = async (email: string) => {
    const user = await t.dataSource.getRepository(AdminUser).findOneByOrFail({ email });
    return t.dataSource.getRepository(AuditLog).findBy({ action: 'login-locked', recordId: user.id });
  };

  beforeAll(async () => {
    smtp = new TestSmtpServer();
    await smtp.start();
    database = await createTestDatabase();
    t = await createAdminTestApp({ database, env: env() });
    for (const name of ['owner', 'a.nat', 'b.nat', 'c.nat', 'delay', 'notice', 'notice-en']) {
      await createAccount(t, 'tenant-admin', `${name}@musterstadt.test`, 'musterstadt');
    }
    await createAccount(t, 'super-admin', 'root@example.test');
  });
  afterAll(async () => {
    await t?.close();
    await database.drop();
    await smtp.stop();
  });

  it('lets the owner in with the right password and a proof of work after failures from five addresses; without the proof, or with a wrong password, not', async () => {
    const owner = 'owner@musterstadt.test';
    for (let i = 1; i <= LOGIN_LIMITS.accountFailures; i++) {
      expect(await code(panel(owner, `falsch-${i}`, `198.51.100.${i}`))).toBe('invalidCredentials');
    }
    // Soft-locked: from a sixth address the right password alone is refused, and a proof does not help a wrong one.
    expect(await code(panel(owner, TEST_PASSWORD, '198.51.100.6'))).toBe('proofOfWorkRequired');
    const used = await proof();
    expect(await code(panel(owner, 'falsch-6', '198.51.100.6', used))).toBe('invalidCredentials');
    expect(await code(panel(owner, TEST_PASSWORD, '198.51.100.6', used))).toBe('proofOfWorkRequired');

    // The JSON login says so in a machine-readable way and sends the challenge; bad input writes nothing.
    const rows = await t.dataSource.getRepository(LoginThrottle).count();
    await api(owner, TEST_PASSWORD, '198.51.100.6', 'x'.repeat(2001)).expect(400);
    expect(await t.dataSource.getRepository(LoginThrottle).count()).toBe(rows);
    const refused = await api(owner, TEST_PASSWORD, '198.51.100.6').expect(401);
    expect(refused.body).toMatchObject({
      statusCode: 401,
      code: 'proofOfWorkRequired',
      challenge: {
        algorithm: 'SHA-256',
        maxnumber: LOGIN_LIMITS.proofMaxNumber,
        salt: expect.stringContaining('purpose=login'),
        signature: expect.any(String),
      },
    });
    const solved = await solveForTest(refused.body.challenge);
    const login = await api(owner, TEST_PASSWORD, '198.51.100.6', solved).expect(200);
    expect(login.body).toMatchObject({ email: owner, tenant: 'musterstadt' });

    // The right password with the proof ended the lock: no proof needed any more, from anywhere.
    expect(await code(panel(owner, TEST_PASSWORD, '198.51.100.7'))).toBe('ok');
  });

  it('does not slow down colleagues behind the same office address: failures there cost them at most a proof of work', async () => {
    const office = '203.0.113.50';
    for (let i = 1; i <= LOGIN_LIMITS.accountFailures; i++) {
      expect(await code(panel('a.nat@musterstadt.test', `falsch-${i}`, office))).toBe('invalidCredentials');
      t.clock.advance(pairDelaySeconds(i) * 1000);
    }
    // A is delayed and soft-locked; B, from the same address, gets in at once.
    expect(await code(panel('b.nat@musterstadt.test', TEST_PASSWORD, office))).toBe('ok');
    // More failures from the office (mistyped addresses) up to its threshold.
    for (let i = LOGIN_LIMITS.accountFailures; i < LOGIN_LIMITS.addressFailures; i++) {
      expect(await code(panel(`tippfehler-${i}@musterstadt.test`, 'falsch', office))).toBe('invalidCredentials');
    }
    // Now logins from the office need a proof (the login page solves it), and with it a colleague is in at once.
    expect(await code(panel('b.nat@musterstadt.test', TEST_PASSWORD, office))).toBe('proofOfWorkRequired');
    expect(await code(panel('b.nat@musterstadt.test', TEST_PASSWORD, office, await proof()))).toBe('ok');
    expect(await code(panel('c.nat@musterstadt.test', TEST_PASSWORD, office, await proof()))).toBe('ok');
    // Elsewhere nothing changed.
    expect(await code(panel('c.nat@musterstadt.test', TEST_PASSWORD, '192.0.2.99'))).toBe('ok');
  });

  it('makes each failure of one account from one address wait twice as long after the free ones, and tells nothing about the account meanwhile', async () => {
    expect(Array.from({ length: 16 }, (_, i) => pairDelaySeconds(i + 1))).toEqual([0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]);
    const ip = '192.0.2.20';
    const expected = [
      'invalidCredentials',
      'invalidCredentials',
      'invalidCredentials',
      'invalidCredentials',
      'loginDelayed:1',
      '429 loginDelayed 1 1',
      'invalidCredentials',
      'loginDelayed:2',
      'loginDelayed:1',
      'invalidCredentials',
      'loginDelayed:4',
    ];
    const sequence = async (email: string) => {
      const seen: string[] = [];
      for (let i = 1; i <= LOGIN_LIMITS.pairFreeFailures + 1; i++) seen.push(await code(panel(email, `falsch-${i}`, ip)));
      // Inside the wait even the right password is not checked.
      seen.push(await code(panel(email, TEST_PASSWORD, ip)));
      const delayed = await api(email, TEST_PASSWORD, ip);
      seen.push(`${delayed.status} ${delayed.body.code} ${delayed.body.retryAfterSeconds} ${delayed.headers['retry-after']}`);
      t.clock.advance(1000);
      seen.push(await code(panel(email, 'falsch-5', ip)));
      seen.push(await code(panel(email, TEST_PASSWORD, ip)));
      t.clock.advance(1000);
      seen.push(await code(panel(email, TEST_PASSWORD, ip)));
      expect(seen).toEqual(expected.slice(0, seen.length));
      t.clock.advance(1000);
      // The account is soft-locked by now: with a proof the password is checked again.
      seen.push(await code(panel(email, 'falsch-6', ip, await proof())));
      seen.push(await code(panel(email, TEST_PASSWORD, ip)));
      t.clock.advance(4000);
      return seen;
    };
    // An unknown account is treated alike, so the answers reveal nothing.
    expect(await sequence('delay@musterstadt.test')).toEqual(expected);
    expect(await sequence('niemand@musterstadt.test')).toEqual(expected);
    // After the wait the owner gets in (with the proof the lock asks for), which clears the pair: the next failure is free again.
    expect(await code(panel('delay@musterstadt.test', TEST_PASSWORD, ip, await proof()))).toBe('ok');
    expect(await code(panel('delay@musterstadt.test', 'falsch', ip))).toBe('invalidCredentials');
    expect(await code(panel('delay@musterstadt.test', TEST_PASSWORD, ip))).toBe('ok');
  });

  it('writes one audit entry and sends one notice when an account is locked, also when two instances count failures at the same moment', async () => {
    const email = 'notice@musterstadt.test';
    const second = await createAdminTestApp({ database, clock: t.clock, env: env() });
    try {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => panel(email, `falsch-${i}`, `198.51.100.${100 + i}`, undefined, i % 2 ? second : t)),
      );
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(400));
      expect(await lockedEntries(email)).toHaveLength(1);
      // Further failures during the lock change nothing.
      expect(await code(panel(email, 'falsch-9', '198.51.100.120', await proof(), second))).toBe('invalidCredentials');
    } finally {
      await second.close();
    }
    const entries = await lockedEntries(email);
    expect(entries).toHaveLength(1);
    const musterstadt = await t.tenant('musterstadt');
    expect(entries[0]).toMatchObject({
      tenantId: musterstadt.id,
      actorId: null,
      resource: 'AdminUser',
      changes: { failures: [null, LOGIN_LIMITS.accountFailures], network: [null, '198.51.100.0/24'] },
    });
    // The address only as far as needed, and never a password.
    expect(JSON.stringify(entries[0])).not.toMatch(/198\.51\.100\.1|falsch/);
    expect(['2001:db8:abcd:12::1', '::ffff:203.0.113.9', '::1', 'fe80::1%eth0', undefined].map(addressNetwork)).toEqual([
      '2001:db8:abcd::/48',
      '203.0.113.0/24',
      '0:0:0::/48',
      'fe80:0:0::/48',
      'unknown',
    ]);

    const queued = (await t.dataSource.getRepository(OutboxMessage).findBy({ tenantId: musterstadt.id })).filter((m) => m.content.to === email);
    expect(queued).toHaveLength(1);
    await t.asTenant('musterstadt', () => t.app.get(OutboxService).deliverDue());
    const mails = smtp.to(email);
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe('Mehrere fehlgeschlagene Anmeldungen bei Ihrem Konto');
    expect(mails[0].text).toContain(`${LOGIN_LIMITS.accountFailures} Anmeldungen mit falschem Passwort`);
    expect(mails[0].text).toContain('Wenn Sie das nicht waren');
    expect(mails[0].html).toContain(email);
  });

  it('writes the notice in the language the account prefers; for a super-admin (no tenant) as installation mail', async () => {
    // A tenant-admin sets the account's language in the panel (Personal); only German and English exist.
    const admin = await loginAgent(t, 'c.nat@musterstadt.test');
    const { id } = await t.dataSource.getRepository(AdminUser).findOneByOrFail({ email: 'notice-en@musterstadt.test' });
    const edit = (locale: string) => admin.post(`/admin/api/resources/AdminUser/records/${id}/edit`).type('form').send({ locale });
    expect((await edit('fr')).body.record.errors.locale.message).toBe('Bitte Deutsch oder Englisch wählen.');
    expect((await edit('en')).body.notice.type).toBe('success');
    expect(await t.dataSource.getRepository(AdminUser).findOneByOrFail({ id })).toMatchObject({ locale: 'en' });
    for (const email of ['notice-en@musterstadt.test', 'root@example.test']) {
      for (let i = 1; i <= LOGIN_LIMITS.accountFailures; i++) {
        expect(await code(panel(email, `falsch-${i}`, `192.0.2.${i}`))).toBe('invalidCredentials');
      }
    }
    await t.asTenant('musterstadt', () => t.app.get(OutboxService).deliverDue());
    const [mail] = smtp.to('notice-en@musterstadt.test');
    expect(mail.subject).toBe('Several failed logins to your account');
    expect(mail.text).toContain(`there were ${LOGIN_LIMITS.accountFailures} logins with a wrong password to your account notice-en@musterstadt.test`);

    const root = await lockedEntries('root@example.test');
    expect(root).toMatchObject([{ tenantId: null, changes: { network: [null, '192.0.2.0/24'] } }]);
    const queued = (await t.dataSource.getRepository(OutboxMessage).find()).filter((m) => m.content.to === 'root@example.test');
    expect(queued.map((m) => m.tenantId)).toEqual([INSTALLATION.id]);
    await runAsTenant(INSTALLATION, () => t.app.get(OutboxService).deliverDue());
    const [rootMail] = smtp.to('root@example.test');
    expect(rootMail.subject).toBe('Mehrere fehlgeschlagene Anmeldungen bei Ihrem Konto');
    expect(rootMail.text).toContain('Audit-Log');
  });

  it('forgets the counters (addresses and typed emails) once they no longer count', async () => {
    const keys = async () => (await t.dataSource.getRepository(LoginThrottle).find()).map((r) => r.key);
    const purge = (at: Date) => t.app.get(TaskRunnerService).runDue(at, (id) => id === 'core.login-throttle-purge');
    expect(await keys()).toEqual(expect.arrayContaining(['pair:root@example.test|192.0.2.5', 'account:root@example.test', 'ip:192.0.2.5']));
    // While they still count, the counters stay.
    t.clock.advance((LOGIN_LIMITS.windowMinutes - 1) * 60_000);
    await purge(t.clock.now());
    expect(await keys()).toContain('account:root@example.test');
    t.clock.advance((LOGIN_LIMITS.windowMinutes + LOGIN_LIMITS.lockMinutes) * 60_000);
    await purge(t.clock.now());
    expect(await keys()).toEqual([]);
  });
});
