import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type TestAgent from 'supertest/lib/agent.js';
import { AuditLog } from '../apps/server/src/audit/audit-log.entity.js';
import { DocumentChecklistItem } from '../apps/server/src/catalog/entities/document-checklist-item.entity.js';
import { Location } from '../apps/server/src/catalog/entities/location.entity.js';
import { ReleasePolicy } from '../apps/server/src/catalog/entities/release-policy.entity.js';
import { ScheduleRange } from '../apps/server/src/catalog/entities/schedule-range.entity.js';
import { Schedule } from '../apps/server/src/catalog/entities/schedule.entity.js';
import { Service } from '../apps/server/src/catalog/entities/service.entity.js';
import { createAccount, createAdminTestApp, loginAgent } from './harness/admin-session.js';
import type { TestApp } from './harness/test-app.js';

describe('admin validation and audit log', () => {
  let t: TestApp;
  let admin: TestAgent;
  let other: TestAgent;
  let tenantId: string;

  const errorsOf = (res: { body: any }) =>
    Object.fromEntries(Object.entries(res.body.record?.errors ?? {}).map(([k, v]) => [k, (v as { message: string }).message]));
  const count = (entity: Parameters<TestApp['dataSource']['getRepository']>[0]) => t.dataSource.getRepository(entity).countBy({ tenantId } as never);

  beforeAll(async () => {
    t = await createAdminTestApp();
    await createAccount(t, 'tenant-admin', 'admin@musterstadt.test', 'musterstadt');
    await createAccount(t, 'tenant-admin', 'admin@beispielheim.test', 'beispielheim');
    tenantId = (await t.tenant('musterstadt')).id;
    admin = await loginAgent(t, 'admin@musterstadt.test');
    other = await loginAgent(t, 'admin@beispielheim.test');
  });
  afterAll(async () => t.close());

  it('release policies: shares 0–100 adding up to 100, times HH:MM, at most 28 days ahead', async () => {
    const before = await count(ReleasePolicy);
    const location = await t.dataSource.getRepository(Location).findOneByOrFail({ tenantId });
    const res = await admin.post('/admin/api/resources/ReleasePolicy/actions/new').type('form').send({
      locationId: location.id,
      dailyReleaseTime: '9 Uhr',
      sameDayReleaseTime: '25:00',
      horizonDays: '29',
      shareOnlinePercent: '80',
      shareAgentPercent: '30',
      sharePhonePercent: '0',
      shareKioskPercent: '-1',
      cancelReturnDelayMinutes: '60',
    });
    expect(res.body.notice.type).toBe('error');
    expect(errorsOf(res)).toMatchObject({
      dailyReleaseTime: 'Bitte eine Uhrzeit im Format HH:MM angeben (z. B. 09:00).',
      sameDayReleaseTime: 'Bitte eine Uhrzeit im Format HH:MM angeben (z. B. 09:00).',
      horizonDays: 'Termine sind höchstens 28 Tage im Voraus buchbar (1 bis 28).',
      shareKioskPercent: 'Ein Anteil liegt zwischen 0 und 100 Prozent.',
    });
    const sum = await admin.post('/admin/api/resources/ReleasePolicy/actions/new').type('form').send({
      locationId: location.id,
      dailyReleaseTime: '09:00',
      sameDayReleaseTime: '07:00',
      horizonDays: '21',
      shareOnlinePercent: '80',
      shareAgentPercent: '30',
      sharePhonePercent: '0',
      shareKioskPercent: '0',
      cancelReturnDelayMinutes: '60',
    });
    expect(errorsOf(sum).shareOnlinePercent).toBe('Die Anteile müssen zusammen 100 % ergeben (derzeit 110 %).');
    expect(await count(ReleasePolicy)).toBe(before);

    const ok = await admin.post('/admin/api/resources/ReleasePolicy/actions/new').type('form').send({
      locationId: location.id,
      dailyReleaseTime: '09:00',
      sameDayReleaseTime: '07:00',
      horizonDays: '21',
      shareOnlinePercent: '60',
      shareAgentPercent: '20',
      sharePhonePercent: '10',
      shareKioskPercent: '10',
      cancelReturnDelayMinutes: '60',
    });
    expect(ok.body.notice.type).toBe('success');
    const dup = await admin.post('/admin/api/resources/ReleasePolicy/actions/new').type('form').send({
      locationId: location.id,
      dailyReleaseTime: '09:00',
      sameDayReleaseTime: '07:00',
      horizonDays: '21',
      shareOnlinePercent: '100',
      shareAgentPercent: '0',
      sharePhonePercent: '0',
      shareKioskPercent: '0',
      cancelReturnDelayMinutes: '0',
    });
    expect(errorsOf(dup).locationId).toBe('Für diesen Standort gibt es bereits eine Regel.');
    expect(await count(ReleasePolicy)).toBe(before + 1);
  });

  it('opening hours: the slot length must divide every range', async () => {
    const schedule = await t.dataSource.getRepository(Schedule).findOneByOrFail({ tenantId });
    const before = await count(ScheduleRange);
    const end = `09:${String(schedule.slotMinutes + 1).padStart(2, '0')}`;
    const res = await admin.post('/admin/api/resources/ScheduleRange/actions/new').type('form').send({
      scheduleId: schedule.id,
      weekday: '7',
      startTime: '09:00',
      endTime: end,
      counters: '0',
    });
    expect(errorsOf(res)).toEqual({
      endTime: `Die Zeitspanne muss in ${schedule.slotMinutes}-Minuten-Schritte (Taktung des Zeitplans) aufgehen.`,
      counters: 'Es muss mindestens ein Platz besetzt sein (höchstens 100).',
    });
    const backwards = await admin.post('/admin/api/resources/ScheduleRange/actions/new').type('form').send({
      scheduleId: schedule.id,
      weekday: '6',
      startTime: '12:00',
      endTime: '09:00',
      counters: '1',
    });
    expect(errorsOf(backwards).endTime).toBe('Das Ende muss nach dem Beginn liegen.');
    const existing = await t.dataSource.getRepository(ScheduleRange).findOneByOrFail({ tenantId, scheduleId: schedule.id });
    const overlap = await admin
      .post('/admin/api/resources/ScheduleRange/actions/new')
      .type('form')
      .send({
        scheduleId: schedule.id,
        weekday: String(existing.weekday),
        startTime: existing.startTime,
        endTime: existing.endTime,
        counters: '1',
      });
    expect(errorsOf(overlap).startTime).toBe(`Überschneidet sich mit ${existing.startTime}–${existing.endTime} am selben Tag.`);
    // Editing a range does not clash with itself.
    const same = await admin
      .post(`/admin/api/resources/ScheduleRange/records/${existing.id}/edit`)
      .type('form')
      .send({ counters: String(existing.counters) });
    expect(same.body.notice.type).toBe('success');
    // Changing the schedule's slot length is checked against its existing ranges.
    const slot = await admin.post(`/admin/api/resources/Schedule/records/${schedule.id}/edit`).type('form').send({ slotMinutes: '7' });
    expect(errorsOf(slot).slotMinutes).toMatch(/^Die Taktung muss die Öffnungszeiten teilen/);
    expect((await t.dataSource.getRepository(Schedule).findOneByOrFail({ id: schedule.id })).slotMinutes).toBe(schedule.slotMinutes);
    expect(await count(ScheduleRange)).toBe(before);
  });

  it('services: positive durations; a service offered nowhere is flagged; the checklist is edited as lines', async () => {
    const before = await count(Service);
    const bad = await admin
      .post('/admin/api/resources/Service/actions/new')
      .type('form')
      .send({ name: '', durationMinutes: '0', maxQuantity: '1', position: '0' });
    expect(errorsOf(bad)).toMatchObject({ name: 'Pflichtfeld.', durationMinutes: 'Die Dauer muss zwischen 1 und 480 Minuten liegen.' });
    expect(await count(Service)).toBe(before);

    const res = await admin.post('/admin/api/resources/Service/actions/new').type('form').send({
      name: 'Fischereischein',
      durationMinutes: '20',
      maxQuantity: '1',
      position: '9',
      checklist: 'Personalausweis\n\n  Passbild  \nPrüfungszeugnis',
    });
    expect(res.body.notice.type).toBe('success');
    const id = res.body.record.params.id;
    const items = await t.dataSource.getRepository(DocumentChecklistItem).find({ where: { serviceId: id }, order: { position: 'ASC' } });
    expect(items.map((i) => [i.position, i.text, i.tenantId])).toEqual([
      [0, 'Personalausweis', tenantId],
      [1, 'Passbild', tenantId],
      [2, 'Prüfungszeugnis', tenantId],
    ]);

    const shown = await admin.get(`/admin/api/resources/Service/records/${id}/show`).expect(200);
    expect(shown.body.record.params.checklist).toBe('Personalausweis\nPassbild\nPrüfungszeugnis');
    expect(shown.body.record.params.locations).toBe('⚠ an keinem Standort angeboten');
    const list = await admin.get('/admin/api/resources/Service/actions/list?perPage=100').expect(200);
    const flagged = list.body.records.filter((r: any) => r.params.locations.startsWith('⚠')).map((r: any) => r.params.name);
    expect(flagged).toEqual(['Fischereischein']);

    await admin.post(`/admin/api/resources/Service/records/${id}/edit`).type('form').send({ checklist: 'Personalausweis\nFoto' }).expect(200);
    const after = await t.dataSource.getRepository(DocumentChecklistItem).find({ where: { serviceId: id }, order: { position: 'ASC' } });
    expect(after.map((i) => i.text)).toEqual(['Personalausweis', 'Foto']);
    expect(after[0].id).toBe(items[0].id);
    const audit = await t.dataSource.getRepository(AuditLog).findOneByOrFail({ recordId: id, action: 'edit' });
    expect(audit.changes).toEqual({ checklist: ['Personalausweis\nPassbild\nPrüfungszeugnis', 'Personalausweis\nFoto'] });
  });

  it('writes who changed what in the audit log, visible to the tenant only', async () => {
    const location = await t.dataSource.getRepository(Location).findOneByOrFail({ tenantId });
    const res = await admin.post(`/admin/api/resources/Location/records/${location.id}/edit`).type('form').send({ phone: '02345 99-0' });
    expect(res.body.notice.type).toBe('success');
    const entry = await t.dataSource.getRepository(AuditLog).findOneByOrFail({ recordId: location.id, action: 'edit' });
    expect(entry).toMatchObject({ tenantId, actorEmail: 'admin@musterstadt.test', resource: 'Location' });
    expect(entry.changes).toEqual({ phone: [location.phone, '02345 99-0'] });

    const mine = await admin.get('/admin/api/resources/AuditLog/actions/list?perPage=100').expect(200);
    expect(mine.body.records.map((r: any) => r.params.id)).toContain(entry.id);
    const theirs = await other.get('/admin/api/resources/AuditLog/actions/list?perPage=100').expect(200);
    expect(theirs.body.records.map((r: any) => r.params.id)).not.toContain(entry.id);
    expect(JSON.stringify(theirs.body)).not.toContain('admin@musterstadt.test');
    // Read-only, even for its own tenant.
    const edit = await admin.post(`/admin/api/resources/AuditLog/records/${entry.id}/edit`).type('form').send({ action: 'nichts' });
    expect(edit.body.notice.type).toBe('error');
    const del = await admin.post(`/admin/api/resources/AuditLog/records/${entry.id}/delete`);
    expect(del.body.notice.type).toBe('error');
    expect(await t.dataSource.getRepository(AuditLog).countBy({ id: entry.id })).toBe(1);
  });

  it('never records passwords in the audit log', async () => {
    const res = await admin
      .post('/admin/api/resources/AdminUser/actions/new')
      .type('form')
      .send({ email: 'neu@musterstadt.test', password: 'Ein-sehr-geheimes-Passwort', role: 'staff' });
    expect(res.body.notice.type).toBe('success');
    const entry = await t.dataSource.getRepository(AuditLog).findOneByOrFail({ recordId: res.body.record.params.id });
    expect(JSON.stringify(entry.changes)).not.toMatch(/Ein-sehr-geheimes|\$2[aby]\$/);
    expect(entry.changes.email).toEqual([null, 'neu@musterstadt.test']);
  });
});
