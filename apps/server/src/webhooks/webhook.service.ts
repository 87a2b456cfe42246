import { createHmac } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { LessThan } from 'typeorm';
import { Clock } from '../common/clock.js';
import { ENV, type Env } from '../config/env.config.js';
import { EventSubscriberRegistry } from '../events/event-subscriber.registry.js';
import type { PublishedEvent } from '../events/event.types.js';
import { TenantContext } from '../tenancy/tenant-context.js';
import { TenantDataService } from '../tenancy/tenant-data.service.js';
import { checkWebhookTarget, type CheckedTarget } from './ssrf-guard.js';
import { WebhookAttempt } from './webhook-attempt.entity.js';
import { WebhookEndpoint, wantsEvent } from './webhook-endpoint.entity.js';

/** A receiver that does not answer within this is treated as failed (and retried). */
const TIMEOUT_MS = 10_000;
/** The delivery log is kept this long. */
const ATTEMPT_RETENTION_DAYS = 30;

/** The signature header's value: `v1=` and the hex HMAC-SHA256 of `<timestamp>.<body>` with the endpoint's secret. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Outgoing webhooks: each active endpoint of a tenant that wants an event type gets its own
 * delivery row when such an event is published, so retries with backoff, leases and the failed
 * state are the event bus's. A send checks the target again (SSRF) and connects to the address it
 * checked; every try is logged for the tenant's administrators.
 */
@Injectable()
export class WebhookService {
  constructor(
    private readonly data: TenantDataService,
    private readonly clock: Clock,
    @Inject(ENV) private readonly env: Env,
    registry: EventSubscriberRegistry,
  ) {
    registry.registerSource({ prefix: 'webhook', targets: (type) => this.targets(type), deliver: (id, event) => this.deliver(id, event) });
  }

  /** The delivery log is kept for ATTEMPT_RETENTION_DAYS. */
  async purgeLog(now: Date): Promise<void> {
    const cutoff = new Date(now.getTime() - ATTEMPT_RETENTION_DAYS * 86_400_000);
    await this.data.transaction((tx) => tx.repo(WebhookAttempt).delete({ attemptedAt: LessThan(cutoff) }));
  }

  /** The check the panel runs when an endpoint is saved, and every send runs again. */
  checkTarget(url: string): Promise<CheckedTarget> {
    return checkWebhookTarget(url, this.env.WEBHOOK_ALLOW_PRIVATE);
  }

  /** Asked by every publish, so from the config cache (an endpoint saved in the panel raises its version). */
  private async targets(type: string): Promise<string[]> {
    const endpoints = await this.data.cached('webhook-endpoints', (r) =>
      r.repo(WebhookEndpoint).find({ select: { id: true, events: true }, where: { active: true } }),
    );
    return endpoints.filter((e) => wantsEvent(e.events, type)).map((e) => e.id);
  }

  /** Sends one event to one endpoint; throws (and the bus retries) unless the receiver answers 2xx. */
  private async deliver(endpointId: string, event: PublishedEvent): Promise<void> {
    const endpoint = await this.data.repo(WebhookEndpoint).findById(endpointId);
    // Deleted or switched off since: nothing to send.
    if (!endpoint || !endpoint.active) return;
    const timestamp = String(Math.floor(this.clock.now().getTime() / 1000));
    const body = JSON.stringify({ id: event.id, type: event.type, occurredAt: event.occurredAt, tenant: TenantContext.current().slug, data: event.payload });
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Amtszeit-Webhooks/1',
      'amtszeit-event-id': event.id,
      'amtszeit-event-type': event.type,
      'amtszeit-timestamp': timestamp,
      'amtszeit-signature': webhookSignature(endpoint.secret, timestamp, body),
    };
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const target = await this.checkTarget(endpoint.url);
      status = await post(target, headers, body);
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (err) {
      error = String((err as Error)?.message ?? err).slice(0, 500);
    }
    await this.data.repo(WebhookAttempt).insert([
      this.data.repo(WebhookAttempt).create({
        endpointId,
        eventId: event.id,
        eventType: event.type,
        attemptedAt: this.clock.now(),
        httpStatus: status,
        error,
        durationMs: Date.now() - started,
      }),
    ]);
    if (error) throw new Error(`Webhook ${endpointId}: ${error}`);
  }
}

/** POSTs to the checked address (the URL's host still names the site for Host, SNI and the certificate). */
function post(target: CheckedTarget, headers: Record<string, string>, body: string): Promise<number> {
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all)
      (callback as (err: null, list: Array<{ address: string; family: number }>) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const request = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      target.url,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup: pinned, timeout: TIMEOUT_MS },
      (res: IncomingMessage) => {
        // The answer's body is not needed; drain it so the socket is released.
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}
