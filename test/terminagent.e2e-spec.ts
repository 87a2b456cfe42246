import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import type { AgentSlot } from '../plugins/booking/agent-capacity.service.js';
import { Booking } from '../plugins/booking/entities/booking.entity.js';
import { TerminagentWish } from '../plugins/terminagent/entities/wish.entity.js';
import { OfferService } from '../plugins/terminagent/offer.service.js';
import { DUPLICATE, WishService } from '../plugins/terminagent/wish.service.js';
import { addDays, localDate } from '../apps/server/src/common/local-time.js';
import { type DemoIds, deliverMail, expectCapacityInvariant, releasedMailApp, SLUG } from './booking-helpers.js';
import type { TestSmtpServer } from './harness/smtp-server.js';
import type { TestApp } from './harness/test-app.js';
import {
  agentSlots,
  expectOneHoldPerUnit,
  expireOffers,
  linkFromOutbox,
  match,
  offerOf,
  queueWish,
  queueWishForSlot,
  TA,
  tokenOf,
  windowOf,
  wishRow,
} from './terminagent-helpers.js';
import { terminagentManifest } from '../plugins/terminagent/terminagent.manifest.js';

describe('terminagent: wishes, offers, acceptance, decline and expiry', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let ids: DemoIds;
  /** Agent slots of the town hall holding exactly one free unit, handed out one per test. */
  let single: AgentSlot[];
  let n = 0;

  const setSettings = (settings: Record<string, unknown>) =>
    t.asTenant(SLUG, async () => t.app.get(PluginHostService).updateSettings((await t.tenant(SLUG)).id, terminagentManifest, { acceptHours: 48, ...settings }));

  /** A wish for exactly this slot (its date, weekday and time). */
  const wishFor = (slot: AgentSlot, email = `c${++n}@example.org`) => queueWishForSlot(t, ids, slot, email);
  /** The next single-unit slot far enough ahead of the (moving) test clock. */
  const nextSlot = (daysAhead = 1) => {
    const slot = single.find((s) => s.start > t.clock.now().getTime() + daysAhead * 86_400_000);
    if (!slot) throw new Error('no agent slot left');
    single = single.filter((s) => s !== slot);
    return slot;
  };
  const freeAt = async (slot: AgentSlot) => (await agentSlots(t)).find((s) => s.unitId === slot.unitId)?.free ?? 0;

  beforeAll(async () => {
    ({ t, ids, smtp } = await releasedMailApp());
    single = (await agentSlots(t)).filter((s) => s.locationId === ids.rathaus && s.free === 1 && s.slotMinutes === 15);
    expect(single.length).toBeGreaterThan(10);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('queues a wish after the mail link is confirmed, offers a held unit by mail, and books it on acceptance', async () => {
    const slot = nextSlot();
    const { date, window } = windowOf(slot);
    const email = 'anna@example.org';
    const created = await t.http
      .post(`${TA}/wishes`)
      .send({
        services: [{ serviceId: ids.ausweis, quantity: 1 }],
        locationIds: [ids.rathaus],
        windows: [window],
        earliestDate: date,
        latestDate: date,
        citizen: { name: 'Anna Beispiel', email },
        consent: true,
      })
      .expect(201);
    // The secret goes only to the mailbox: an API caller cannot confirm someone else's address.
    expect(created.body.token).toBeUndefined();
    expect(created.body.status).toBe('unconfirmed');
    await deliverMail(t);
    const confirmMail = smtp.to(email).find((m) => m.subject.includes('bestätigen'))!;
    expect(confirmMail.text).toContain('Personalausweis beantragen');
    const confirmUrl = new URL(/(http\S+\/bestaetigen\?\S+)/.exec(confirmMail.text)![1]);
    const token = confirmUrl.searchParams.get('token')!;

    // Unconfirmed wishes are not matched.
    expect((await match(t)).offers).toBe(0);
    const confirmed = await t.http.post(`${TA}/wishes/${created.body.id}/confirm`).send({ token }).expect(200);
    expect(confirmed.body.status).toBe('waiting');
    expect(confirmed.body.queuedAt).toBeTruthy();

    const report = await match(t);
    expect(report.offers).toBe(1);
    expect(await freeAt(slot)).toBe(0);
    const { offer, proposals } = (await offerOf(t, created.body.id))!;
    expect(proposals.map((p) => p.startAt.getTime())).toEqual([slot.start]);
    expect((await wishRow(t, created.body.id)).status).toBe('offered');
    await expectOneHoldPerUnit(t);

    await t.asTenant(SLUG, () => t.app.get(OfferService).mailPending());
    await deliverMail(t);
    const offerMail = smtp.to(email).find((m) => m.subject.includes('Terminvorschlag'))!;
    expect(offerMail).toBeDefined();
    const offerUrl = new URL(/(http\S+\/terminvorschlag\/\S+)/.exec(offerMail.text)![1]);
    expect(offerUrl.pathname).toBe(`/${SLUG}/terminvorschlag/${offer.id}`);

    const accepted = await t.http
      .post(`${TA}/offers/${offer.id}/accept`)
      .send({ token: offerUrl.searchParams.get('token'), proposalId: proposals[0].id })
      .expect(200);
    expect(accepted.body.status).toBe('accepted');
    const reference = accepted.body.bookingReference as string;
    const booking = (await t.asTenant(SLUG, () => t.app.get(TenantDataService).repo(Booking).findOneBy({ reference }))) as Booking;
    expect(booking).toMatchObject({ status: 'confirmed', channel: 'agent', citizen: { email }, locationId: ids.rathaus });
    expect(booking.startAt.getTime()).toBe(slot.start);
    expect((await wishRow(t, created.body.id)).status).toBe('booked');

    // The same confirmation mail as a booking: reference, checklist and calendar file (no QR code without a check-in terminal).
    await deliverMail(t);
    const confirmation = smtp.to(email).find((m) => m.subject.includes(reference) || m.text.includes(reference))!;
    expect(confirmation).toBeDefined();
    expect(confirmation.text).toContain('Bisheriger Personalausweis');
    expect(confirmation.attachments.map((a) => a.filename).sort()).toEqual(['termin.ics']);
    await expectCapacityInvariant(t.dataSource);
    await expectOneHoldPerUnit(t);

    // Accepting again changes nothing.
    await t.http
      .post(`${TA}/offers/${offer.id}/accept`)
      .send({ token: offerUrl.searchParams.get('token'), proposalId: proposals[0].id })
      .expect(200);
    expect(await t.asTenant(SLUG, () => t.app.get(TenantDataService).repo(Booking).countBy({ citizen: { email } }))).toBe(1);
  });

  it('refuses a second open wish with the same email address and services, confirmed or not', async () => {
    const slot = nextSlot();
    const first = await wishFor(slot, 'dup@example.org');
    const { date, window } = windowOf(slot);
    const again = {
      services: [{ serviceId: ids.ausweis, quantity: 2 }],
      locationIds: [ids.rathaus, ids.nord],
      windows: [window],
      earliestDate: date,
      latestDate: date,
      citizen: { name: 'Dup', email: 'DUP@example.org' },
      consent: true,
    };
    const refused = await t.http.post(`${TA}/wishes`).send(again).expect(409);
    expect(refused.body.message).toBe(DUPLICATE);
    // Other services are another wish.
    await t.http
      .post(`${TA}/wishes`)
      .send({ ...again, services: [{ serviceId: ids.anmeldung, quantity: 1 }] })
      .expect(201);
    // Two unconfirmed registrations racing: only one gets into the queue.
    const racer = {
      ...again,
      services: [{ serviceId: ids.pass, quantity: 1 }],
      locationIds: [ids.rathaus],
      citizen: { name: 'Rita Racer', email: 'race@example.org' },
    };
    const a = await t.http.post(`${TA}/wishes`).send(racer);
    expect([a.status, a.body.message]).toEqual([201, undefined]);
    const b = await t.asTenant(SLUG, async () => {
      // Bypass the early check, as if both requests had passed it at the same moment.
      const repo = t.app.get(TenantDataService).repo(TerminagentWish);
      const row = (await repo.findById(a.body.id))!;
      const twin = repo.create({ ...row, id: undefined, token: 'twin-token', createdAt: undefined, updatedAt: undefined } as never);
      await t.app.get(TenantDataService).transaction((tx) => tx.repo(TerminagentWish).save(twin));
      return twin as TerminagentWish;
    });
    const tokenA = tokenOf(await linkFromOutbox(t, `terminagent:wish:${a.body.id}:confirm`, '/bestaetigen'));
    const results = await Promise.all([
      t.http.post(`${TA}/wishes/${a.body.id}/confirm`).send({ token: tokenA }),
      t.http.post(`${TA}/wishes/${b.id}/confirm`).send({ token: 'twin-token' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await wishRow(t, first.id)).status).toBe('waiting');
  });

  it('gives declined capacity to the next wish in the queue; the decliner is closed by default', async () => {
    const slot = nextSlot();
    const first = await wishFor(slot);
    const second = await wishFor(slot);
    expect((await match(t)).offers).toBeGreaterThanOrEqual(1);
    const offered = (await offerOf(t, first.id))!;
    expect(await offerOf(t, second.id)).toBeNull();
    await t.asTenant(SLUG, () => t.app.get(OfferService).mailPending());
    const token = tokenOf(await linkFromOutbox(t, `terminagent:offer:${offered.offer.id}`, '/terminvorschlag/'));
    await t.http.post(`${TA}/offers/${offered.offer.id}/decline`).send({ token }).expect(200);
    expect(await freeAt(slot)).toBe(1);
    expect((await wishRow(t, first.id)).status).toBe('closed');
    await match(t);
    const next = (await offerOf(t, second.id))!;
    expect(next.proposals[0].startAt.getTime()).toBe(slot.start);
    // A decided offer cannot be accepted any more.
    await t.http.post(`${TA}/offers/${offered.offer.id}/accept`).send({ token, proposalId: offered.proposals[0].id }).expect(409);
    await expectOneHoldPerUnit(t);
  });

  it('expires unanswered offers after acceptHours and requeues the wish at its old place (setting)', async () => {
    await setSettings({ afterDecline: 'requeue' });
    const slot = nextSlot(4);
    const first = await wishFor(slot);
    t.clock.advance(60_000);
    const second = await wishFor(slot);
    await match(t);
    const { offer } = (await offerOf(t, first.id))!;
    expect(offer.expiresAt.getTime()).toBe(t.clock.now().getTime() + 48 * 3_600_000);
    const queuedBefore = (await wishRow(t, first.id)).queuedMs;

    t.clock.advance(48 * 3_600_000 - 1000);
    await expireOffers(t);
    expect((await offerOf(t, first.id))!.offer.status).toBe('open');
    t.clock.advance(1000);
    await expireOffers(t);
    expect((await offerOf(t, first.id))!.offer.status).toBe('expired');
    const requeued = await wishRow(t, first.id);
    expect(requeued.status).toBe('waiting');
    expect(requeued.queuedMs).toBe(queuedBefore);
    expect(await freeAt(slot)).toBe(1);
    // Back in the queue at its old place, so it is first again, before the second wish.
    await match(t);
    expect((await offerOf(t, first.id))!.offer.status).toBe('open');
    expect((await offerOf(t, first.id))!.offer.id).not.toBe(offer.id);
    expect(await offerOf(t, second.id)).toBeNull();
    await setSettings({});
  });

  it('withdrawal ends the wish and gives its held times back', async () => {
    const slot = nextSlot();
    const wish = await wishFor(slot);
    await match(t);
    expect(await freeAt(slot)).toBe(0);
    await t.http.post(`${TA}/wishes/${wish.id}/withdraw`).send({ token: wish.token }).expect(200);
    expect(await freeAt(slot)).toBe(1);
    expect((await offerOf(t, wish.id))!.offer.status).toBe('withdrawn');
    const view = await t.http.get(`${TA}/wishes/${wish.id}?token=${encodeURIComponent(wish.token)}`).expect(200);
    expect(view.body.status).toBe('withdrawn');
    // A wrong secret is indistinguishable from an unknown wish.
    const wrong = await t.http.get(`${TA}/wishes/${wish.id}?token=nope`).expect(404);
    expect(JSON.stringify(wrong.body)).not.toContain(wish.id);
    await expectOneHoldPerUnit(t);
  });

  it('two accepts of one offer make one appointment', async () => {
    await setSettings({ proposalsPerOffer: 2 });
    const a = nextSlot();
    let b = nextSlot();
    while (b.localDate === a.localDate) b = nextSlot();
    const wa = windowOf(a);
    const wb = windowOf(b);
    const wish = await queueWish(t, {
      email: 'twice@example.org',
      serviceId: ids.ausweis,
      locationIds: [ids.rathaus],
      windows: [wa.window, wb.window].filter((w, i, all) => all.findIndex((x) => x.weekday === w.weekday && x.from === w.from) === i),
      earliestDate: wa.date < wb.date ? wa.date : wb.date,
      latestDate: wa.date < wb.date ? wb.date : wa.date,
    });
    await match(t);
    const { offer, proposals } = (await offerOf(t, wish.id))!;
    expect(proposals.length).toBe(2);
    await t.asTenant(SLUG, () => t.app.get(OfferService).mailPending());
    const token = tokenOf(await linkFromOutbox(t, `terminagent:offer:${offer.id}`, '/terminvorschlag/'));
    const results = await Promise.all(proposals.map((p) => t.http.post(`${TA}/offers/${offer.id}/accept`).send({ token, proposalId: p.id })));
    expect(results.some((r) => r.status === 200)).toBe(true);
    for (const r of results) expect([200, 409]).toContain(r.status);
    expect(
      await t.asTenant(SLUG, () =>
        t.app
          .get(TenantDataService)
          .repo(Booking)
          .countBy({ citizen: { email: 'twice@example.org' } }),
      ),
    ).toBe(1);
    // The proposal not taken went back.
    expect((await freeAt(a)) + (await freeAt(b))).toBe(1);
    await expectCapacityInvariant(t.dataSource);
    await expectOneHoldPerUnit(t);
    await setSettings({});
  });

  it('an accept at the moment of expiry has one outcome', async () => {
    for (let round = 0; round < 4; round++) {
      const slot = nextSlot(3);
      const wish = await wishFor(slot);
      await match(t);
      const { offer, proposals } = (await offerOf(t, wish.id))!;
      await t.asTenant(SLUG, () => t.app.get(OfferService).mailPending());
      const token = tokenOf(await linkFromOutbox(t, `terminagent:offer:${offer.id}`, '/terminvorschlag/'));
      t.clock.set(new Date(offer.expiresAt.getTime() - 1));
      const accepting = t.http.post(`${TA}/offers/${offer.id}/accept`).send({ token, proposalId: proposals[0].id });
      const expiring = (async () => {
        await new Promise((r) => setTimeout(r, round * 3));
        t.clock.set(offer.expiresAt);
        await expireOffers(t);
      })();
      const [res] = await Promise.all([accepting, expiring]);
      const status = (await offerOf(t, wish.id))!.offer.status;
      const bookings = await t.asTenant(SLUG, () =>
        t.app
          .get(TenantDataService)
          .repo(Booking)
          .countBy({ citizen: { email: `c${n}@example.org` } }),
      );
      if (status === 'accepted') {
        expect([res.status, bookings, await freeAt(slot)]).toEqual([200, 1, 0]);
      } else {
        expect(status).toBe('expired');
        expect([res.status, bookings, await freeAt(slot)]).toEqual([409, 0, 1]);
      }
      await expectCapacityInvariant(t.dataSource);
      await expectOneHoldPerUnit(t);
    }
  });

  it('a wish lapses after its lifetime, frees its place for a new registration, and its personal data goes after the retention', async () => {
    const slot = nextSlot();
    const wish = await wishFor(slot, 'lapse@example.org');
    const row = await wishRow(t, wish.id);
    // Matching is not run here: the wish just waits until its lifetime (60 days by default) is over.
    t.clock.set(new Date(row.expiresAt.getTime() + 1000));
    await t.asTenant(SLUG, () => t.app.get(WishService).lapseDue());
    expect((await wishRow(t, wish.id)).status).toBe('expired');
    const { date, window } = windowOf(slot);
    await t.http
      .post(`${TA}/wishes`)
      .send({
        services: [{ serviceId: ids.ausweis, quantity: 1 }],
        locationIds: [ids.rathaus],
        windows: [window],
        earliestDate: date,
        latestDate: addDays(localDate(t.clock.now(), 'Europe/Berlin'), 5),
        citizen: { name: 'Lapse Again', email: 'lapse@example.org' },
        consent: true,
      })
      .expect(201);
    await t.asTenant(SLUG, () => t.app.get(WishService).applyRetention(7));
    expect((await wishRow(t, wish.id)).citizen.email).toBe('lapse@example.org');
    t.clock.advance(7 * 86_400_000);
    await t.asTenant(SLUG, () => t.app.get(WishService).applyRetention(7));
    const purged = await wishRow(t, wish.id);
    expect([purged.citizen.name, purged.citizen.email, purged.citizen.phone]).toEqual(['', null, null]);
    expect(purged.anonymizedAt).not.toBeNull();
    // The figures keep what is not personal.
    expect(purged.services).toEqual([{ serviceId: ids.ausweis, quantity: 1 }]);
  });
});
