import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type TestAgent from 'supertest/lib/agent.js';
import { Counter } from '../apps/server/src/catalog/entities/counter.entity.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import type { CalendarDay, CalendarPrintDay, StaffBookingDetail, StaffSearchResult } from '../plugins/booking/staff/calendar.types.js';
import type { TestSmtpServer } from './harness/smtp-server.js';
import type { TestApp } from './harness/test-app.js';
import { type DemoIds, deliverMail, expectCapacityInvariant, rathausStarts, releasedMailApp, SLUG } from './booking-helpers.js';
import { insertBooking, loginStaff, STAFF_API, staffAccounts } from './staff-calendar-helpers.js';

const BACKOFFICE = `/api/v1/tenants/${SLUG}/backoffice/bookings`;

describe('staff calendar: open, search and act for a caller', () => {
  let t: TestApp;
  let ids: DemoIds;
  let smtp: TestSmtpServer;
  let lead: TestAgent;
  let clerk: TestAgent;
  let nordClerk: TestAgent;
  let clerkId: string;
  const next = rathausStarts();

  beforeAll(async () => {
    ({ t, ids, smtp } = await releasedMailApp());
    ({
      clerkRathaus: { id: clerkId },
    } = await staffAccounts(t, ids));
    lead = await loginStaff(t, 'leitung@musterstadt.example');
    clerk = await loginStaff(t, 'rathaus@musterstadt.example');
    nordClerk = await loginStaff(t, 'nord@musterstadt.example');
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  async function book(citizen: Record<string, string>, start = next()) {
    const res = await lead
      .post(BACKOFFICE)
      .send({ services: [{ serviceId: ids.ausweis, quantity: 1 }], locationId: ids.rathaus, start, citizen, consent: true })
      .expect(201);
    const [row] = await t.dataSource.query('SELECT id FROM booking WHERE reference = ?', [res.body.reference]);
    return { id: row.id as string, reference: res.body.reference as string };
  }
  const audit = (action: string) =>
    t.dataSource.query('SELECT actorId, actorEmail, tenantId, recordId, changes FROM audit_log WHERE action = ? ORDER BY createdAt', [action]) as Promise<
      Array<{ actorId: string; actorEmail: string; tenantId: string; recordId: string | null; changes: string }>
    >;
  const count = async (sql: string) => Number((await t.dataSource.query(sql))[0].n);

  it('opens one appointment with the personal data and writes who looked, when; refuses other locations and towns without an entry', async () => {
    const { id, reference } = await book({ name: 'Paula Plan', email: 'paula@example.org', phone: '0151 23456789' });
    const detail = (await clerk.get(`${BACKOFFICE}/${id}`).expect(200)).body as StaffBookingDetail;
    expect(detail).toMatchObject({
      id,
      reference,
      status: 'confirmed',
      channel: 'phone',
      revision: 1,
      changeable: true,
      location: { id: ids.rathaus },
      citizen: { name: 'Paula Plan', email: 'paula@example.org', phone: '+4915123456789', locale: 'de' },
    });
    const [entry] = await audit('personal-data.viewed');
    const [tenant] = await t.dataSource.query('SELECT id FROM tenant WHERE slug = ?', [SLUG]);
    expect(entry).toMatchObject({ actorId: clerkId, actorEmail: 'rathaus@musterstadt.example', tenantId: tenant.id, recordId: id });

    expect((await nordClerk.get(`${BACKOFFICE}/${id}`).expect(403)).body.message).toBe('Kein Zugriff auf diesen Standort.');
    const foreign = await loginStaff(t, 'leitung@beispielheim.example', 'beispielheim');
    await foreign.get(`${BACKOFFICE}/${id}`).expect(403);
    const theirs = `/api/v1/tenants/beispielheim/backoffice/bookings`;
    const existing = await foreign.get(`${theirs}/${id}`).expect(404);
    const unknown = await foreign.get(`${theirs}/00000000-0000-4000-8000-000000000000`).expect(404);
    expect(existing.body).toEqual(unknown.body);
    expect(JSON.stringify(existing.body)).not.toContain('Paula');
    expect(await audit('personal-data.viewed')).toHaveLength(1);
  });

  it('searches by reference, name, email and phone within the scope; audits the kind, not a personal query', async () => {
    const a = await book({ name: 'Bernd Suchmann', email: 'Bernd.S@Example.org', phone: '+49 30 1234567' });
    const anonymised = await insertBooking(t, ids, {
      startAt: new Date('2026-11-26T09:00:00Z'),
      reference: 'ANON-7777',
      citizen: { name: '', email: null, phone: null, locale: 'de', smsConsent: false },
      anonymizedAt: new Date('2026-11-20T00:00:00Z'),
    });
    await insertBooking(t, ids, {
      startAt: new Date('2026-11-26T09:00:00Z'),
      reference: 'NORD-2222',
      locationId: ids.nord,
      citizen: { name: 'Bernd Nordmann', email: 'nord@example.org', phone: null, locale: 'de', smsConsent: false },
    });
    const search = async (agent: TestAgent, q: string) => (await agent.get(BACKOFFICE).query({ q }).expect(200)).body as StaffSearchResult;

    const byRef = await search(clerk, a.reference.toLowerCase().replace('-', ''));
    expect(byRef).toMatchObject({ kind: 'reference', truncated: false, hits: [{ id: a.id, citizenName: 'Bernd Suchmann', locationId: ids.rathaus }] });
    expect((await search(clerk, 'suchma')).hits.map((h) => h.id)).toEqual([a.id]);
    expect((await search(clerk, 'BERND.S@example.ORG')).hits.map((h) => h.id)).toEqual([a.id]);
    const byPhone = await search(clerk, '030 1234567');
    expect(byPhone).toMatchObject({ kind: 'phone', hits: [{ id: a.id }] });
    // Only the scope's locations: the Rathaus clerk never sees the Nord booking; the supervisor does.
    expect((await search(clerk, 'Bernd')).hits.map((h) => h.reference)).toEqual([a.reference]);
    expect((await search(lead, 'Bernd')).hits.map((h) => h.reference).sort()).toEqual([a.reference, 'NORD-2222'].sort());
    expect((await search(nordClerk, a.reference)).hits).toEqual([]);
    // Anonymised: found by reference (without personal data), never by what it once held.
    expect((await search(lead, 'ANON-7777')).hits).toMatchObject([{ id: anonymised.id, citizenName: null }]);
    expect((await search(lead, 'Erika')).hits).toEqual([]);
    // A wildcard is a character, not a pattern.
    expect((await search(lead, '%%')).hits).toEqual([]);

    const searches = await audit('personal-data.searched');
    expect(searches.length).toBe(10);
    const logged = JSON.stringify(searches);
    for (const personal of ['suchma', 'Bernd', 'example.org', '1234567']) expect(logged).not.toContain(personal);
    expect(logged).toContain(a.reference);
    expect(searches.every((s) => s.actorId && s.recordId === null)).toBe(true);

    expect((await clerk.get(BACKOFFICE).query({ q: 'a' }).expect(400)).body.code).toBe('SEARCH_TOO_SHORT');
    expect((await clerk.get(BACKOFFICE).query({ q: '0000 0' }).expect(400)).body.code).toBe('PHONE_INVALID');
    await clerk.get(BACKOFFICE).expect(400);
    // The rows written directly hold no capacity; the later capacity checks look at real bookings only.
    await t.dataSource.query(`DELETE FROM booking WHERE reference IN ('ANON-7777', 'NORD-2222')`);
  });

  it('cancels for a caller: capacity back, the citizen gets the mail, a second click changes nothing', async () => {
    const { id, reference } = await book({ name: 'Clara Cancel', email: 'clara@example.org' });
    await deliverMail(t);
    const before = smtp.messages.length;
    const cancelled = (await clerk.post(`${BACKOFFICE}/${id}/cancel`).expect(200)).body as StaffBookingDetail;
    expect(cancelled).toMatchObject({ status: 'cancelled', changeable: false });
    expect((await clerk.post(`${BACKOFFICE}/${id}/cancel`).expect(200)).body.status).toBe('cancelled');
    await deliverMail(t);
    const mails = smtp.messages.slice(before);
    expect(mails.map((m) => [m.to, m.subject])).toEqual([[['clara@example.org'], expect.stringContaining(`ist abgesagt (${reference})`)]]);
    expect(await audit('booking.cancelled')).toMatchObject([{ recordId: id, actorId: clerkId }]);
    await expectCapacityInvariant(t.dataSource);
    await nordClerk.post(`${BACKOFFICE}/${id}/cancel`).expect(403);
  });

  it('moves for a caller: mail to the citizen, a repeated click answered like the first, a stale one refused', async () => {
    const { id, reference } = await book({ name: 'Moritz Move', email: 'moritz@example.org' });
    await deliverMail(t);
    const before = smtp.messages.length;
    const to = next();
    const moved = (await clerk.post(`${BACKOFFICE}/${id}/move`).send({ locationId: ids.rathaus, start: to, revision: 1 }).expect(200))
      .body as StaffBookingDetail;
    expect(moved).toMatchObject({ revision: 2, startAt: new Date(to).toISOString(), counterId: null });
    const again = (await clerk.post(`${BACKOFFICE}/${id}/move`).send({ locationId: ids.rathaus, start: to, revision: 1 }).expect(200)).body;
    expect(again).toEqual(moved);
    const stale = await clerk.post(`${BACKOFFICE}/${id}/move`).send({ locationId: ids.rathaus, start: next(), revision: 1 }).expect(409);
    expect(stale.body.code).toBe('BOOKING_CHANGED');
    await deliverMail(t);
    const mails = smtp.messages.slice(before);
    expect(mails.map((m) => m.subject)).toEqual([expect.stringMatching(new RegExp(`^Verlegt: .*\\(${reference}\\)`))]);
    expect(await audit('booking.moved')).toMatchObject([{ recordId: id }]);
    await expectCapacityInvariant(t.dataSource);
    // The Rathaus clerk cannot move an appointment to Nord.
    await clerk.post(`${BACKOFFICE}/${id}/move`).send({ locationId: ids.nord, start: next(), revision: 2 }).expect(403);
    await clerk.post(`${BACKOFFICE}/${id}/move`).send({ locationId: ids.rathaus, start: 'tomorrow', revision: 2 }).expect(400);
  });

  it('sets a counter and a note, refusing bad input and other sites without writing anything', async () => {
    const { id } = await book({ name: 'Nora Note' }, '2026-11-24T11:00:00+01:00');
    const counters = await t.asTenant(SLUG, () =>
      t.app
        .get(TenantDataService)
        .repo(Counter)
        .find({ order: { name: 'ASC' } }),
    );
    const platz4 = counters.find((c) => c.locationId === ids.rathaus && c.name === 'Platz 4')!;
    const nordCounter = counters.find((c) => c.locationId === ids.nord)!;
    expect((await clerk.put(`${BACKOFFICE}/${id}/counter`).send({ counterId: platz4.id }).expect(200)).body.counterId).toBe(platz4.id);
    const dayView = (await clerk.get(`${STAFF_API}/calendar/day?locationId=${ids.rathaus}&date=2026-11-24`).expect(200)).body as CalendarDay;
    expect(dayView.entries.find((e) => e.id === id)!.counterId).toBe(platz4.id);
    expect((await clerk.put(`${BACKOFFICE}/${id}/note`).send({ note: '  Bringt Dolmetscherin mit  ' }).expect(200)).body.note).toBe('Bringt Dolmetscherin mit');
    await clerk.put(`${BACKOFFICE}/${id}/note`).send({ note: 'Bringt Dolmetscherin mit' }).expect(200);
    expect(await audit('booking.note-set')).toHaveLength(1);

    const entries = await count('SELECT COUNT(*) AS n FROM audit_log');
    expect((await clerk.put(`${BACKOFFICE}/${id}/counter`).send({ counterId: nordCounter.id }).expect(400)).body.code).toBe('COUNTER_UNKNOWN');
    expect(
      (
        await clerk
          .put(`${BACKOFFICE}/${id}/note`)
          .send({ note: 'x'.repeat(1001) })
          .expect(400)
      ).body.message,
    ).toContain('höchstens 1000 Zeichen');
    await clerk.put(`${BACKOFFICE}/${id}/note`).send({ note: 'x', extra: 1 }).expect(400);
    await clerk.put(`${BACKOFFICE}/${id}/note`).set('Origin', 'http://evil.example').send({ note: 'von außen' }).expect(403);
    await nordClerk.put(`${BACKOFFICE}/${id}/note`).send({ note: 'fremd' }).expect(403);
    expect(await count('SELECT COUNT(*) AS n FROM audit_log')).toBe(entries);
    const [row] = await t.dataSource.query('SELECT counterId, staffNote FROM booking WHERE id = ?', [id]);
    expect(row).toEqual({ counterId: platz4.id, staffNote: 'Bringt Dolmetscherin mit' });

    // The day list to print carries names and counters, and is itself a look at personal data.
    const print = (await clerk.get(`${STAFF_API}/calendar/print?locationId=${ids.rathaus}&date=2026-11-24`).expect(200)).body as CalendarPrintDay;
    expect(print.rows.find((r) => r.id === id)).toMatchObject({
      citizenName: 'Nora Note',
      counterName: 'Platz 4 (1. Obergeschoss, Raum 1.03)',
      note: 'Bringt Dolmetscherin mit',
    });
    expect(await audit('personal-data.printed')).toMatchObject([{ actorId: clerkId }]);
    await nordClerk.get(`${STAFF_API}/calendar/print?locationId=${ids.rathaus}&date=2026-11-24`).expect(403);
  });
});
