import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { In, Like } from 'typeorm';
import type { Notification, NotificationTemplate } from '../apps/server/src/notifications/notification.types.js';
import { OutboxMessage } from '../apps/server/src/notifications/outbox-message.entity.js';
import { OutboxService } from '../apps/server/src/notifications/outbox.service.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { SLUG } from './booking-helpers.js';
import { TestSmsGateway } from './harness/sms-gateway.js';
import { createTestApp, type TestApp } from './harness/test-app.js';

const REPORT_SECRET = 'report-secret-0123456789';

/** A fixture template: the data is the text. */
const notice: NotificationTemplate<{ text: string }> = { id: 'test/notice', sms: async ({ text }) => text };

function sms(key: string, text: string, to = '+4915123456789'): Notification<{ text: string }> {
  return { key, channel: 'sms', to, locale: 'de', data: { text } };
}

describe('SMS through an HTTP gateway (on loopback)', () => {
  let t: TestApp;
  let gateway: TestSmsGateway;
  let round = 0;
  let queued = 0;

  beforeAll(async () => {
    gateway = new TestSmsGateway();
    const url = await gateway.start();
    t = await createTestApp({
      env: {
        SMS_URL: url,
        SMS_TOKEN: 'gateway-token',
        SMS_SENDER: 'Musterstadt',
        // Short, so that a gateway that never answers ends a send quickly (no sleeps in the test).
        SMS_TIMEOUT_MS: '2000',
        SMS_CONCURRENCY: '2',
        SMS_REPORT_SECRET: REPORT_SECRET,
      },
    });
  });

  afterAll(async () => {
    await t?.close();
    await gateway?.stop();
  });

  beforeEach(() => {
    gateway.mode = 'ok';
    round += 1;
  });

  const outbox = () => t.app.get(OutboxService);
  const deliverSms = () => t.asTenant(SLUG, () => outbox().deliverDue('sms'));
  async function queue(count: number, text = (i: number) => `Ihr Termin ${round}/${i}`): Promise<string[]> {
    const keys = Array.from({ length: count }, () => `test:sms:${String(++queued).padStart(4, '0')}`);
    await t.asTenant(SLUG, () =>
      t.app.get(TenantDataService).transaction(async (tx) => {
        for (const [i, key] of keys.entries()) await outbox().notify(tx, notice, sms(key, text(i)));
      }),
    );
    return keys;
  }
  const rows = (keys: string[]) => t.dataSource.getRepository(OutboxMessage).find({ where: { messageKey: In(keys) }, order: { messageKey: 'ASC' } });

  /** Every message sent, each handed to a phone exactly once, under its own stable reference. */
  async function expectEachSentOnce(keys: string[]): Promise<void> {
    const sent = await rows(keys);
    expect(sent.map((r) => r.status)).toEqual(keys.map(() => 'sent'));
    for (const row of sent) {
      expect(gateway.deliveries.get(row.id)).toBe(1);
      expect(row.providerId).toBe(gateway.accepted.get(row.id));
    }
  }

  it('sends each SMS with the configured auth, sender and a stable reference, and stores the gateway id and segments', async () => {
    const keys = await queue(3, (i) => (i === 2 ? `Grüße: ${'x'.repeat(170)}` : `Termin ${i} ✓`));
    expect(await deliverSms()).toEqual({ sent: 3, failed: 0 });
    const sent = await rows(keys);
    const requests = gateway.requests.filter((r) => sent.some((s) => s.id === r.body.reference));
    expect(requests).toHaveLength(3);
    for (const r of requests) {
      expect(r.auth).toBe('Bearer gateway-token');
      expect(r.body).toEqual({ to: '+4915123456789', from: 'Musterstadt', text: expect.any(String), reference: expect.any(String) });
    }
    // UCS-2 for the check mark (one part), GSM-7 for the long German text (two parts of 153).
    expect(sent.map((r) => r.segments)).toEqual([1, 1, 2]);
    await expectEachSentOnce(keys);
    // Mail is a channel of its own: nothing of this went there.
    expect(sent.every((r) => r.channel === 'sms')).toBe(true);
  });

  it('keeps messages through a 5xx: the drain stops, and all go once the gateway is back', async () => {
    const keys = await queue(5);
    gateway.mode = 'error';
    const failing = await deliverSms();
    // The first failure ends the drain; the rest were not tried and stay due.
    expect(failing.sent).toBe(0);
    expect(failing.failed).toBeGreaterThanOrEqual(1);
    expect(failing.failed).toBeLessThanOrEqual(2);
    const after = await rows(keys);
    expect(after.every((r) => r.status === 'pending')).toBe(true);
    expect(after.filter((r) => r.lastError).every((r) => r.lastError!.includes('503'))).toBe(true);

    gateway.mode = 'ok';
    // The untried ones go at once; the failed ones after their backoff (one minute).
    expect(await deliverSms()).toEqual({ sent: 5 - failing.failed, failed: 0 });
    t.clock.advance(60_000);
    expect(await deliverSms()).toEqual({ sent: failing.failed, failed: 0 });
    await expectEachSentOnce(keys);
  });

  it('retries a send the gateway took but never answered, and the reference keeps the phone from getting it twice', async () => {
    const keys = await queue(1);
    gateway.mode = 'hang';
    expect(await deliverSms()).toEqual({ sent: 0, failed: 1 });
    const [row] = await rows(keys);
    expect(row.status).toBe('pending');
    expect(row.lastError).toContain('timeout');

    gateway.mode = 'ok';
    t.clock.advance(60_000);
    expect(await deliverSms()).toEqual({ sent: 1, failed: 0 });
    // Two requests with the same reference, one message on the phone.
    expect(gateway.requests.filter((r) => r.body.reference === row.id)).toHaveLength(2);
    await expectEachSentOnce(keys);
  });

  it('waits as long as a 429 asks (Retry-After) before trying again', async () => {
    const keys = await queue(1);
    gateway.mode = 'throttle';
    gateway.retryAfterSeconds = 180;
    expect(await deliverSms()).toEqual({ sent: 0, failed: 1 });
    gateway.mode = 'ok';
    // The usual backoff (one minute) is not enough: the gateway asked for three.
    t.clock.advance(61_000);
    expect(await deliverSms()).toEqual({ sent: 0, failed: 0 });
    t.clock.advance(120_000);
    expect(await deliverSms()).toEqual({ sent: 1, failed: 0 });
    await expectEachSentOnce(keys);
  });

  it('gives up at once on a message the gateway refuses as such (4xx), without holding up the others', async () => {
    const refused = await queue(1, () => 'refuse me');
    const good = await queue(2, (i) => `fine ${i}`);
    // The gateway refuses one message as malformed; the others go on.
    gateway.refuseText = 'refuse me';
    try {
      expect(await deliverSms()).toEqual({ sent: 2, failed: 1 });
    } finally {
      gateway.refuseText = null;
    }
    const [row] = await rows(refused);
    expect(row.status).toBe('failed');
    await expectEachSentOnce(good);
  });

  describe('delivery reports', () => {
    const sign = (body: string) => createHmac('sha256', REPORT_SECRET).update(body).digest('hex');
    const post = (body: string, signature?: string) => {
      const req = t.http.post('/api/v1/sms/delivery-reports').set('content-type', 'application/json');
      return (signature ? req.set('x-signature', signature) : req).send(body);
    };

    it('records the status of a signed report by the gateway id or by our reference', async () => {
      const keys = await queue(2);
      await deliverSms();
      const [a, b] = await rows(keys);
      const byId = JSON.stringify({ id: a.providerId, status: 'DELIVERED' });
      await post(byId, sign(byId)).expect(204);
      const byReference = JSON.stringify([{ reference: b.id, status: 'NOT_DELIVERED' }]);
      await post(byReference, `sha256=${sign(byReference)}`).expect(204);
      const [a2, b2] = await rows(keys);
      expect([a2.deliveryStatus, b2.deliveryStatus]).toEqual(['DELIVERED', 'NOT_DELIVERED']);
      expect(a2.deliveryReportedAt).toBeTruthy();
    });

    it('accepts the secret in the path for gateways that cannot sign', async () => {
      const keys = await queue(1);
      await deliverSms();
      const [row] = await rows(keys);
      await t.http.post(`/api/v1/sms/delivery-reports/${REPORT_SECRET}`).send({ id: row.providerId, status: 'DELIVERED' }).expect(204);
      expect((await rows(keys))[0].deliveryStatus).toBe('DELIVERED');
      await t.http.post('/api/v1/sms/delivery-reports/not-the-secret-at-all').send({ id: row.providerId, status: 'FAILED' }).expect(401);
      expect((await rows(keys))[0].deliveryStatus).toBe('DELIVERED');
    });

    it('refuses unsigned or wrongly signed reports (401), reports without a status (400) and unknown messages (404), writing nothing', async () => {
      const keys = await queue(1);
      await deliverSms();
      const [row] = await rows(keys);
      const body = JSON.stringify({ id: row.providerId, status: 'DELIVERED' });
      await post(body).expect(401);
      await post(body, sign(body.replace('DELIVERED', 'FAILED'))).expect(401);
      const noStatus = JSON.stringify({ id: row.providerId });
      const invalid = await post(noStatus, sign(noStatus)).expect(400);
      expect(invalid.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Each delivery report needs a status.', code: 'SMS_REPORT_INVALID' });
      // One unknown message refuses the whole batch.
      const mixed = JSON.stringify([
        { id: row.providerId, status: 'DELIVERED' },
        { id: 'gw-unknown', status: 'DELIVERED' },
      ]);
      const res = await post(mixed, sign(mixed)).expect(404);
      expect(JSON.stringify(res.body)).not.toContain('gw-unknown');
      expect((await rows(keys))[0].deliveryStatus).toBeNull();
      expect(await t.dataSource.getRepository(OutboxMessage).countBy({ messageKey: Like('test:sms:%'), deliveryStatus: 'FAILED' })).toBe(0);
    });
  });
});
