import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import bcrypt from 'bcryptjs';
import { AdminBootstrapService } from '../apps/server/src/auth/admin-bootstrap.service.js';
import { AdminUser } from '../apps/server/src/auth/admin-user.entity.js';
import { adminCreate } from '../apps/server/src/cli/admin-create.js';
import { loginAgent, createAdminTestApp, TEST_PASSWORD, TEST_SESSION_SECRET } from './harness/admin-session.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { createTestDatabase, type TestDatabase } from './harness/test-database.js';

describe('admin accounts: first start and the admin:create command', () => {
  let database: TestDatabase;
  let t: TestApp;
  beforeAll(async () => {
    database = await createTestDatabase();
    t = await createAdminTestApp({ database });
  });
  afterAll(async () => {
    await t.close();
    await database.drop();
  });

  it('creates a super-admin and one tenant-admin per tenant with generated passwords, once', async () => {
    const boot = t.app.get(AdminBootstrapService);
    const created = await boot.ensureInitialAccounts({});
    expect(created.map((a) => [a.role, a.tenant, a.email])).toEqual([
      ['super-admin', null, 'admin@amtszeit.local'],
      ['tenant-admin', 'beispielheim', 'admin@beispielheim.amtszeit.local'],
      ['tenant-admin', 'musterstadt', 'admin@musterstadt.amtszeit.local'],
    ]);
    const passwords = created.map((a) => a.password as string);
    expect(new Set(passwords).size).toBe(3);
    for (const p of passwords) expect(p.length).toBeGreaterThanOrEqual(20);
    const rows = await t.dataSource.getRepository(AdminUser).find();
    for (const row of rows) expect(row.passwordHash).toMatch(/^\$2[aby]\$12\$/);
    // The printed password works; a second start creates nothing.
    await loginAgent(t, 'admin@musterstadt.amtszeit.local', passwords[2]);
    expect(await boot.ensureInitialAccounts({})).toEqual([]);
    expect(await t.dataSource.getRepository(AdminUser).count()).toBe(3);
  });

  it('a first start outside tests creates the accounts beside the start, and a stop right after it waits for them', async () => {
    const fresh = await createTestDatabase();
    try {
      const started = await createTestApp({ database: fresh, env: { NODE_ENV: 'development', SESSION_SECRET: TEST_SESSION_SECRET } });
      await started.close();
      const again = await createTestApp({ database: fresh });
      const rows = (await again.dataSource.getRepository(AdminUser).find()).map((u) => u.email);
      await again.close();
      expect(rows.sort()).toEqual(['admin@amtszeit.local', 'admin@beispielheim.amtszeit.local', 'admin@musterstadt.amtszeit.local']);
    } finally {
      await fresh.drop();
    }
  });

  it('admin:create adds accounts to the configured database and explains refusals', async () => {
    const env = { DATABASE_URL: database.url, NODE_ENV: 'test' };
    const run = (...args: string[]) => adminCreate(args, env);
    await expect(run('--email', 'kim@musterstadt.test', '--password', TEST_PASSWORD, '--role', 'staff', '--tenant', 'atlantis')).rejects.toThrow(
      "unknown tenant 'atlantis' (known: beispielheim, musterstadt)",
    );
    await expect(run('--email', 'kim@musterstadt.test', '--password', 'kurz', '--role', 'staff', '--tenant', 'musterstadt')).rejects.toThrow(
      'the password must be at least 12 characters long',
    );
    await expect(run('--email', 'admin@amtszeit.local', '--password', TEST_PASSWORD, '--role', 'super-admin')).rejects.toThrow(
      'an account with the email admin@amtszeit.local already exists',
    );
    await expect(run('--email', 'kim@musterstadt.test', '--password', TEST_PASSWORD, '--role', 'staff')).rejects.toThrow('a staff needs a tenant');
    await expect(run('--email', 'kim@musterstadt.test', '--password', TEST_PASSWORD, '--role', 'boss', '--tenant', 'musterstadt')).rejects.toThrow(
      "unknown role 'boss'",
    );
    await expect(run('--email', 'kim@musterstadt.test')).rejects.toThrow('missing --password, --role');

    expect(await run('--email', 'Kim@Musterstadt.test', '--password', TEST_PASSWORD, '--role', 'tenant-admin', '--tenant', 'musterstadt')).toBe(
      'Created tenant-admin kim@musterstadt.test for tenant musterstadt.',
    );
    const kim = await t.dataSource.getRepository(AdminUser).findOneByOrFail({ email: 'kim@musterstadt.test' });
    expect(kim.tenantId).toBe((await t.tenant('musterstadt')).id);
    expect(await bcrypt.compare(TEST_PASSWORD, kim.passwordHash)).toBe(true);
    await loginAgent(t, 'kim@musterstadt.test');
  });
});
