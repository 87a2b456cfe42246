import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BaseEntity } from 'typeorm';
import type TestAgent from 'supertest/lib/agent.js';
import { AuditLog } from '../apps/server/src/audit/audit-log.entity.js';
import { AuditService } from '../apps/server/src/audit/audit.service.js';
import { AdminUser } from '../apps/server/src/auth/admin-user.entity.js';
import { Closure } from '../apps/server/src/catalog/entities/closure.entity.js';
import { Counter } from '../apps/server/src/catalog/entities/counter.entity.js';
import { Device } from '../apps/server/src/devices/device.entity.js';
import { DocumentChecklistItem } from '../apps/server/src/catalog/entities/document-checklist-item.entity.js';
import { Location } from '../apps/server/src/catalog/entities/location.entity.js';
import { ReleasePolicy } from '../apps/server/src/catalog/entities/release-policy.entity.js';
import { ScheduleRange } from '../apps/server/src/catalog/entities/schedule-range.entity.js';
import { Schedule } from '../apps/server/src/catalog/entities/schedule.entity.js';
import { ServiceOffering } from '../apps/server/src/catalog/entities/service-offering.entity.js';
import { Service } from '../apps/server/src/catalog/entities/service.entity.js';
import { MailTemplateOverride } from '../apps/server/src/notifications/mail-template-override.entity.js';
import { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import { TenantPluginState } from '../apps/server/src/tenancy/tenant-plugin-state.entity.js';
import { Tenant } from '../apps/server/src/tenancy/tenant.entity.js';
import { QueueLocationConfig } from '../plugins/queue/entities/location-config.entity.js';
import { TerminagentOffer } from '../plugins/terminagent/entities/offer.entity.js';
import { TerminagentWish } from '../plugins/terminagent/entities/wish.entity.js';
import { createAccount, createAdminTestApp, loginAgent, TEST_PASSWORD } from './harness/admin-session.js';
import type { TestApp } from './harness/test-app.js';
import { terminagentManifest } from '../plugins/terminagent/terminagent.manifest.js';

type Row = Record<string, any>;
type EntityClass = typeof BaseEntity & (new () => BaseEntity);

/** What each tenant owns of a resource, for the other tenant's admin to try to reach. */
interface Fixture {
  row: Row;
  /** Text only this record contains; must never show up in the other tenant's responses. */
  marker: string | null;
}

interface Subject {
  resource: string;
  entity: EntityClass;
  /** Field that gets the marker text (also used for search). */
  text?: string;
  /** A create payload pointing at the victim tenant's own records. */
  newPayload(v: Victim): Record<string, string>;
  editPayload: Record<string, string>;
  /** Without foreign references a new record is fine, but it lands in the admin's own tenant. */
  newIsCreated?: boolean;
}

interface Victim {
  tenantId: string;
  location: string;
  service: string;
  schedule: string;
}

const SUBJECTS: Subject[] = [
  {
    resource: 'Location',
    entity: Location,
    newIsCreated: true,
    text: 'name',
    editPayload: { name: 'Übernommen' },
    newPayload: (v) => ({ name: 'Neuer Standort', street: 'Weg 1', postalCode: '12345', city: 'Irgendwo', tenantId: v.tenantId }),
  },
  {
    resource: 'Counter',
    entity: Counter,
    text: 'room',
    editPayload: { room: 'Übernommen' },
    newPayload: (v) => ({ name: 'Platz 99', locationId: v.location, tenantId: v.tenantId }),
  },
  {
    resource: 'Service',
    entity: Service,
    newIsCreated: true,
    text: 'name',
    editPayload: { name: 'Übernommen', checklist: 'a\nb' },
    newPayload: (v) => ({ name: 'Neue Leistung', durationMinutes: '10', maxQuantity: '1', position: '0', tenantId: v.tenantId }),
  },
  {
    resource: 'DocumentChecklistItem',
    entity: DocumentChecklistItem,
    text: 'text',
    editPayload: { text: 'Übernommen' },
    newPayload: (v) => ({ serviceId: v.service, text: 'Unterlage', position: '0', tenantId: v.tenantId }),
  },
  {
    resource: 'ServiceOffering',
    entity: ServiceOffering,
    editPayload: { locationId: 'x' },
    newPayload: (v) => ({ serviceId: v.service, locationId: v.location, tenantId: v.tenantId }),
  },
  {
    resource: 'Schedule',
    entity: Schedule,
    text: 'name',
    editPayload: { name: 'Übernommen' },
    newPayload: (v) => ({ locationId: v.location, name: 'Plan', validFrom: '2027-01-01', slotMinutes: '15', tenantId: v.tenantId }),
  },
  {
    resource: 'ScheduleRange',
    entity: ScheduleRange,
    editPayload: { counters: '9' },
    newPayload: (v) => ({ scheduleId: v.schedule, weekday: '1', startTime: '08:00', endTime: '09:00', counters: '1', tenantId: v.tenantId }),
  },
  {
    resource: 'Closure',
    entity: Closure,
    text: 'reason',
    editPayload: { reason: 'Übernommen' },
    newPayload: (v) => ({ fromDate: '2027-01-01', toDate: '2027-01-02', reason: 'Betriebsausflug', locationId: v.location, tenantId: v.tenantId }),
  },
  {
    resource: 'ReleasePolicy',
    entity: ReleasePolicy,
    editPayload: { horizonDays: '3' },
    newPayload: (v) => ({
      locationId: v.location,
      dailyReleaseTime: '09:00',
      sameDayReleaseTime: '07:00',
      horizonDays: '21',
      shareOnlinePercent: '100',
      shareAgentPercent: '0',
      sharePhonePercent: '0',
      shareKioskPercent: '0',
      cancelReturnDelayMinutes: '0',
      tenantId: v.tenantId,
    }),
  },
  {
    resource: 'AdminUser',
    entity: AdminUser,
    newIsCreated: true,
    text: 'displayName',
    editPayload: { displayName: 'Übernommen', password: 'Ganz-neues-Passwort-1' },
    newPayload: (v) => ({ email: `neu-${v.tenantId.slice(0, 8)}@example.test`, password: TEST_PASSWORD, role: 'tenant-admin', tenantId: v.tenantId }),
  },
  {
    resource: 'TenantPluginState',
    entity: TenantPluginState,
    editPayload: { enabled: 'false', 'settings.holdMinutes': '45' },
    newPayload: (v) => ({ plugin: 'booking', enabled: 'true', tenantId: v.tenantId }),
  },
  {
    resource: 'Tenant',
    entity: Tenant,
    text: 'name',
    editPayload: { name: 'Übernommen' },
    newPayload: () => ({ slug: 'eingeschleust', name: 'Eingeschleust', state: 'NW', timeZone: 'Europe/Berlin', locale: 'de' }),
  },
  {
    resource: 'AuditLog',
    entity: AuditLog,
    text: 'actorEmail',
    editPayload: { action: 'x' },
    newPayload: (v) => ({ actorEmail: 'x@example.test', action: 'edit', resource: 'Location', changes: '{}', tenantId: v.tenantId }),
  },
  {
    resource: 'MailTemplateOverride',
    entity: MailTemplateOverride,
    newIsCreated: true,
    text: 'subject',
    editPayload: { subject: 'Übernommen' },
    newPayload: (v) => ({ templateKey: 'booking/receipt', locale: 'en', subject: 'Eingeschleust', text: '{{{links.confirm}}}', tenantId: v.tenantId }),
  },
  {
    resource: 'Device',
    entity: Device,
    text: 'name',
    editPayload: { name: 'Übernommen' },
    newPayload: (v) => ({ name: 'Eingeschleust', kind: 'display', locationId: v.location, tenantId: v.tenantId }),
  },
  // Plugin resources get the same scope (the Terminagent is switched on for both towns below).
  {
    resource: 'TerminagentWish',
    entity: TerminagentWish,
    text: 'citizen.name',
    editPayload: { status: 'booked' },
    newPayload: (v) => ({ status: 'waiting', 'citizen.name': 'Eingeschleust', locationIds: `["${v.location}"]`, tenantId: v.tenantId }),
  },
  {
    resource: 'TerminagentOffer',
    entity: TerminagentOffer,
    editPayload: { status: 'accepted' },
    newPayload: (v) => ({ status: 'open', wishId: 'x', tenantId: v.tenantId }),
  },
  {
    resource: 'QueueLocationConfig',
    entity: QueueLocationConfig,
    editPayload: { walkInPrefix: 'X' },
    newPayload: (v) => ({ locationId: v.location, walkInPrefix: 'X', tenantId: v.tenantId }),
  },
];

const SLUGS = ['musterstadt', 'beispielheim'] as const;

describe('admin panel: a tenant-admin cannot reach the other tenant (every resource × every action)', () => {
  let t: TestApp;
  const agents: Record<string, TestAgent> = {};
  const victims: Record<string, Victim> = {};
  const fixtures: Record<string, Record<string, Fixture>> = {};

  async function ownedCount(entity: EntityClass, tenantId: string): Promise<number> {
    const repo = t.dataSource.getRepository(entity);
    const where = repo.metadata.tableName === 'tenant' ? { id: tenantId } : { tenantId };
    return repo.countBy(where as never);
  }

  beforeAll(async () => {
    t = await createAdminTestApp();
    for (const slug of SLUGS) {
      const tenant = await t.tenant(slug);
      await createAccount(t, 'tenant-admin', `admin@${slug}.test`, slug);
      const ds = t.dataSource;
      const location = await ds.getRepository(Location).findOneByOrFail({ tenantId: tenant.id });
      const service = await ds.getRepository(Service).findOneByOrFail({ tenantId: tenant.id });
      const schedule = await ds.getRepository(Schedule).findOneByOrFail({ tenantId: tenant.id });
      victims[slug] = { tenantId: tenant.id, location: location.id, service: service.id, schedule: schedule.id };
      const closures = ds.getRepository(Closure);
      await closures.save(
        closures.create({ tenantId: tenant.id, locationId: location.id, fromDate: '2026-12-24', toDate: '2026-12-24', reason: 'Heiligabend' }),
      );
      await t.app.get(AuditService).write({
        tenantId: tenant.id,
        actor: { id: null, email: `someone@${slug}.test` },
        action: 'edit',
        resource: 'Location',
        recordId: location.id,
        changes: {},
      });
      const mailTemplates = ds.getRepository(MailTemplateOverride);
      await mailTemplates.save(
        mailTemplates.create({ tenantId: tenant.id, templateKey: 'booking/receipt', locale: 'de', subject: 'Termin', text: '{{{links.confirm}}}', html: null }),
      );
      const devices = ds.getRepository(Device);
      await devices.save(
        devices.create({ tenantId: tenant.id, name: 'Anzeige', kind: 'display', locationId: location.id, config: {}, tokenHash: `token-hash-${slug}` }),
      );
      await t.app.get(PluginHostService).setEnabled(tenant.id, terminagentManifest, true);
      const wishes = ds.getRepository(TerminagentWish);
      const wish = await wishes.save(
        wishes.create({
          tenantId: tenant.id,
          status: 'offered',
          token: `wish-token-${slug}`,
          services: [{ serviceId: service.id, quantity: 1 }],
          minutes: 15,
          locationIds: [location.id],
          windows: [{ weekday: 1, from: '08:00', to: '12:00' }],
          earliestDate: '2026-12-01',
          latestDate: '2026-12-31',
          openKey: `open-${slug}`,
          dedupeKey: `dedupe-${slug}`,
          queuedMs: 1,
          firstOfferedMs: 2,
          registeredAt: new Date(),
          expiresAt: new Date(Date.now() + 86_400_000),
          endedAt: null,
          citizen: { name: 'Erika', email: `erika@${slug}.test`, phone: null, locale: 'de', smsConsent: false },
          anonymizedAt: null,
        }),
      );
      const offers = ds.getRepository(TerminagentOffer);
      await offers.save(
        offers.create({
          tenantId: tenant.id,
          wishId: wish.id,
          status: 'open',
          token: `offer-token-${slug}`,
          expiresAt: new Date(Date.now() + 86_400_000),
          decidedAt: null,
          mailedAt: null,
          bookingReference: null,
        }),
      );
      const queueConfigs = ds.getRepository(QueueLocationConfig);
      await queueConfigs.save(queueConfigs.create({ tenantId: tenant.id, locationId: location.id, walkInPrefix: 'Q' }));
      fixtures[slug] = {};
      for (const s of SUBJECTS) {
        const repo = ds.getRepository(s.entity);
        const row = (s.entity === Tenant
          ? await repo.findOneByOrFail({ id: tenant.id } as never)
          : s.entity === TenantPluginState
            ? await repo.findOneByOrFail({ tenantId: tenant.id, plugin: 'booking' } as never)
            : await repo.findOneOrFail({ where: { tenantId: tenant.id } as never, order: { id: 'ASC' } as never })) as unknown as Row;
        let marker: string | null = null;
        if (s.text) {
          marker = `GEHEIM-${slug}-${s.resource}`;
          // A dotted text names a property of an embedded object (the wish's citizen.name).
          const patch = s.text.split('.').reduceRight<unknown>((value, key) => ({ [key]: value }), marker);
          await repo.update({ id: row.id } as never, patch as never);
          row[s.text] = marker;
        }
        fixtures[slug][s.resource] = { row, marker };
      }
    }
    for (const slug of SLUGS) agents[slug] = await loginAgent(t, `admin@${slug}.test`);
  });
  afterAll(async () => t.close());

  it("the device actions (pairing code, revoke) refuse the other town's device and change nothing", async () => {
    for (const [attacker, victim] of [SLUGS, [...SLUGS].reverse()] as Array<[string, string]>) {
      const { row } = fixtures[victim].Device;
      const before = JSON.stringify(await t.dataSource.getRepository(Device).findOneBy({ id: row.id }));
      for (const action of ['pairingCode', 'revoke']) {
        const url = `/admin/api/resources/Device/records/${row.id}/${action}`;
        for (const res of [await agents[attacker].get(url), await agents[attacker].post(url).send({})]) {
          expect(res.status >= 400 || res.body?.notice?.type === 'error' || res.status === 302).toBe(true);
          expect(res.text).not.toContain(fixtures[victim].Device.marker!);
        }
      }
      expect(JSON.stringify(await t.dataSource.getRepository(Device).findOneBy({ id: row.id }))).toBe(before);
    }
  });

  for (const [attacker, victim] of [SLUGS, [...SLUGS].reverse()] as Array<[string, string]>) {
    for (const subject of SUBJECTS) {
      it(`${attacker} → ${victim}: ${subject.resource}`, async () => {
        const agent = agents[attacker];
        const v = victims[victim];
        const { row, marker } = fixtures[victim][subject.resource];
        const repo = t.dataSource.getRepository(subject.entity);
        const snapshot = async () => JSON.stringify(await repo.findOneBy({ id: row.id } as never));
        const before = await snapshot();
        const victimCounts = await Promise.all(SUBJECTS.map((s) => ownedCount(s.entity, v.tenantId)));
        const base = `/admin/api/resources/${subject.resource}`;

        /** Nothing of the victim's record in a response, except what the request itself carried. */
        const expectClean = (res: { text: string }, request: string) => {
          const secrets = [row.id, v.tenantId, marker, row.token, (row.citizen as { email?: string } | undefined)?.email].filter(
            (m): m is string => !!m && !request.includes(m),
          );
          for (const secret of secrets) expect({ url: request, leaked: res.text.includes(secret) }).toEqual({ url: request, leaked: false });
        };
        const expectRefused = (res: { status: number; body: any }) => {
          const refused = res.status >= 400 || res.body?.notice?.type === 'error' || res.status === 302;
          expect(refused).toBe(true);
        };

        // list, also with filters naming the victim's tenant and record
        for (const url of [
          `${base}/actions/list`,
          `${base}/actions/list?filters.tenantId=${v.tenantId}`,
          `${base}/actions/list?filters.id=${row.id}`,
          `${base}/actions/list?perPage=500&sortBy=tenantId&direction=desc`,
        ]) {
          const res = await agent.get(url);
          expectClean(res, url);
          for (const r of res.body?.records ?? []) expect(r.params.tenantId ?? r.params.id).not.toBe(v.tenantId);
        }
        // search (feeds the reference dropdowns), by the victim's own title text
        const query = encodeURIComponent(marker ?? row.id);
        for (const url of [`${base}/search/${query}`, `${base}/actions/search/${query}`, `${base}/actions/search/${query}?filters.tenantId=${v.tenantId}`]) {
          const res = await agent.get(url);
          expectClean(res, url);
          expect((res.body?.records ?? []).map((r: Row) => r.id)).not.toContain(row.id);
        }
        // show
        {
          const url = `${base}/records/${row.id}/show`;
          const res = await agent.get(url);
          expectRefused(res);
          expectClean(res, url);
        }
        // edit (GET loads the form, POST saves)
        {
          const url = `${base}/records/${row.id}/edit`;
          const get = await agent.get(url);
          expectRefused(get);
          expectClean(get, url);
          const post = await agent
            .post(url)
            .type('form')
            .send({ ...subject.editPayload, tenantId: v.tenantId });
          expectRefused(post);
          expectClean(post, url + JSON.stringify(subject.editPayload) + v.tenantId);
        }
        // delete
        {
          const url = `${base}/records/${row.id}/delete`;
          const res = await agent.post(url);
          expectRefused(res);
          expectClean(res, url);
        }
        // bulk delete (GET asks for confirmation, POST deletes)
        {
          const url = `${base}/bulk/bulkDelete?recordIds=${row.id}`;
          const get = await agent.get(url);
          expectRefused(get);
          expectClean(get, url);
          const post = await agent.post(url);
          expectRefused(post);
          expectClean(post, url);
        }
        // new, with the victim's tenant and references in the payload
        {
          const url = `${base}/actions/new`;
          const payload = subject.newPayload(v);
          const res = await agent.post(url).type('form').send(payload);
          expectClean(res, url + JSON.stringify(payload));
          if (subject.newIsCreated) {
            expect(res.body?.notice?.type).toBe('success');
            const stored = (await repo.findOneBy({ id: res.body.record.params.id } as never)) as unknown as Row;
            expect(stored.tenantId).toBe(victims[attacker].tenantId);
          } else {
            expectRefused(res);
          }
        }

        expect(await snapshot()).toBe(before);
        expect(await Promise.all(SUBJECTS.map((s) => ownedCount(s.entity, v.tenantId)))).toEqual(victimCounts);
      });
    }
  }
});
