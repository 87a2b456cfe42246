import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { demoIds, release, SLUG } from './booking-helpers.js';
import { createAccount, createAdminTestApp, loginAgent } from './harness/admin-session.js';
import type { TestApp } from './harness/test-app.js';
import { agentSlots, match, offerOf, queueWishForSlot, TA } from './terminagent-helpers.js';
import { terminagentManifest } from '../plugins/terminagent/terminagent.manifest.js';

describe('terminagent in the admin panel and the figures', () => {
  let t: TestApp;
  let wishId: string;

  beforeAll(async () => {
    t = await createAdminTestApp();
    const ids = await demoIds(t);
    await release(t);
    await t.app.get(PluginHostService).setEnabled((await t.tenant('beispielheim')).id, terminagentManifest, true);
    await createAccount(t, 'tenant-admin', 'admin@musterstadt.example', SLUG);
    await createAccount(t, 'tenant-admin', 'admin@beispielheim.example', 'beispielheim');
    const slot = (await agentSlots(t)).find((s) => s.locationId === ids.rathaus && s.free === 1)!;
    wishId = (await queueWishForSlot(t, ids, slot, 'fig@example.org')).id;
    t.clock.advance(3 * 3_600_000);
    await match(t);
  });
  afterAll(async () => t.close());

  it('lists wishes and offers of the own municipality only, read-only', async () => {
    const muster = await loginAgent(t, 'admin@musterstadt.example');
    const list = await muster.get('/admin/api/resources/TerminagentWish/actions/list').expect(200);
    expect(list.body.records.map((r: { id: string }) => r.id)).toEqual([wishId]);
    const offers = await muster.get('/admin/api/resources/TerminagentOffer/actions/list').expect(200);
    expect(offers.body.records).toHaveLength(1);
    // The citizens' link secrets never reach the panel, not even their own town's.
    const secrets = (
      await t.dataSource.query('SELECT w.token AS w, o.token AS o FROM terminagent_wish w JOIN terminagent_offer o ON o.wishId = w.id WHERE w.id = ?', [wishId])
    )[0];
    const shown = await muster.get(`/admin/api/resources/TerminagentWish/records/${wishId}/show`).expect(200);
    for (const body of [list.text, offers.text, shown.text]) {
      expect(body).not.toContain(secrets.w);
      expect(body).not.toContain(secrets.o);
    }
    // Editing by hand is refused; the row stays as the agent left it.
    await muster.post(`/admin/api/resources/TerminagentWish/records/${wishId}/edit`).type('form').send({ status: 'booked' });
    await muster.post(`/admin/api/resources/TerminagentWish/records/${wishId}/delete`);
    expect((await t.dataSource.query('SELECT status FROM terminagent_wish WHERE id = ?', [wishId]))[0].status).toBe('offered');

    const other = await loginAgent(t, 'admin@beispielheim.example');
    const foreign = await other.get('/admin/api/resources/TerminagentWish/actions/list').expect(200);
    expect(foreign.body.records).toEqual([]);
    const show = await other.get(`/admin/api/resources/TerminagentWish/records/${wishId}/show`);
    expect(JSON.stringify(show.body)).not.toContain('fig@example.org');
  });

  it('gives administrators the figures per location and service; citizens get none', async () => {
    await t.http.get(`${TA}/figures?from=2026-11-01&to=2026-11-30`).expect(401);
    const staff = await loginAgent(t, 'admin@musterstadt.example');
    const res = await staff.get(`${TA}/figures?from=2026-11-01&to=2026-11-30`).expect(200);
    expect(res.body.totals).toMatchObject({
      wishesRegistered: 1,
      wishesConfirmed: 1,
      wishesWaiting: 1,
      proposalsSent: 1,
      offersAccepted: 0,
      medianWaitHours: 3,
    });
    const row = res.body.rows.find((r: { service: string }) => r.service === 'Personalausweis beantragen');
    expect(row).toMatchObject({ location: 'Bürgerbüro im Rathaus', wishesRegistered: 1, proposalsSent: 1, medianWaitHours: 3 });
    await staff.get(`${TA}/figures?from=2026-11-30&to=2026-11-01`).expect(400);
    expect((await offerOf(t, wishId))!.offer.status).toBe('open');
  });

  it('shows the figures as a staff page to logged-in administrators only; the old address moved there', async () => {
    const login = await t.http.get(`/${SLUG}/mitarbeiter/terminagent`).expect(303);
    expect(login.headers.location).toBe(`/${SLUG}/mitarbeiter/anmelden?weiter=${encodeURIComponent(`/${SLUG}/mitarbeiter/terminagent`)}`);
    const admin = await loginAgent(t, 'admin@musterstadt.example');
    const page = await admin.get(`/${SLUG}/mitarbeiter/terminagent?von=2026-11-01&bis=2026-11-30`).expect(200);
    expect(page.text).toContain('Terminagent: Kennzahlen');
    expect(page.text).toMatch(/<th scope="row">Bürgerbüro im Rathaus<\/th><td>Personalausweis beantragen<\/td><td>1<\/td>/);
    await admin.get(`/${SLUG}/mitarbeiter/terminagent?von=2026-11-30&bis=2026-11-01`).expect(400);
    const moved = await admin.get(`/${SLUG}/terminagent/kennzahlen?von=2026-11-01&bis=2026-11-30`).expect(301);
    expect(moved.headers.location).toBe(`/${SLUG}/mitarbeiter/terminagent?von=2026-11-01&bis=2026-11-30`);
    // Another town's administrator is refused.
    const other = await loginAgent(t, 'admin@beispielheim.example');
    await other.get(`/${SLUG}/mitarbeiter/terminagent`).expect(403);
  });
});
