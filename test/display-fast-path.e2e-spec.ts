import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { DeviceService } from '../apps/server/src/devices/device.service.js';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { displayManifest } from '../plugins/display/display.manifest.js';
import { demoIds, SLUG, type DemoIds } from './booking-helpers.js';
import { pairedDevice } from './devices-helpers.js';
import { displayState } from './display-helpers.js';
import { createTestApp, type TestApp } from './harness/test-app.js';

const OTHER = 'beispielheim';
/** Headers of the transport, not of the answer. */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

/** The answer's headers, without the transport's, the CSP nonce masked (fresh per answer). */
function headersOf(res: Response): Record<string, string> {
  return Object.fromEntries(
    Object.entries(res.headers as Record<string, string>)
      .filter(([name]) => !TRANSPORT.has(name))
      .map(([name, value]) => [name, name === 'content-security-policy' ? value.replace(/'nonce-[^']+'/, "'nonce-…'") : value]),
  );
}

/**
 * The display poll is a fast route in front of the middleware and Nest's router. It must answer as
 * the pipeline does: the same statuses, bodies and headers (security headers as on every other API
 * answer, no CORS), in the same order of checks (town, plugin, device).
 */
describe('display poll fast route', () => {
  let t: TestApp;
  let ids: DemoIds;
  let display: { deviceId: string; token: string };
  /** The security headers of an answer of Nest's pipeline (a JSON 404 of the router). */
  let security: Record<string, string>;

  const poll = (slug: string, headers: Record<string, string> = {}) => t.http.get(displayState(slug)).set(headers);

  beforeAll(async () => {
    t = await createTestApp();
    ids = await demoIds(t);
    display = await pairedDevice(t, SLUG, { kind: 'display', locationId: ids.rathaus });
    const routed = await t.http.get(`/api/v1/tenants/${SLUG}/display/nothing-here`).expect(404);
    security = headersOf(routed);
    delete security['content-type'];
    delete security['content-length'];
  });

  afterAll(() => t.close());

  const json = (status: number, body: string, extra: Record<string, string> = {}) => ({
    ...security,
    ...extra,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
  });

  it('answers the state (200) with its ETag, then 304 without a body, with the API security headers and no CORS', async () => {
    expect(security['content-security-policy']).toContain("default-src 'none'");
    expect(security['x-frame-options']).toBe('DENY');
    const ok = await poll(SLUG, { authorization: `Bearer ${display.token}`, origin: 'https://elsewhere.example' }).expect(200);
    const etag = ok.headers.etag as string;
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(headersOf(ok)).toEqual(json(200, ok.text, { etag, 'cache-control': 'no-cache' }));
    expect(JSON.parse(ok.text)).toMatchObject({ state: { locationId: ids.rathaus, calls: [] }, display: { rows: 6 } });
    const same = await poll(SLUG, { authorization: `Bearer ${display.token}`, 'if-none-match': etag }).expect(304);
    expect(same.text).toBe('');
    expect(headersOf(same)).toEqual({ ...security, etag, 'cache-control': 'no-cache' });
    // A stale ETag gets the state again.
    await poll(SLUG, { authorization: `Bearer ${display.token}`, 'if-none-match': '"old"' }).expect(200);
  });

  it('records the device as seen', async () => {
    const fresh = await pairedDevice(t, SLUG, { kind: 'display', locationId: ids.nord });
    const devices = t.app.get(DeviceService);
    expect(devices.status(fresh.deviceId, undefined).lastSeenAt).toBeNull();
    await poll(SLUG, { authorization: `Bearer ${fresh.token}` }).expect(200);
    expect(devices.status(fresh.deviceId, undefined)).toEqual({ lastSeenAt: t.clock.now(), online: true });
  });

  it('answers 401 with WWW-Authenticate for no token, a kiosk token and another town’s token, in German or English', async () => {
    const kiosk = await pairedDevice(t, SLUG, { kind: 'kiosk', locationId: ids.rathaus });
    const foreign = await pairedDevice(t, OTHER, { kind: 'display' });
    const german = '{"statusCode":401,"error":"Unauthorized","message":"Dieses Gerät ist nicht (mehr) gekoppelt."}';
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'Bearer not-a-token' },
      { authorization: `Bearer ${kiosk.token}` },
      { authorization: `Bearer ${foreign.token}` },
    ]) {
      const res = await poll(SLUG, headers).expect(401);
      expect(res.text).toBe(german);
      expect(headersOf(res)).toEqual(json(401, german, { 'www-authenticate': 'Bearer' }));
    }
    const english = await poll(SLUG, { 'accept-language': 'en-GB,en;q=0.8' }).expect(401);
    expect(english.text).toBe('{"statusCode":401,"error":"Unauthorized","message":"This device is not (or no longer) paired."}');
  });

  it('answers 403 when the display plugin is off, before looking at the device', async () => {
    const host = t.app.get(PluginHostService);
    const tenant = await t.tenant(SLUG);
    await host.setEnabled(tenant.id, displayManifest, false);
    try {
      const body = '{"message":"The display plugin is not enabled for Stadt Musterstadt","error":"Forbidden","statusCode":403}';
      for (const headers of [{ authorization: `Bearer ${display.token}` }, {} as Record<string, string>]) {
        const res = await poll(SLUG, headers).expect(403);
        expect(res.text).toBe(body);
        expect(headersOf(res)).toEqual(json(403, body));
      }
    } finally {
      await host.setEnabled(tenant.id, displayManifest, true);
    }
    await poll(SLUG, { authorization: `Bearer ${display.token}` }).expect(200);
  });

  it('answers 404 for an unknown town, as the tenant resolver does for every API path', async () => {
    const body = `{"statusCode":404,"error":"Not Found","message":"Unknown municipality 'nirgendwo'"}`;
    const res = await poll('nirgendwo', { authorization: `Bearer ${display.token}` }).expect(404);
    expect(res.text).toBe(body);
    expect(headersOf(res)).toEqual(json(404, body));
    const elsewhere = await t.http.get('/api/v1/tenants/nirgendwo/queue/anything').expect(404);
    expect(headersOf(elsewhere)).toEqual(headersOf(res));
  });

  it('leaves a malformed address to the shared pipeline (400) and serves HEAD through the controller', async () => {
    const bad = await t.http.get('/api/v1/tenants/%E0%A4%A/display/state').expect(400);
    expect(bad.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'The address contains malformed percent-encoding.' });
    const head = await t.http.head(displayState(SLUG)).set('authorization', `Bearer ${display.token}`).expect(200);
    expect(head.headers.etag).toMatch(/^"[^"]+"$/);
    await t.http.head(displayState(SLUG)).expect(401);
  });

  it('keeps the route in the API document', async () => {
    const doc = (await t.http.get('/api/docs/openapi.json').expect(200)).body as { paths: Record<string, { get?: unknown }> };
    expect(doc.paths['/api/v1/tenants/{slug}/display/state']?.get).toBeDefined();
  });
});
