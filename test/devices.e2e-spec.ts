import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { ConfigCacheService } from '../apps/server/src/cache/config-cache.service.js';
import { CurrentDevice, DeviceAuthGuard, DeviceKinds } from '../apps/server/src/devices/device-auth.guard.js';
import { DeviceHeartbeat } from '../apps/server/src/devices/device-heartbeat.entity.js';
import { Device } from '../apps/server/src/devices/device.entity.js';
import { DeviceService, sha256 } from '../apps/server/src/devices/device.service.js';
import type { DeviceIdentity } from '../apps/server/src/devices/device.types.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { createDevice, pairDevice, pairedDevice, pairingCode, tenantLocations } from './devices-helpers.js';
import { countQueries } from './harness/query-counter.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { createTestDatabase, type TestDatabase } from './harness/test-database.js';

/** A route of the kind a plugin puts on its device API: the guard under test, the identity echoed. */
@Controller('api/v1/tenants/:slug/device-probe')
@UseGuards(DeviceAuthGuard)
@DeviceKinds('display')
class DeviceProbeController {
  @Get()
  me(@CurrentDevice() device: DeviceIdentity): DeviceIdentity {
    return device;
  }
}

@Module({ controllers: [DeviceProbeController] })
class DeviceProbeModule {}

const PAIR = (slug: string) => `/api/v1/tenants/${slug}/devices/pair`;
const PROBE = (slug: string) => `/api/v1/tenants/${slug}/device-probe`;
const NOT_PAIRED = 'Dieses Gerät ist nicht (mehr) gekoppelt.';

describe('devices: pairing, tokens, revocation, heartbeats', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await createTestApp({ database, imports: [DeviceProbeModule] });
    b = await createTestApp({ database, imports: [DeviceProbeModule] });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await database?.drop();
  });
  beforeEach(() => {
    // Past the pairing throttle's window, so earlier tests' wrong codes do not count here.
    for (const app of [a, b]) app.clock.advance(11 * 60_000);
  });

  const probe = (t: TestApp, slug: string, token: string) => t.http.get(PROBE(slug)).set('Authorization', `Bearer ${token}`);

  it('pairs with a one-time code and keeps only hashes of code and token', async () => {
    const device = await createDevice(a, 'musterstadt', { kind: 'display', name: 'Anzeige Wartebereich' });
    const code = await pairingCode(a, 'musterstadt', device.id);
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
    const stored = await a.asTenant('musterstadt', () => a.app.get(TenantDataService).repo(Device).findById(device.id));
    expect(stored?.pairingCodeHash).toBe(sha256(code.replace('-', '')));

    // Lower case and spaces are forgiven: the code is typed on a touch screen.
    const res = await a.http
      .post(PAIR('musterstadt'))
      .send({ code: code.toLowerCase().replace('-', ' ') })
      .expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      token: expect.any(String),
      deviceId: device.id,
      kind: 'display',
      locationId: device.locationId,
      name: 'Anzeige Wartebereich',
      home: 'anzeige',
    });
    const token = (res.body as { token: string }).token;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const [row] = await a.dataSource.query(`SELECT * FROM device WHERE id = ?`, [device.id]);
    expect(row.tokenHash).toBe(sha256(token));
    expect(row.pairingCodeHash).toBeNull();
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.pairedAt).not.toBeNull();

    const me = await probe(a, 'musterstadt', token).expect(200);
    expect(me.body).toMatchObject({ deviceId: device.id, kind: 'display', locationId: device.locationId, name: 'Anzeige Wartebereich' });

    // Spent: a second pairing with the same code is refused, in German unless English is asked for.
    const again = await a.http.post(PAIR('musterstadt')).send({ code }).expect(400);
    expect(again.body).toMatchObject({ code: 'DEVICE_CODE_UNKNOWN', message: expect.stringContaining('Code unbekannt oder abgelaufen') });
    const english = await a.http.post(PAIR('musterstadt')).set('Accept-Language', 'en-GB,en;q=0.9').send({ code }).expect(400);
    expect(english.body.message).toContain('Unknown or expired code');
  });

  it('refuses malformed codes with a clear message and changes nothing', async () => {
    const device = await createDevice(a, 'musterstadt', { kind: 'display' });
    await pairingCode(a, 'musterstadt', device.id);
    for (const body of [{}, { code: 12345678 }, { code: 'ABC' }, { code: 'ABCD-EFG0' }, { code: 'x'.repeat(100) }]) {
      const res = await a.http.post(PAIR('musterstadt')).send(body).expect(400);
      expect(res.body).toMatchObject({ code: 'DEVICE_CODE_INVALID', message: expect.stringContaining('XXXX-XXXX') });
    }
    const [row] = await a.dataSource.query(`SELECT tokenHash, pairedAt FROM device WHERE id = ?`, [device.id]);
    expect(row).toEqual({ tokenHash: null, pairedAt: null });
  });

  it('gives one token for one code when pairings race', async () => {
    const device = await createDevice(a, 'musterstadt', { kind: 'display' });
    const code = await pairingCode(a, 'musterstadt', device.id);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).http.post(PAIR('musterstadt')).send({ code })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400, 400, 400, 400, 400, 400, 400]);
    const winner = answers.find((r) => r.status === 200)!.body as { token: string };
    const [row] = await a.dataSource.query(`SELECT tokenHash FROM device WHERE id = ?`, [device.id]);
    expect(row.tokenHash).toBe(sha256(winner.token));
  });

  it('refuses an expired code (15 minutes)', async () => {
    const device = await createDevice(a, 'musterstadt', { kind: 'display' });
    const code = await pairingCode(a, 'musterstadt', device.id);
    a.clock.advance(15 * 60_000 + 1000);
    const res = await a.http.post(PAIR('musterstadt')).send({ code }).expect(400);
    expect(res.body.code).toBe('DEVICE_CODE_UNKNOWN');
  });

  it('a new code replaces the open one; the old token works until the new pairing succeeds', async () => {
    const device = await createDevice(a, 'musterstadt', { kind: 'display' });
    const first = await pairDevice(a, 'musterstadt', device.id);
    const replaced = await pairingCode(a, 'musterstadt', device.id);
    const code = await pairingCode(a, 'musterstadt', device.id);
    await probe(a, 'musterstadt', first).expect(200);
    await a.http.post(PAIR('musterstadt')).send({ code: replaced }).expect(400);

    const second = ((await a.http.post(PAIR('musterstadt')).send({ code }).expect(200)).body as { token: string }).token;
    const refused = await probe(a, 'musterstadt', first).expect(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer');
    expect(refused.body).toMatchObject({ statusCode: 401, message: NOT_PAIRED });
    await probe(a, 'musterstadt', second).expect(200);
  });

  it('a revocation counts at once on its instance and on the others with their next cache poll', async () => {
    const { deviceId, token } = await pairedDevice(a, 'musterstadt', { kind: 'display' });
    await probe(a, 'musterstadt', token).expect(200);
    await b.app.get(ConfigCacheService).refresh();
    await probe(b, 'musterstadt', token).expect(200);

    await a.asTenant('musterstadt', () => a.app.get(DeviceService).revoke(deviceId));
    await probe(a, 'musterstadt', token).expect(401);
    // B drops its cache when its poll (every CACHE_POLL_MS, at most 1 s) sees the version move: the poll, run here.
    await b.app.get(ConfigCacheService).refresh();
    const english = await probe(b, 'musterstadt', token).set('Accept-Language', 'en').expect(401);
    expect(english.body.message).toBe('This device is not (or no longer) paired.');
    const [row] = await a.dataSource.query(`SELECT tokenHash, revokedAt FROM device WHERE id = ?`, [deviceId]);
    expect(row.tokenHash).toBeNull();
    expect(row.revokedAt).not.toBeNull();

    // A new code pairs the device again.
    const again = await pairDevice(a, 'musterstadt', deviceId);
    await probe(a, 'musterstadt', again).expect(200);
  });

  it("a town's token is worth nothing under another town's path, and a kiosk is no display", async () => {
    const { token } = await pairedDevice(a, 'musterstadt', { kind: 'display' });
    const foreign = await probe(a, 'beispielheim', token).expect(401);
    expect(foreign.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: NOT_PAIRED });
    const kiosk = await pairedDevice(a, 'musterstadt', { kind: 'kiosk' });
    const refused = await probe(a, 'musterstadt', kiosk.token).expect(401);
    expect(refused.body).toEqual(foreign.body);
    for (const header of ['', 'Bearer', 'Bearer x', `Basic ${token}`, `Bearer ${token}x`]) {
      const res = await a.http.get(PROBE('musterstadt')).set('Authorization', header).expect(401);
      expect(res.body).toEqual(foreign.body);
    }
    // A code of one town does not pair under another's path.
    const device = await createDevice(a, 'musterstadt', { kind: 'display' });
    const code = await pairingCode(a, 'musterstadt', device.id);
    await a.http.post(PAIR('beispielheim')).send({ code }).expect(400);
  });

  it("a device's identity names its own location (what the plugins' routes show it)", async () => {
    const [first, second] = await tenantLocations(a, 'musterstadt');
    const one = await pairedDevice(a, 'musterstadt', { kind: 'display', locationId: first.id });
    const two = await pairedDevice(a, 'musterstadt', { kind: 'display', locationId: second.id });
    const devices = a.app.get(DeviceService);
    const muster = await a.tenant('musterstadt');
    expect((await devices.identify(muster, `Bearer ${one.token}`, ['display']))?.locationId).toBe(first.id);
    expect((await devices.identify(muster, `Bearer ${two.token}`, ['display']))?.locationId).toBe(second.id);
    expect(await devices.identify(muster, `Bearer ${two.token}`, ['kiosk'])).toBeNull();
    expect(await devices.identify(await a.tenant('beispielheim'), `Bearer ${one.token}`, ['display'])).toBeNull();
  });

  it('answers polls from memory and writes last seen at most every 30 s per device, in one statement', async () => {
    const devices = a.app.get(DeviceService);
    const one = await pairedDevice(a, 'musterstadt', { kind: 'display' });
    const two = await pairedDevice(a, 'musterstadt', { kind: 'display' });
    await devices.flushHeartbeats({ all: true });
    // The cache's poll has seen this instance's own changes (else it drops the cache once more).
    await a.app.get(ConfigCacheService).refresh();
    await probe(a, 'musterstadt', one.token).expect(200);

    const queries = countQueries(a.dataSource);
    const seenAt = a.clock.now();
    for (let i = 0; i < 5; i++) {
      await probe(a, 'musterstadt', one.token).expect(200);
      await probe(a, 'musterstadt', two.token).expect(200);
    }
    expect(queries.count).toBe(0);

    await devices.flushHeartbeats();
    const writes = countQueries(a.dataSource, /^INSERT INTO .device_heartbeat/);
    const lastSeen = async (id: string) =>
      (await a.asTenant('musterstadt', () => a.app.get(TenantDataService).repo(DeviceHeartbeat).findOneBy({ deviceId: id })))?.lastSeenAt.getTime();
    expect(await lastSeen(one.deviceId)).toBeGreaterThanOrEqual(Math.floor(seenAt.getTime() / 1000) * 1000);

    // 10 s later: seen again, but not written yet.
    a.clock.advance(10_000);
    await probe(a, 'musterstadt', one.token).expect(200);
    await devices.flushHeartbeats();
    expect(writes.count).toBe(0);

    // 30 s after the last write: both devices in one statement.
    a.clock.advance(25_000);
    await probe(a, 'musterstadt', one.token).expect(200);
    await probe(a, 'musterstadt', two.token).expect(200);
    await devices.flushHeartbeats();
    expect(writes.count).toBe(1);
    writes.stop();
    queries.stop();
    expect(await lastSeen(one.deviceId)).toBeGreaterThanOrEqual(Math.floor(a.clock.now().getTime() / 1000) * 1000);

    // Online: seen within two minutes, by the Clock; another instance reads what was written.
    const status = await a.asTenant('musterstadt', () => devices.statuses([one.deviceId]));
    expect(status.get(one.deviceId)?.online).toBe(true);
    b.clock.set(a.clock.now());
    expect((await b.asTenant('musterstadt', () => b.app.get(DeviceService).statuses([one.deviceId]))).get(one.deviceId)?.online).toBe(true);
    a.clock.advance(2 * 60_000 + 1000);
    const later = await a.asTenant('musterstadt', () => devices.statuses([one.deviceId]));
    expect(later.get(one.deviceId)).toMatchObject({ online: false, lastSeenAt: expect.any(Date) });
  });

  it('forgets a deleted device: its heartbeat row goes with it and is not written again', async () => {
    const devices = a.app.get(DeviceService);
    const gone = await pairedDevice(a, 'musterstadt', { kind: 'display' });
    const rows = () => a.dataSource.getRepository(DeviceHeartbeat).countBy({ deviceId: gone.deviceId });
    await probe(a, 'musterstadt', gone.token).expect(200);
    await devices.flushHeartbeats({ all: true });
    expect(await rows()).toBe(1);
    // Seen again, not yet written, then deleted (as in the panel or with its location).
    a.clock.advance(60_000);
    await probe(a, 'musterstadt', gone.token).expect(200);
    await a.dataSource.getRepository(Device).delete({ id: gone.deviceId });
    expect(await rows()).toBe(0);
    await devices.flushHeartbeats({ all: true });
    expect(await rows()).toBe(0);
  });

  it('reads a config stored under an older schema leniently: unknown keys dropped, a refused value defaulted, the rest kept', async () => {
    const old = await pairedDevice(a, 'musterstadt', { kind: 'display', config: { layout: 'portrait', notice: 'Bitte Nummer merken.' } });
    await a.dataSource
      .getRepository(Device)
      .update({ id: old.deviceId }, { config: { layout: 'portrait', notice: 'Bitte Nummer merken.', rows: 99, retiredField: true } });
    await a.app.get(ConfigCacheService).refresh();
    const config = ((await probe(a, 'musterstadt', old.token).expect(200)).body as DeviceIdentity).config;
    expect(config).toEqual({ layout: 'portrait', notice: 'Bitte Nummer merken.', languages: ['de', 'en'], gong: true });
  });

  it('throttles wrong codes per address (successful pairings do not count)', async () => {
    for (let i = 0; i < 3; i++) await pairedDevice(a, 'musterstadt', { kind: 'display' });
    for (let i = 0; i < 10; i++) await a.http.post(PAIR('musterstadt')).send({ code: 'AAAA-AAAA' }).expect(400);
    const device = await createDevice(a, 'musterstadt', { kind: 'display' });
    const code = await pairingCode(a, 'musterstadt', device.id);
    const limited = await a.http.post(PAIR('musterstadt')).send({ code }).expect(429);
    expect(limited.body.code).toBe('DEVICE_PAIR_LIMITED');
    expect(limited.headers['retry-after']).toBe('300');
    // Another town's counter is its own.
    await a.http.post(PAIR('beispielheim')).send({ code: 'AAAA-AAAA' }).expect(400);
    const [row] = await a.dataSource.query(`SELECT tokenHash FROM device WHERE id = ?`, [device.id]);
    expect(row.tokenHash).toBeNull();
  });
});
