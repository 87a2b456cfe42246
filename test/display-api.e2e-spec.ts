import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeviceService } from '../apps/server/src/devices/device.service.js';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { displayManifest } from '../plugins/display/display.manifest.js';
import { DisplayFeedService } from '../plugins/queue/display-feed.service.js';
import { demoIds, SLUG, type DemoIds } from './booking-helpers.js';
import { pairedDevice } from './devices-helpers.js';
import { clerkAt, displayState } from './display-helpers.js';
import { countQueries } from './harness/query-counter.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { insertBooking } from './staff-calendar-helpers.js';

const OTHER = 'beispielheim';

interface StateBody {
  serverTime: string;
  assetVersion: string;
  display: { layout: string; rows: number; languages: string[]; notice: string; gong: boolean; pollSeconds: number; languageSeconds: number };
  state: {
    locationId: string;
    locationName: string;
    version: number;
    calls: Array<Record<string, unknown>>;
    waitingCount: number;
    estimatedWaitMinutes: number | null;
  };
}

describe('display state API', () => {
  let t: TestApp;
  let ids: DemoIds;
  let rathaus: { deviceId: string; token: string };
  let nord: { deviceId: string; token: string };

  const poll = (token: string | null, slug = SLUG, etag?: string) => {
    const req = t.http.get(displayState(slug));
    if (token) req.set('Authorization', `Bearer ${token}`);
    if (etag) req.set('If-None-Match', etag);
    return req;
  };

  beforeAll(async () => {
    t = await createTestApp();
    ids = await demoIds(t);
    rathaus = await pairedDevice(t, SLUG, {
      kind: 'display',
      locationId: ids.rathaus,
      config: { layout: 'portrait', rows: 4, notice: 'Bitte Ausweis bereithalten.' },
    });
    nord = await pairedDevice(t, SLUG, { kind: 'display', locationId: ids.nord });
  });

  afterAll(() => t.close());

  it('refuses a request without a token, with a kiosk token and with a revoked token (401, nothing about why)', async () => {
    const none = await poll(null).expect(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(none.body.message).toBe('Dieses Gerät ist nicht (mehr) gekoppelt.');
    await poll('not-a-token').expect(401);
    const kiosk = await pairedDevice(t, SLUG, { kind: 'kiosk', locationId: ids.rathaus });
    await poll(kiosk.token).expect(401);
    const revoked = await pairedDevice(t, SLUG, { kind: 'display', locationId: ids.rathaus });
    await poll(revoked.token).expect(200);
    await t.asTenant(SLUG, () => t.app.get(DeviceService).revoke(revoked.deviceId));
    const after = await poll(revoked.token).expect(401);
    expect(JSON.stringify(after.body)).not.toContain(ids.rathaus);
  });

  it("refuses a town's display under another town's path", async () => {
    const res = await poll(rathaus.token, OTHER).expect(401);
    expect(JSON.stringify(res.body)).not.toMatch(/Rathaus|musterstadt/i);
    const own = await pairedDevice(t, OTHER, { kind: 'display' });
    await poll(own.token, OTHER).expect(200);
    await poll(own.token, SLUG).expect(401);
  });

  it('shows each location only its own calls, with the device config and no names', async () => {
    const clerkRathaus = await clerkAt(t, SLUG, 'anzeige-rathaus@musterstadt.example', ids.rathaus, ids.ausweis);
    const clerkNord = await clerkAt(t, SLUG, 'anzeige-nord@musterstadt.example', ids.nord, ids.ausweis);
    // An appointment with a name, checked in and called at the Rathaus.
    const booking = await insertBooking(t, ids, { startAt: new Date(t.clock.now().getTime() + 30 * 60_000), locationId: ids.rathaus });
    await clerkRathaus.agent.post(`/api/v1/tenants/${SLUG}/queue/tickets/check-in`).send({ bookingId: booking.id }).expect(200);
    const first = await clerkRathaus.call();
    const second = await clerkNord.call();

    const atRathaus = (await poll(rathaus.token).expect(200)).body as StateBody;
    const atNord = (await poll(nord.token).expect(200)).body as StateBody;
    expect(atRathaus.state.locationId).toBe(ids.rathaus);
    expect(atRathaus.state.calls.map((c) => c.ticketId)).toEqual([first.id]);
    expect(atNord.state.locationId).toBe(ids.nord);
    expect(atNord.state.calls.map((c) => c.ticketId)).toEqual([second.id]);
    expect(atRathaus.state.calls[0]).toEqual({
      ticketId: first.id,
      number: first.number,
      counterName: clerkRathaus.counter.name,
      room: clerkRathaus.counter.room,
      calledAt: expect.any(String),
      callCount: 1,
    });
    expect(atRathaus.display).toEqual({
      layout: 'portrait',
      rows: 4,
      languages: ['de', 'en'],
      notice: 'Bitte Ausweis bereithalten.',
      gong: true,
      pollSeconds: 3,
      languageSeconds: 10,
    });
    expect(atNord.display.layout).toBe('landscape');
    expect(atNord.display.rows).toBe(6);
    expect(new Date(atRathaus.serverTime).toISOString()).toBe(atRathaus.serverTime);
    // Numbers and counters only: nothing of the citizen reaches a screen.
    const text = JSON.stringify(atRathaus);
    for (const secret of ['Erika', 'Mustermann', 'erika@example.org', booking.reference, booking.token]) expect(text).not.toContain(secret);
  });

  it('answers 304 to the current ETag from memory: no query while nothing changes', async () => {
    const first = await poll(rathaus.token).expect(200);
    const etag = first.headers.etag;
    expect(first.headers['cache-control']).toBe('no-cache');
    expect(etag).toMatch(/^".+"$/);
    // Every statement counts (the feed's background version poll is off here, as all timers in tests).
    const queries = countQueries(t.dataSource);
    try {
      for (let i = 0; i < 20; i++) {
        const res = await poll(rathaus.token, SLUG, etag).expect(304);
        expect(res.headers.etag).toBe(etag);
        expect(res.text).toBe('');
      }
      expect(queries.count).toBe(0);
    } finally {
      queries.stop();
    }
    await poll(rathaus.token, SLUG, '"stale"').expect(200);
  });

  it('reads the state once per change, however many displays poll at once', async () => {
    const clerk = await clerkAt(t, SLUG, 'einmal@musterstadt.example', ids.rathaus, ids.anmeldung, 1);
    const ticket = await clerk.call();
    const reads = countQueries(t.dataSource, /queue_ticket/);
    try {
      const answers = await Promise.all(Array.from({ length: 25 }, () => poll(rathaus.token).expect(200)));
      for (const a of answers) expect((a.body as StateBody).state.calls[0].ticketId).toBe(ticket.id);
      // One load of the state (its statements over queue_ticket), shared by all 25 polls.
      const perLoad = reads.count;
      reads.reset();
      await t.app.get(DisplayFeedService).watch();
      await poll(rathaus.token).expect(200);
      expect(reads.count).toBe(0);
      expect(perLoad).toBeGreaterThan(0);
      expect(perLoad).toBeLessThanOrEqual(3);
    } finally {
      reads.stop();
    }
  });

  it('answers 403 with a message when the display plugin is off', async () => {
    const host = t.app.get(PluginHostService);
    const tenant = await t.tenant(SLUG);
    await host.setEnabled(tenant.id, displayManifest, false);
    try {
      const res = await poll(rathaus.token).expect(403);
      expect(res.body.message).toContain('display');
    } finally {
      await host.setEnabled(tenant.id, displayManifest, true);
    }
    await poll(rathaus.token).expect(200);
  });

  it('sees a call made on another instance of the same database at its next version poll', async () => {
    const second = await createTestApp({ database: t.database, clock: t.clock });
    try {
      const onSecond = () => second.http.get(displayState(SLUG)).set('Authorization', `Bearer ${nord.token}`);
      const before = (await onSecond().expect(200)).body as StateBody;
      const etag = (await onSecond().expect(200)).headers.etag;
      const clerk = await clerkAt(t, SLUG, 'zwei@musterstadt.example', ids.nord, ids.ausweis, 1);
      const ticket = await clerk.call();
      // Before the second instance's version poll it still answers from memory; after it, the call.
      await onSecond().set('If-None-Match', etag).expect(304);
      await second.app.get(DisplayFeedService).watch();
      const after = (await onSecond().set('If-None-Match', etag).expect(200)).body as StateBody;
      expect(after.state.version).toBeGreaterThan(before.state.version);
      expect(after.state.calls[0].ticketId).toBe(ticket.id);
    } finally {
      await second.close();
    }
  });
});
