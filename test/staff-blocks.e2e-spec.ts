import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type TestAgent from 'supertest/lib/agent.js';
import { Counter } from '../apps/server/src/catalog/entities/counter.entity.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import type { BlockOfferResult, BlockResult, CalendarDay } from '../plugins/booking/staff/calendar.types.js';
import { CapacityService } from '../plugins/booking/capacity.service.js';
import type { TestSmtpServer } from './harness/smtp-server.js';
import type { TestApp } from './harness/test-app.js';
import { type DemoIds, deliverMail, expectCapacityInvariant, release, releasedMailApp, SLUG } from './booking-helpers.js';
import { loginStaff, STAFF_API, staffAccounts } from './staff-calendar-helpers.js';

const BACKOFFICE = `/api/v1/tenants/${SLUG}/backoffice/bookings`;
const BLOCKS = `${STAFF_API}/blocks`;

describe('staff calendar: blocking capacity', () => {
  let t: TestApp;
  let ids: DemoIds;
  let smtp: TestSmtpServer;
  let lead: TestAgent;
  let platz1: string;

  beforeAll(async () => {
    ({ t, ids, smtp } = await releasedMailApp());
    await staffAccounts(t, ids);
    lead = await loginStaff(t, 'leitung@musterstadt.example');
    const counters = await t.asTenant(SLUG, () =>
      t.app
        .get(TenantDataService)
        .repo(Counter)
        .find({ where: { locationId: ids.rathaus } }),
    );
    platz1 = counters.find((c) => c.name === 'Platz 1')!.id;
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  const book = (start: string, citizen: Record<string, string>, agent: TestAgent = lead) =>
    agent.post(BACKOFFICE).send({ services: [{ serviceId: ids.ausweis, quantity: 1 }], locationId: ids.rathaus, start, citizen, consent: true });
  const free = async (localDate: string, from = '00:00', to = '23:59') =>
    Number(
      (
        await t.dataSource.query(
          'SELECT COALESCE(SUM(capacity - used), 0) AS n FROM booking_capacity_unit WHERE locationId = ? AND localDate = ? AND localStart >= ? AND localStart < ?',
          [ids.rathaus, localDate, from, to],
        )
      )[0].n,
    );
  const slots = async (localDate: string) =>
    Number(
      (
        await t.dataSource.query('SELECT COUNT(DISTINCT slotStart) AS n FROM booking_capacity_unit WHERE locationId = ? AND localDate = ?', [
          ids.rathaus,
          localDate,
        ])
      )[0].n,
    );
  /** The team lead blocks the whole town hall from start to end. */
  const blockRathaus = async (start: string, end: string, reason: string) =>
    (await lead.post(BLOCKS).send({ locationId: ids.rathaus, start, end, reason }).expect(201)).body as BlockResult;
  const count = async (table: string) => Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

  it('refuses bad input, other locations and other towns, writing nothing', async () => {
    const body = {
      locationId: ids.rathaus,
      counterId: null,
      start: '2026-11-24T14:00:00+01:00',
      end: '2026-11-24T15:00:00+01:00',
      reason: 'Betriebsversammlung',
    };
    const refusal = async (patch: Record<string, unknown>) =>
      (
        await lead
          .post(BLOCKS)
          .send({ ...body, ...patch })
          .expect(400)
      ).body;
    expect((await refusal({ end: body.start })).code).toBe('BLOCK_END_BEFORE_START');
    expect((await refusal({ start: '2026-11-01T08:00:00+01:00', end: '2026-11-02T08:00:00+01:00' })).code).toBe('BLOCK_IN_PAST');
    expect((await refusal({ end: '2027-01-24T14:00:00+01:00' })).code).toBe('BLOCK_TOO_LONG');
    expect((await refusal({ reason: '  ' })).code).toBe('BLOCK_REASON_REQUIRED');
    expect((await refusal({ start: '2026-11-24 14:00' })).message).toContain('mit Zeitzone');
    const nordCounter = (await t.dataSource.query('SELECT id FROM counter WHERE locationId = ?', [ids.nord]))[0].id;
    expect((await refusal({ counterId: nordCounter })).code).toBe('COUNTER_UNKNOWN');
    const nord = await loginStaff(t, 'nord@musterstadt.example');
    await nord.post(BLOCKS).send(body).expect(403);
    const foreign = await loginStaff(t, 'leitung@beispielheim.example', 'beispielheim');
    await foreign.post(BLOCKS).send(body).expect(403);
    await lead.post(BLOCKS).set('Origin', 'http://evil.example').send(body).expect(403);
    expect(await count('booking_capacity_block')).toBe(0);
    expect(await count('booking_capacity_block_unit')).toBe(0);
  });

  it('blocks a counter for a day: one unit per slot, lists the affected, offers them a new time by mail once, unblocks', async () => {
    const before = await free('2026-11-24');
    const a = (await book('2026-11-24T10:00:00+01:00', { name: 'Anna Amsel', email: 'anna@example.org' }).expect(201)).body;
    const b = (await book('2026-11-24T10:15:00+01:00', { name: 'Bruno Bach', phone: '0151 11122233' }).expect(201)).body;
    await deliverMail(t);
    const key = 'block-platz1-2026-11-24';
    const body = { locationId: ids.rathaus, counterId: platz1, start: '2026-11-24T08:00:00+01:00', end: '2026-11-24T18:00:00+01:00', reason: 'Krankheit' };
    const created = (await lead.post(BLOCKS).set('Idempotency-Key', key).send(body).expect(201)).body as BlockResult;
    // A double submit with the same key blocks once.
    expect((await lead.post(BLOCKS).set('Idempotency-Key', key).send(body).expect(201)).body.block.id).toBe(created.block.id);
    expect(await count('booking_capacity_block')).toBe(1);
    expect(created.removedUnits).toBe(await slots('2026-11-24'));
    expect(await free('2026-11-24')).toBe(before - 2 - created.removedUnits);
    expect(created.block).toMatchObject({ counterId: platz1, localStart: '08:00', localEnd: '18:00', reason: 'Krankheit' });
    expect(created.affected.map((x) => [x.reference, x.citizenName, x.hasEmail, x.phone])).toEqual([
      [a.reference, 'Anna Amsel', true, null],
      [b.reference, 'Bruno Bach', false, '+4915111122233'],
    ]);
    const day = (await lead.get(`${STAFF_API}/calendar/day?locationId=${ids.rathaus}&date=2026-11-24`).expect(200)).body as CalendarDay;
    expect(day.blocks.map((x) => x.id)).toEqual([created.block.id]);

    const sentBefore = smtp.messages.length;
    const offer = (await lead.post(`${BLOCKS}/${created.block.id}/offer`).expect(200)).body as BlockOfferResult;
    expect(offer).toMatchObject({ mailed: [a.reference], alreadyOffered: false, callList: [{ reference: b.reference, phone: '+4915111122233' }] });
    expect((await lead.post(`${BLOCKS}/${created.block.id}/offer`).expect(200)).body).toMatchObject({ mailed: [], alreadyOffered: true });
    await deliverMail(t);
    const mails = smtp.messages.slice(sentBefore);
    expect(mails).toHaveLength(1);
    expect(mails[0].to).toEqual(['anna@example.org']);
    expect(mails[0].subject).toContain(`kann leider nicht stattfinden: bitte neue Zeit wählen (${a.reference})`);
    expect(mails[0].text).toMatch(new RegExp(`/musterstadt/buchung/${a.reference}/verschieben\\?token=`));
    expect(mails[0].text).not.toContain('Krankheit');

    await lead.delete(`${BLOCKS}/${created.block.id}`).expect(204);
    expect(await free('2026-11-24')).toBe(before - 2);
    expect(await count('booking_capacity_block_unit')).toBe(0);
    await expectCapacityInvariant(t.dataSource);
    const actions = (await t.dataSource.query(`SELECT action FROM audit_log WHERE resource = 'capacity-block' ORDER BY createdAt`)).map(
      (r: { action: string }) => r.action,
    );
    expect(actions).toEqual(['capacity.blocked', 'capacity.block-offered', 'capacity.unblocked']);
  });

  it('blocks the whole location for some hours: nothing free stays, a unit freed inside is not offered again, unblocking gives all back', async () => {
    const before = await free('2026-11-26', '14:00', '15:00');
    const c = (await book('2026-11-26T14:00:00+01:00', { name: 'Carl Claus', email: 'carl@example.org' }).expect(201)).body;
    const [row] = await t.dataSource.query('SELECT id FROM booking WHERE reference = ?', [c.reference]);
    const block = await blockRathaus('2026-11-26T14:00:00+01:00', '2026-11-26T15:00:00+01:00', 'Betriebsversammlung');
    expect(block.affected.map((x) => x.reference)).toEqual([c.reference]);
    expect(await free('2026-11-26', '14:00', '15:00')).toBe(0);
    expect((await book('2026-11-26T14:15:00+01:00', { name: 'Dora Dorn' }).expect(409)).body.code).toBe('CAPACITY_GONE');
    // Cancelled inside the block: once the cancellation delay is over, the unit leaves the calendar rather than becoming free.
    await lead.post(`${BACKOFFICE}/${row.id}/cancel`).expect(200);
    t.clock.advance(61 * 60_000);
    expect(await t.asTenant(SLUG, () => t.app.get(CapacityService).returnDue())).toBe(0);
    expect(Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM booking_capacity_allocation WHERE ownerId = ?', [row.id]))[0].n)).toBe(0);
    expect(await free('2026-11-26', '14:00', '15:00')).toBe(0);
    await book('2026-11-26T14:00:00+01:00', { name: 'Dora Dorn' }).expect(409);
    await expectCapacityInvariant(t.dataSource);
    await lead.delete(`${BLOCKS}/${block.block.id}`).expect(204);
    await lead.delete(`${BLOCKS}/${block.block.id}`).expect(404);
    expect(await free('2026-11-26', '14:00', '15:00')).toBe(before);
    await book('2026-11-26T14:00:00+01:00', { name: 'Dora Dorn' }).expect(201);
    await expectCapacityInvariant(t.dataSource);
  });

  it('a block racing bookings for the same slot never leaves used above capacity nor a unit free inside it', async () => {
    const start = '2026-12-03T09:00:00+01:00';
    const bookings = Array.from({ length: 6 }, (_, i) => book(start, { name: `Rennen ${i}` }).then((r) => r.status));
    const blocking = lead
      .post(BLOCKS)
      .send({ locationId: ids.rathaus, start, end: '2026-12-03T09:15:00+01:00', reason: 'Wartung' })
      .then((r) => r.status);
    const [blockStatus, ...statuses] = await Promise.all([blocking, ...bookings]);
    expect(blockStatus).toBe(201);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const units = await t.dataSource.query('SELECT capacity, used, owed FROM booking_capacity_unit WHERE locationId = ? AND localDate = ? AND localStart = ?', [
      ids.rathaus,
      '2026-12-03',
      '09:00',
    ]);
    for (const u of units) {
      expect(Number(u.used)).toBeLessThanOrEqual(Number(u.capacity));
      expect(Number(u.capacity)).toBe(Number(u.used));
    }
    expect(units.reduce((n: number, u: { used: number | string }) => n + Number(u.used), 0)).toBe(statuses.filter((s) => s === 201).length);
    await expectCapacityInvariant(t.dataSource);
  });

  it('capacity released later inside a running block is withheld at once', async () => {
    // 2026-12-22 lies beyond the release horizon on 2026-11-23.
    expect(await slots('2026-12-22')).toBe(0);
    const block = await blockRathaus('2026-12-22T08:00:00+01:00', '2026-12-22T12:30:00+01:00', 'Weihnachtsfeier');
    expect(block.removedUnits).toBe(0);
    t.clock.set('2026-12-02T09:30:00Z');
    await release(t);
    expect(await slots('2026-12-22')).toBeGreaterThan(0);
    expect(await free('2026-12-22', '08:00', '12:30')).toBe(0);
    expect(await free('2026-12-22', '14:00', '18:00')).toBeGreaterThan(0);
    await lead.delete(`${BLOCKS}/${block.block.id}`).expect(204);
    expect(await free('2026-12-22', '08:00', '12:30')).toBeGreaterThan(0);
    await expectCapacityInvariant(t.dataSource);
  });
});
