import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DomainEvent } from '../apps/server/src/events/domain-event.entity.js';
import { EventDelivery } from '../apps/server/src/events/event-delivery.entity.js';
import { EventDeliveryService } from '../apps/server/src/events/event-delivery.service.js';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { TaskRunnerService } from '../apps/server/src/tasks/task-runner.service.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { Booking } from '../plugins/booking/entities/booking.entity.js';
import { OfferService } from '../plugins/terminagent/offer.service.js';
import { CapacityUnit } from '../plugins/booking/entities/capacity-unit.entity.js';
import { citizen, demoIds, release, SLUG, type DemoIds } from './booking-helpers.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { agentSlots, linkFromOutbox, match, offerOf, queueWishForSlot, TA, tokenOf } from './terminagent-helpers.js';

const API = `/api/v1/tenants/${SLUG}`;

describe('booking events', () => {
  let t: TestApp;
  let ids: DemoIds;

  const events = () =>
    t.asTenant(SLUG, () =>
      t.app
        .get(TenantDataService)
        .repo(DomainEvent)
        .find({ order: { occurredAt: 'ASC', createdAt: 'ASC' } }),
    );
  const deliver = () => t.asTenant(SLUG, () => t.app.get(EventDeliveryService).deliverDue());
  const housekeeping = () => t.app.get(TaskRunnerService).runDue(t.clock.now(), (id) => id === 'booking.housekeeping');
  const book = (start: string, who: string) =>
    t.http
      .post(`${API}/bookings`)
      .send({
        services: [{ serviceId: ids.ausweis, quantity: 1 }],
        locationId: ids.rathaus,
        start,
        citizen: { ...citizen(who), phone: '+49 6131 555 0101' },
        consent: true,
      })
      .expect(201);

  beforeAll(async () => {
    t = await createTestApp();
    ids = await demoIds(t);
    await release(t);
  });
  afterAll(async () => t.close());

  it('publishes each step of a booking with ids and times only, never personal data', async () => {
    const a = (await book('2026-11-25T09:00:00+01:00', 'Ereignis')).body;
    await t.http.post(`${API}/bookings/${a.reference}/confirm`).send({ token: a.token }).expect(200);
    await t.http
      .post(`${API}/bookings/${a.reference}/rebook`)
      .send({ token: a.token, locationId: ids.rathaus, start: '2026-11-25T09:30:00+01:00' })
      .expect(200);
    await t.http.post(`${API}/bookings/${a.reference}/cancel`).send({ token: a.token }).expect(200);
    const b = (await book('2026-11-25T10:00:00+01:00', 'Verfall')).body;
    t.clock.advance(31 * 60_000);
    await housekeeping();
    // The confirmed appointment's time comes back after the policy delay.
    t.clock.advance(60 * 60_000);
    await housekeeping();

    const all = await events();
    const booking = async (reference: string) => (await t.asTenant(SLUG, () => t.app.get(TenantDataService).repo(Booking).findOneBy({ reference })))!.id;
    const idA = await booking(a.reference);
    const ofA = all.filter((e) => (e.payload as { bookingId?: string }).bookingId === idA);
    expect(ofA.map((e) => e.type)).toEqual(['booking.created', 'booking.confirmed', 'booking.rebooked', 'booking.cancelled']);
    expect(ofA[0].payload).toMatchObject({
      bookingId: idA,
      channel: 'online',
      status: 'pending',
      locationId: ids.rathaus,
      serviceIds: [ids.ausweis],
      start: '2026-11-25T08:00:00.000Z',
    });
    expect(ofA[2].payload).toMatchObject({ start: '2026-11-25T08:30:00.000Z', from: { start: '2026-11-25T08:00:00.000Z' } });
    expect(ofA[3].payload).toMatchObject({ previousStatus: 'confirmed' });
    const idB = await booking(b.reference);
    expect(all.filter((e) => (e.payload as { bookingId?: string }).bookingId === idB).map((e) => e.type)).toEqual(['booking.created', 'booking.lapsed']);
    expect(all.some((e) => e.type === 'booking.capacity-released' && (e.payload as { units: { online: number } }).units.online > 0)).toBe(true);
    const freed = all
      .filter((e) => e.type === 'booking.capacity-freed')
      .flatMap((e) => (e.payload as { slots: Array<{ start: string }> }).slots.map((s) => s.start));
    // The lapsed hold (at once), the time left by the rebooking and the cancelled one (both after the delay).
    expect(freed.sort()).toEqual(['2026-11-25T08:00:00.000Z', '2026-11-25T08:30:00.000Z', '2026-11-25T09:00:00.000Z']);

    const stored = JSON.stringify((await t.dataSource.query('SELECT payload FROM domain_event')).map((r: { payload: string }) => r.payload));
    // The phone number whole (as given and in E.164): a short run of its digits may occur in a random id.
    for (const secret of [
      a.reference,
      a.token,
      b.reference,
      b.token,
      'Ereignis',
      'Verfall',
      'erika',
      'example.org',
      '4961315550101',
      '555 0101',
      'Mustermann',
    ]) {
      expect(stored).not.toContain(secret);
    }
  });

  it('writes no event when the change fails', async () => {
    const before = (await events()).length;
    // The slot's online share is used up: the last booking is refused with 409 and leaves nothing behind.
    const [slot] = await t.asTenant(SLUG, () =>
      t.app
        .get(TenantDataService)
        .repo(CapacityUnit)
        .find({ where: { locationId: ids.rathaus, localDate: '2026-11-26', localStart: '09:00', channel: 'online' } }),
    );
    for (let i = 0; i < slot.capacity; i++) await book('2026-11-26T09:00:00+01:00', `voll${i}`);
    const after = (await events()).length;
    expect(after).toBe(before + slot.capacity);
    await t.http
      .post(`${API}/bookings`)
      .send({
        services: [{ serviceId: ids.ausweis, quantity: 1 }],
        locationId: ids.rathaus,
        start: '2026-11-26T09:00:00+01:00',
        citizen: citizen('zu-spaet'),
        consent: true,
      })
      .expect(409);
    expect((await events()).length).toBe(after);
  });

  it('the Terminagent matches when an appointment it placed is cancelled and its time comes back', async () => {
    const single = (await agentSlots(t)).filter(
      (s) => s.locationId === ids.rathaus && s.free === 1 && s.slotMinutes === 15 && s.start > t.clock.now().getTime() + 2 * 86_400_000,
    );
    const slot = single[0];
    const wish = (email: string) => queueWishForSlot(t, ids, slot, email);
    const first = await wish('first@example.org');
    const second = await wish('second@example.org');
    await match(t);
    const offered = (await offerOf(t, first.id))!;
    expect(await offerOf(t, second.id)).toBeNull();
    await deliver();
    await t.asTenant(SLUG, () => t.app.get(OfferService).mailPending());
    const offerToken = tokenOf(await linkFromOutbox(t, `terminagent:offer:${offered.offer.id}`, '/terminvorschlag/'));
    const accepted = await t.http.post(`${TA}/offers/${offered.offer.id}/accept`).send({ token: offerToken, proposalId: offered.proposals[0].id }).expect(200);
    const placed = (await t.asTenant(SLUG, () => t.app.get(TenantDataService).repo(Booking).findOneBy({ reference: accepted.body.bookingReference })))!;
    expect(placed.channel).toBe('agent');
    // Everything so far is delivered; from here only the cancellation can make the agent match.
    await deliver();
    expect(await offerOf(t, second.id)).toBeNull();

    await t.http.post(`${API}/bookings/${placed.reference}/cancel`).send({ token: placed.token }).expect(200);
    t.clock.advance(61 * 60_000);
    await housekeeping();
    const freed = (await events()).filter((e) => e.type === 'booking.capacity-freed').at(-1)!;
    expect(freed.payload).toEqual({ slots: [{ locationId: ids.rathaus, channel: 'agent', start: new Date(slot.start).toISOString() }] });
    const delivery = await t.asTenant(SLUG, () => t.app.get(TenantDataService).repo(EventDelivery).findOneBy({ eventId: freed.id }));
    expect(delivery).toMatchObject({ subscriber: 'terminagent:CapacityEventsSubscriber', status: 'pending' });
    // No matching task runs here: the event's delivery alone offers the time to the next wish.
    await deliver();
    const next = (await offerOf(t, second.id))!;
    expect(next.proposals[0].startAt.getTime()).toBe(slot.start);
  });

  it('the release counts the agent share online while no enabled plugin consumes the agent channel', async () => {
    const host = t.app.get(PluginHostService);
    // Musterstadt has the Terminagent on, Beispielheim off (tenant files).
    expect(await host.hasCapability((await t.tenant(SLUG)).id, 'booking.agent-channel')).toBe(true);
    expect(await host.hasCapability((await t.tenant('beispielheim')).id, 'booking.agent-channel')).toBe(false);
    const ofMusterstadt = (await events()).filter((e) => e.type === 'booking.capacity-released');
    expect(ofMusterstadt.some((e) => (e.payload as { units: { agent: number } }).units.agent > 0)).toBe(true);
    await release(t, 'beispielheim');
    const released = await t.asTenant('beispielheim', () => t.app.get(TenantDataService).repo(DomainEvent).findBy({ type: 'booking.capacity-released' }));
    expect(released.length).toBeGreaterThan(0);
    for (const e of released) expect((e.payload as { units: { agent: number } }).units.agent).toBe(0);
    // The Terminagent's subscriber is skipped for this tenant while the plugin is off.
    expect(await t.asTenant('beispielheim', () => t.app.get(EventDeliveryService).deliverDue())).toMatchObject({ delivered: 0 });
  });
});
