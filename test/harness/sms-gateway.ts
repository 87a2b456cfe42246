import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type GatewayMode = 'ok' | 'error' | 'hang' | 'throttle';

export interface GatewayRequest {
  auth: string | undefined;
  body: Record<string, unknown>;
}

/**
 * An SMS gateway on loopback for tests (the one external service we stand in for). It answers
 * `{"id": "gw-<n>"}` in mode `ok`, 503 in `error`, never in `hang` (it takes the message but the
 * client's timeout ends the request before an answer), and 429 with Retry-After in `throttle`. Like real gateways it deduplicates by the
 * client reference: a reference accepted before gets its first id again and is not sent twice.
 */
export class TestSmsGateway {
  mode: GatewayMode = 'ok';
  retryAfterSeconds = 120;
  /** Texts containing this are refused as malformed (400), whatever the mode. */
  refuseText: string | null = null;
  readonly requests: GatewayRequest[] = [];
  /** reference → gateway id, for every message the gateway accepted (and so sent to a phone). */
  readonly accepted = new Map<string, string>();
  /** How often each reference was handed to a phone: must be 1 for every accepted one. */
  readonly deliveries = new Map<string, number>();
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/sms`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** The texts the phones received, by reference. */
  texts(): Map<string, string> {
    const out = new Map<string, string>();
    for (const r of this.requests) if (this.accepted.has(String(r.body.reference))) out.set(String(r.body.reference), String(r.body.text));
    return out;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw) as Record<string, unknown>;
    this.requests.push({ auth: req.headers.authorization, body });
    if (this.refuseText && String(body.text).includes(this.refuseText)) {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid text"}');
      return;
    }
    if (this.mode === 'error') {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"maintenance"}');
      return;
    }
    if (this.mode === 'throttle') {
      res.writeHead(429, { 'retry-after': String(this.retryAfterSeconds) }).end();
      return;
    }
    const reference = String(body.reference);
    let id = this.accepted.get(reference);
    if (!id) {
      id = `gw-${this.accepted.size + 1}`;
      this.accepted.set(reference, id);
      this.deliveries.set(reference, (this.deliveries.get(reference) ?? 0) + 1);
    }
    // The worst case of a timeout: the gateway took the message and the answer never came.
    if (this.mode === 'hang') return;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id, status: 'queued' }));
  }
}
