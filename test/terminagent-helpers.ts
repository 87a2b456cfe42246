import { expect } from '@jest/globals';
import { TaskRunnerService } from '../apps/server/src/tasks/task-runner.service.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { AgentCapacityService, type AgentSlot } from '../plugins/booking/agent-capacity.service.js';
import { TerminagentOffer } from '../plugins/terminagent/entities/offer.entity.js';
import { TerminagentProposal } from '../plugins/terminagent/entities/proposal.entity.js';
import { TerminagentWish } from '../plugins/terminagent/entities/wish.entity.js';
import { MatchingService, MIN_LEAD_HOURS, type MatchOptions } from '../plugins/terminagent/matching.service.js';
import { OfferService } from '../plugins/terminagent/offer.service.js';
import type { Page } from 'playwright-core';
import { type DemoIds, SLUG } from './booking-helpers.js';
import { mailLink } from './harness/mail-links.js';
import type { TestApp } from './harness/test-app.js';

export const TA = `/api/v1/tenants/${SLUG}/terminagent`;

export function repo<T extends { id: string; tenantId: string }>(t: TestApp, entity: new () => T) {
  return t.asTenant(SLUG, async () => t.app.get(TenantDataService).repo(entity));
}

/** Free agent slots from the matcher's lead time on. */
export function agentSlots(t: TestApp): Promise<AgentSlot[]> {
  return t.asTenant(SLUG, () => t.app.get(AgentCapacityService).freeSlots(new Date(t.clock.now().getTime() + MIN_LEAD_HOURS * 3_600_000)));
}

/** A wish window of exactly one slot: its local date, weekday and HH:MM range. */
export function windowOf(slot: AgentSlot, minutes = slot.slotMinutes) {
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  const weekday = ((new Date(`${slot.localDate}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;
  return { date: slot.localDate, window: { weekday, from: hhmm(slot.localMinute), to: hhmm(slot.localMinute + minutes) } };
}

/** A confirmed wish for exactly this slot (its date, weekday and time): one Personalausweis at the town hall. */
export function queueWishForSlot(t: TestApp, ids: DemoIds, slot: AgentSlot, email: string): Promise<{ id: string; token: string }> {
  const { date, window } = windowOf(slot);
  return queueWish(t, { email, serviceId: ids.ausweis, locationIds: [ids.rathaus], windows: [window], earliestDate: date, latestDate: date });
}

/** Fills the waitlist page's form: one Personalausweis at the town hall, in one window on one day, consent given. */
export async function fillWishForm(page: Page, ids: DemoIds, slot: AgentSlot, citizen: { name: string; email: string }): Promise<void> {
  const { date, window } = windowOf(slot);
  await page.fill(`#n_${ids.ausweis}`, '1');
  await page.check(`#loc-${ids.rathaus}`);
  await page.check(`#day_${window.weekday}`);
  await page.fill(`#from_${window.weekday}`, window.from);
  await page.fill(`#to_${window.weekday}`, window.to);
  await page.fill('#earliest-date', date);
  await page.fill('#latest-date', date);
  await page.getByLabel('Vor- und Nachname').fill(citizen.name);
  await page.getByLabel('E-Mail-Adresse').fill(citizen.email);
  await page.check('#consent');
}

/** The secret link of a mail in the outbox, as a path on this server. */
export function linkFromOutbox(t: TestApp, keyPart: string, pathPart: string): Promise<string> {
  return mailLink(t, SLUG, pathPart, (m) => m.messageKey.includes(keyPart));
}

export function tokenOf(path: string): string {
  return new URL(`http://x${path}`).searchParams.get('token')!;
}

export interface WishSpec {
  email: string;
  serviceId: string;
  locationIds: string[];
  windows: Array<{ weekday: number; from: string; to: string }>;
  earliestDate: string;
  latestDate: string;
  quantity?: number;
}

/** Registers and confirms a wish through the API; returns its id and secret. */
export async function queueWish(t: TestApp, spec: WishSpec): Promise<{ id: string; token: string }> {
  const res = await t.http.post(`${TA}/wishes`).send({
    services: [{ serviceId: spec.serviceId, quantity: spec.quantity ?? 1 }],
    locationIds: spec.locationIds,
    windows: spec.windows,
    earliestDate: spec.earliestDate,
    latestDate: spec.latestDate,
    citizen: { name: `Erika ${spec.email.split('@')[0]}`, email: spec.email },
    consent: true,
  });
  if (res.status !== 201) throw new Error(`wish not created: ${res.status} ${JSON.stringify(res.body)}`);
  const id = res.body.id as string;
  const token = tokenOf(await linkFromOutbox(t, `terminagent:wish:${id}:confirm`, '/bestaetigen'));
  await t.http.post(`${TA}/wishes/${id}/confirm`).send({ token }).expect(200);
  // The queue place is the confirmation instant; a second apart keeps the test's order unambiguous.
  t.clock.advance(1000);
  return { id, token };
}

export function match(t: TestApp, options: MatchOptions = { force: true }) {
  return t.asTenant(SLUG, () => t.app.get(MatchingService).run(options));
}

/** Runs the plugin's scheduled matching task as the task runner does (once per tick). */
export function matchTask(t: TestApp, now = t.clock.now()) {
  return t.app.get(TaskRunnerService).runDue(now, (id) => id === 'terminagent.match');
}

export async function offerOf(t: TestApp, wishId: string): Promise<{ offer: TerminagentOffer; proposals: TerminagentProposal[] } | null> {
  return t.asTenant(SLUG, async () => {
    const data = t.app.get(TenantDataService);
    const offers = await data.repo(TerminagentOffer).find({ where: { wishId }, order: { createdAt: 'DESC' } });
    const offer = offers.find((o) => o.status === 'open') ?? offers[0];
    if (!offer) return null;
    return { offer, proposals: await data.repo(TerminagentProposal).find({ where: { offerId: offer.id }, order: { position: 'ASC' } }) };
  });
}

export async function wishRow(t: TestApp, id: string): Promise<TerminagentWish> {
  return t.asTenant(SLUG, async () => (await t.app.get(TenantDataService).repo(TerminagentWish).findById(id))!);
}

export function expireOffers(t: TestApp) {
  return t.asTenant(SLUG, () => t.app.get(OfferService).expireDue());
}

/** No unit is held by two open proposals, and every open proposal holds its units. */
export async function expectOneHoldPerUnit(t: TestApp): Promise<void> {
  const rows = (await t.dataSource.query(
    `SELECT p.id, o.status, (SELECT COUNT(*) FROM booking_capacity_allocation a WHERE a.ownerId = p.id) AS held
       FROM terminagent_proposal p JOIN terminagent_offer o ON o.id = p.offerId`,
  )) as Array<{ id: string; status: string; held: number | string }>;
  for (const r of rows) {
    if (r.status === 'open') expect(Number(r.held)).toBeGreaterThan(0);
    else expect({ id: r.id, held: Number(r.held) }).toEqual({ id: r.id, held: 0 });
  }
  const offeredTwice = await t.dataSource.query(
    `SELECT wishId, COUNT(*) AS n FROM terminagent_offer WHERE status = 'open' GROUP BY wishId HAVING COUNT(*) > 1`,
  );
  expect(offeredTwice).toEqual([]);
}
