import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type TestAgent from 'supertest/lib/agent.js';
import { EventBusService } from '../apps/server/src/events/event-bus.service.js';
import { EventDelivery } from '../apps/server/src/events/event-delivery.entity.js';
import { EventDeliveryService } from '../apps/server/src/events/event-delivery.service.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { checkWebhookTarget, isBlockedAddress } from '../apps/server/src/webhooks/ssrf-guard.js';
import { WebhookAttempt } from '../apps/server/src/webhooks/webhook-attempt.entity.js';
import { WebhookEndpoint } from '../apps/server/src/webhooks/webhook-endpoint.entity.js';
import { createAccount, createAdminTestApp, loginAgent } from './harness/admin-session.js';
import type { TestApp } from './harness/test-app.js';
import '../plugins/booking/booking.events.js';

const SECRET = 'whsec-test-0123456789abcdefghijkl';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on loopback that answers with the queued status codes, then 200. */
class Receiver {
  readonly received: Received[] = [];
  statuses: number[] = [];
  private server!: Server;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body });
        res.statusCode = this.statuses.shift() ?? 200;
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }
  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const errorsOf = (res: { body: any }) =>
  Object.fromEntries(Object.entries(res.body.record?.errors ?? {}).map(([k, v]) => [k, (v as { message: string }).message]));

function newEndpoint(admin: TestAgent, fields: Record<string, string>) {
  return admin
    .post('/admin/api/resources/WebhookEndpoint/actions/new')
    .type('form')
    .send({ events: '*', active: 'true', signingSecret: SECRET, ...fields });
}

describe('webhooks', () => {
  const receiver = new Receiver();
  let t: TestApp;
  let strict: TestApp;
  let adminA: TestAgent;
  let adminB: TestAgent;

  const publishCancelled = (app: TestApp, slug = 'musterstadt') =>
    app.asTenant(slug, () =>
      app.app.get(TenantDataService).transaction((tx) =>
        app.app.get(EventBusService).publish(tx, 'booking.cancelled', {
          bookingId: '00000000-0000-4000-8000-000000000001',
          channel: 'online',
          locationId: '00000000-0000-4000-8000-000000000002',
          serviceIds: [],
          start: '2026-11-25T08:00:00.000Z',
          end: '2026-11-25T08:15:00.000Z',
          previousStatus: 'confirmed',
        }),
      ),
    );
  const deliver = (app: TestApp, slug = 'musterstadt') => app.asTenant(slug, () => app.app.get(EventDeliveryService).deliverDue());

  beforeAll(async () => {
    await receiver.start();
    // The operator allows private targets here, so the loopback receiver can be reached.
    t = await createAdminTestApp({ env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
    strict = await createAdminTestApp();
    await createAccount(t, 'tenant-admin', 'admin-a@musterstadt.example', 'musterstadt');
    await createAccount(t, 'tenant-admin', 'admin-b@beispielheim.example', 'beispielheim');
    await createAccount(strict, 'tenant-admin', 'admin-a@musterstadt.example', 'musterstadt');
    adminA = await loginAgent(t, 'admin-a@musterstadt.example');
    adminB = await loginAgent(t, 'admin-b@beispielheim.example');
  });
  afterAll(async () => {
    await t.close();
    await strict.close();
    await receiver.stop();
  });

  it('delivers an event as signed JSON, and retries with backoff after a 500', async () => {
    const created = await newEndpoint(adminA, { url: receiver.url, events: 'booking.cancelled, booking.created', description: 'Statistik' });
    expect(created.body.notice.type).toBe('success');
    // The secret is taken, stored, and never sent back to the panel.
    expect(JSON.stringify(created.body)).not.toContain(SECRET);
    const endpoint = await t.dataSource.getRepository(WebhookEndpoint).findOneByOrFail({ description: 'Statistik' });
    expect(endpoint.secret).toBe(SECRET);
    const shown = await adminA.get(`/admin/api/resources/WebhookEndpoint/records/${endpoint.id}/show`).expect(200);
    expect(JSON.stringify(shown.body)).not.toContain(SECRET);

    receiver.statuses = [500];
    const eventId = await publishCancelled(t);
    expect(await deliver(t)).toMatchObject({ failed: 1 });
    const delivery = await t.dataSource.getRepository(EventDelivery).findOneByOrFail({ eventId, subscriber: `webhook:${endpoint.id}` });
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1 });
    expect(delivery.lastError).toContain('HTTP 500');
    t.clock.advance(60_000);
    expect(await deliver(t)).toMatchObject({ delivered: 1, failed: 0 });
    expect(receiver.received).toHaveLength(2);

    const { headers, body } = receiver.received[1];
    expect(headers['content-type']).toBe('application/json');
    expect(headers['amtszeit-event-id']).toBe(eventId);
    expect(headers['amtszeit-event-type']).toBe('booking.cancelled');
    const timestamp = String(headers['amtszeit-timestamp']);
    expect(Number(timestamp)).toBe(Math.floor(t.clock.now().getTime() / 1000));
    // What docs/webhooks.md tells receivers to do.
    const expected = `v1=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`;
    expect(headers['amtszeit-signature']).toBe(expected);
    expect(JSON.parse(body)).toMatchObject({ id: eventId, type: 'booking.cancelled', tenant: 'musterstadt', data: { previousStatus: 'confirmed' } });
    // A tampered body does not verify.
    expect(
      createHmac('sha256', SECRET)
        .update(`${timestamp}.${body.replace('confirmed', 'pending')}`)
        .digest('hex'),
    ).not.toBe(expected.slice(3));

    const log = await t.dataSource.getRepository(WebhookAttempt).find({ where: { eventId }, order: { attemptedAt: 'ASC' } });
    expect(log.map((a) => a.httpStatus)).toEqual([500, 200]);
    expect(log[0].error).toBe('HTTP 500');
    expect(log.every((a) => a.durationMs >= 0 && a.endpointId === endpoint.id)).toBe(true);
    // The log is in the panel for the tenant's admins.
    const list = await adminA.get('/admin/api/resources/WebhookAttempt/actions/list').expect(200);
    expect(list.body.records.map((r: { params: { eventId: string } }) => r.params.eventId)).toContain(eventId);
  });

  it('keeps endpoints and delivery logs of one tenant away from another tenant’s admins', async () => {
    const endpoint = await t.dataSource.getRepository(WebhookEndpoint).findOneByOrFail({ description: 'Statistik' });
    const attempt = await t.dataSource.getRepository(WebhookAttempt).findOneByOrFail({ endpointId: endpoint.id });
    const lists = await Promise.all([
      adminB.get('/admin/api/resources/WebhookEndpoint/actions/list'),
      adminB.get('/admin/api/resources/WebhookAttempt/actions/list'),
    ]);
    for (const res of lists) {
      expect(res.status).toBe(200);
      expect(res.body.records).toEqual([]);
    }
    for (const url of [`/admin/api/resources/WebhookEndpoint/records/${endpoint.id}/show`, `/admin/api/resources/WebhookAttempt/records/${attempt.id}/show`]) {
      const res = await adminB.get(url);
      expect(JSON.stringify(res.body)).not.toContain(receiver.url);
      expect(JSON.stringify(res.body)).not.toContain(attempt.eventId);
    }
    // B's events never reach A's endpoint.
    const before = receiver.received.length;
    const bEvent = await publishCancelled(t, 'beispielheim');
    // Beispielheim's own plugin subscribers (the queue) may take it; no webhook delivery exists for it.
    expect((await deliver(t, 'beispielheim')).failed).toBe(0);
    const bDeliveries = await t.dataSource.getRepository(EventDelivery).findBy({ eventId: bEvent });
    expect(bDeliveries.filter((d) => d.subscriber.startsWith('webhook:'))).toEqual([]);
    expect(receiver.received).toHaveLength(before);
    // The log cannot be written from the panel.
    await adminA
      .post('/admin/api/resources/WebhookAttempt/actions/new')
      .type('form')
      .send({ endpointId: endpoint.id, eventId: 'forged', eventType: 'x', httpStatus: '200', durationMs: '1' });
    await adminA.post(`/admin/api/resources/WebhookAttempt/records/${attempt.id}/delete`);
    expect(await t.dataSource.getRepository(WebhookAttempt).countBy({ eventId: 'forged' })).toBe(0);
    expect(await t.dataSource.getRepository(WebhookAttempt).countBy({ id: attempt.id })).toBe(1);
  });

  it('refuses internal targets when saved and when sent, unless the operator allows them', async () => {
    const admin = await loginAgent(strict, 'admin-a@musterstadt.example');
    for (const url of [
      receiver.url,
      'http://localhost:8080/x',
      'http://10.1.2.3/x',
      'http://[::1]/x',
      'http://169.254.169.254/latest',
      'http://100.64.0.1/',
      'http://0.0.0.0/',
      'http://[fd00::1]/',
      'http://[::ffff:127.0.0.1]/',
      'ftp://example.org/x',
    ]) {
      const res = await newEndpoint(admin, { url });
      expect({ url, errors: errorsOf(res) }).toEqual({ url, errors: { url: expect.any(String) } });
    }
    expect(await strict.dataSource.getRepository(WebhookEndpoint).count()).toBe(0);
    expect(errorsOf(await newEndpoint(admin, { url: 'http://localhost/x' })).url).toMatch(/internal|loopback/);
    expect(errorsOf(await newEndpoint(admin, { url: 'https://example.org/hook', signingSecret: 'short' })).signingSecret).toBeDefined();
    expect(errorsOf(await newEndpoint(admin, { url: 'https://example.org/hook', events: 'booking.created;drop' })).events).toBeDefined();

    // A row that got in another way (or a name that now resolves inside) is refused again at send time.
    const tenant = await strict.tenant('musterstadt');
    await strict.dataSource.getRepository(WebhookEndpoint).insert({
      id: '00000000-0000-4000-8000-0000000000aa',
      tenantId: tenant.id,
      url: receiver.url,
      events: '*',
      secret: SECRET,
      active: true,
      description: null,
    });
    const before = receiver.received.length;
    const eventId = await publishCancelled(strict);
    expect(await deliver(strict)).toMatchObject({ failed: 1 });
    expect(receiver.received).toHaveLength(before);
    const [attempt] = await strict.dataSource.getRepository(WebhookAttempt).findBy({ eventId });
    expect(attempt).toMatchObject({ httpStatus: null });
    expect(attempt.error).toMatch(/loopback, private/);

    // The operator's flag lets the same target through (the first app runs with it).
    await expect(checkWebhookTarget(receiver.url, true)).resolves.toMatchObject({ address: '127.0.0.1' });
    await expect(checkWebhookTarget(receiver.url, false)).rejects.toThrow(/loopback/);
    expect(['8.8.8.8', '2a00:1450::1', '100.128.0.1'].map(isBlockedAddress)).toEqual([false, false, false]);
    expect(['127.0.0.1', '192.168.1.1', '172.31.0.1', 'fe80::1', '::', '::ffff:10.0.0.1'].map(isBlockedAddress)).toEqual([true, true, true, true, true, true]);
  });
});
