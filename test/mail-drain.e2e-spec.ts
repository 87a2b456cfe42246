import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Like } from 'typeorm';
import { TestClock } from '../apps/server/src/common/clock.js';
import type { Notification, NotificationTemplate } from '../apps/server/src/notifications/notification.types.js';
import { OutboxMessage } from '../apps/server/src/notifications/outbox-message.entity.js';
import { OutboxService } from '../apps/server/src/notifications/outbox.service.js';
import { TaskRunnerService } from '../apps/server/src/tasks/task-runner.service.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { deliverMail, SLUG } from './booking-helpers.js';
import { TestSmtpServer, type ReceivedMail } from './harness/smtp-server.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { createTestDatabase, type TestDatabase } from './harness/test-database.js';

/** A fixture template: the subject is the data, with a small attachment. */
const backlogMail: NotificationTemplate<{ subject: string }> = {
  id: 'test/backlog',
  email: async ({ subject }) => ({
    subject,
    html: `<p>${subject}</p>`,
    text: subject,
    attachments: [{ filename: 'hinweis.txt', contentType: 'text/plain', content: Buffer.from(`Anhang ${subject}`).toString('base64') }],
  }),
};

function mail(key: string, to: string, subject: string): Notification<{ subject: string }> {
  return { key, channel: 'email', to, locale: 'de', data: { subject } };
}

/** `count` due mails for the tenant, as the booking would have written them, to `<prefix><i>@example.org`. */
async function backlog(t: TestApp, prefix: string, count: number, slug = SLUG): Promise<void> {
  await t.asTenant(slug, async () => {
    const data = t.app.get(TenantDataService);
    const outbox = t.app.get(OutboxService);
    for (let i = 0; i < count; i += 100) {
      await data.transaction(async (tx) => {
        for (let j = i; j < Math.min(count, i + 100); j++)
          await outbox.notify(tx, backlogMail, mail(`test:${prefix}:${j}`, `${prefix}${j}@example.org`, `Backlog ${prefix} ${j}`));
      });
    }
  });
}

const rowId = (m: ReceivedMail) => m.messageId.replace(/^<|@amtszeit>$/g, '');

/** The mails of a backlog that reached the SMTP server: every one exactly once. */
function expectEachOnce(smtp: TestSmtpServer, prefix: string, count: number): void {
  const received = smtp.messages.filter((m) => m.to[0].startsWith(prefix));
  expect(received).toHaveLength(count);
  expect(new Set(received.map((m) => m.messageId)).size).toBe(count);
  expect(new Set(received.map((m) => m.to[0])).size).toBe(count);
}

async function statusCounts(t: TestApp, prefix: string): Promise<Record<string, number>> {
  const rows: Array<{ status: string; n: number | string }> = await t.dataSource.query(
    `SELECT status, COUNT(*) AS n FROM outbox_message WHERE messageKey LIKE ? GROUP BY status`,
    [`test:${prefix}:%`],
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

describe('the outbox drain over real SMTP', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = new TestSmtpServer();
    await smtp.start();
    t = await createTestApp({ env: { SMTP_URL: smtp.url } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });
  afterEach(() => {
    smtp.down = false;
    smtp.onMessage = null;
    smtp.rejecting.clear();
  });

  it('one delivery run sends a whole backlog of 300 due mails, each once', async () => {
    await backlog(t, 'backlog', 300);
    expect(await deliverMail(t)).toEqual({ sent: 300, failed: 0 });
    expectEachOnce(smtp, 'backlog', 300);
    expect(await statusCounts(t, 'backlog')).toEqual({ sent: 300 });
    expect(await deliverMail(t)).toEqual({ sent: 0, failed: 0 });
  });

  it('the minute task starts the drain, which goes on until nothing is due', async () => {
    await backlog(t, 'task', 180);
    const outcomes = await t.app.get(TaskRunnerService).runDue(t.clock.now(), (id) => id === 'core.outbox');
    expect(outcomes.find((o) => o.tenant === SLUG)?.result).toBe('ran');
    await t.app.get(OutboxService).idle();
    expectEachOnce(smtp, 'task', 180);
    expect(await statusCounts(t, 'task')).toEqual({ sent: 180 });
  });

  it('a server refusing everything ends the round after the first failures; the mails not tried keep their attempts', async () => {
    await backlog(t, 'outage', 100);
    smtp.down = true;
    const report = await deliverMail(t);
    expect(report.sent).toBe(0);
    // Only the sends already under way when the first refusal came back (one per connection).
    expect(report.failed).toBeGreaterThanOrEqual(1);
    expect(report.failed).toBeLessThanOrEqual(5);
    const rows = await t.dataSource.getRepository(OutboxMessage).find({ where: { messageKey: Like('test:outage:%') } });
    const tried = rows.filter((r) => r.attempts === 1);
    expect(tried).toHaveLength(report.failed);
    for (const r of tried) {
      expect(r.status).toBe('pending');
      expect(r.nextAttemptAt.getTime()).toBe(t.clock.now().getTime() + 60_000);
      expect(r.lastError).toBeTruthy();
    }
    expect(rows.filter((r) => r.attempts === 0 && r.status === 'pending' && r.claimedBy === null)).toHaveLength(100 - report.failed);

    smtp.down = false;
    t.clock.advance(61_000);
    expect(await deliverMail(t)).toEqual({ sent: 100, failed: 0 });
    expectEachOnce(smtp, 'outage', 100);
  });

  it('a recipient the server refuses delays only that mail', async () => {
    smtp.rejecting.add('refused7@example.org');
    await backlog(t, 'refused', 30);
    expect(await deliverMail(t)).toEqual({ sent: 29, failed: 1 });
    expectEachOnce(smtp, 'refused', 29);
    const row = await t.dataSource.getRepository(OutboxMessage).findOneByOrFail({ messageKey: 'test:refused:7' });
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.lastError).toContain('550');
    // Once the mailbox takes mail again, the retry after the backoff delivers it.
    smtp.rejecting.clear();
    expect(await deliverMail(t)).toEqual({ sent: 0, failed: 0 });
    t.clock.advance(60_000);
    expect(await deliverMail(t)).toEqual({ sent: 1, failed: 0 });
    expectEachOnce(smtp, 'refused', 30);
  });

  it('a drain longer than the lease sends every mail while its claim still holds', async () => {
    // Each accepted mail moves the clock by 5 s: 120 mails take 10 minutes, five times the lease.
    const leases: Array<{ status: string; live: boolean }> = [];
    smtp.onMessage = async (m) => {
      const row = await t.dataSource.getRepository(OutboxMessage).findOneByOrFail({ id: rowId(m) });
      leases.push({ status: row.status, live: row.leaseUntil !== null && row.leaseUntil > t.clock.now() });
      t.clock.advance(5_000);
    };
    await backlog(t, 'long', 120);
    expect(await deliverMail(t)).toEqual({ sent: 120, failed: 0 });
    expectEachOnce(smtp, 'long', 120);
    expect(leases).toHaveLength(120);
    expect(leases.filter((l) => l.status !== 'sending' || !l.live)).toEqual([]);
    expect(await statusCounts(t, 'long')).toEqual({ sent: 120 });
  });

  it('delivers installation mail (to super-admins, outside every tenant) through its own task, once', async () => {
    const outbox = t.app.get(OutboxService);
    const notice = mail('login-lock:admin@musterstadt.amtszeit.local:1', 'root@amtszeit.example', 'Anmeldung gesperrt: admin@musterstadt.amtszeit.local');
    expect(await outbox.notifyInstallation(backlogMail, notice)).toBe(true);
    // The same decision taken again (another instance, a retry) records nothing more.
    expect(await outbox.notifyInstallation(backlogMail, notice)).toBe(false);

    // No tenant sees the row or sends it.
    for (const slug of [SLUG, 'beispielheim']) {
      expect(await deliverMail(t, slug)).toEqual({ sent: 0, failed: 0 });
      expect(
        await t.asTenant(slug, () =>
          t.app
            .get(TenantDataService)
            .repo(OutboxMessage)
            .count({ where: { messageKey: 'login-lock:admin@musterstadt.amtszeit.local:1' } }),
        ),
      ).toBe(0);
    }
    expect(smtp.to('root@amtszeit.example')).toHaveLength(0);

    const runner = t.app.get(TaskRunnerService);
    const outcomes = await runner.runDue(t.clock.now(), (id) => id === 'core.outbox-installation');
    expect(outcomes).toEqual([expect.objectContaining({ tenant: null, result: 'ran' })]);
    await outbox.idle();
    const [received] = smtp.to('root@amtszeit.example');
    expect(smtp.to('root@amtszeit.example')).toHaveLength(1);
    expect(received.subject).toBe('Anmeldung gesperrt: admin@musterstadt.amtszeit.local');

    t.clock.advance(60_000);
    await runner.runDue(t.clock.now(), (id) => id === 'core.outbox-installation');
    await outbox.idle();
    expect(smtp.to('root@amtszeit.example')).toHaveLength(1);

    // It names an administrator: deleted seven days after it was sent, not earlier.
    const kept = () => t.dataSource.getRepository(OutboxMessage).countBy({ messageKey: 'login-lock:admin@musterstadt.amtszeit.local:1' });
    const purge = (at: string) => runner.runDue(new Date(at), (id) => id === 'core.outbox-installation-purge');
    await purge('2026-11-30T03:00:00Z');
    expect(await kept()).toBe(1);
    await purge('2026-12-01T03:00:00Z');
    expect(await kept()).toBe(0);
  });
});

describe('two instances draining one backlog', () => {
  let db: TestDatabase;
  let one: TestApp;
  let two: TestApp;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = new TestSmtpServer();
    await smtp.start();
    db = await createTestDatabase();
    const clock = new TestClock(new Date('2026-11-23T07:00:00Z'));
    one = await createTestApp({ database: db, clock, env: { SMTP_URL: smtp.url } });
    two = await createTestApp({ database: db, clock, env: { SMTP_URL: smtp.url } });
  });
  afterAll(async () => {
    await one.close();
    await two.close();
    await db.drop();
    await smtp.stop();
  });

  it('sends each mail exactly once while both drain at the same time', async () => {
    await backlog(one, 'shared', 400);
    const reports = await Promise.all([deliverMail(one), deliverMail(two), deliverMail(one), deliverMail(two)]);
    // A second call in the same process joins that process's drain.
    expect(reports[2]).toBe(reports[0]);
    expect(reports[3]).toBe(reports[1]);
    expect(reports[0].sent + reports[1].sent).toBe(400);
    expect(reports[0].failed + reports[1].failed).toBe(0);
    expectEachOnce(smtp, 'shared', 400);
    expect(await statusCounts(one, 'shared')).toEqual({ sent: 400 });
  });
});
