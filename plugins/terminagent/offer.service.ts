import { Injectable, NotFoundException } from '@nestjs/common';
import { In, IsNull, LessThanOrEqual, MoreThan } from 'typeorm';
import { CatalogService, type PublicLocation } from '../../apps/server/src/catalog/catalog.service.js';
import { Clock } from '../../apps/server/src/common/clock.js';
import { DomainError } from '../../apps/server/src/common/domain-error.js';
import { toLocalIso } from '../../apps/server/src/common/local-time.js';
import { OutboxService } from '../../apps/server/src/notifications/outbox.service.js';
import { PluginHostService } from '../../apps/server/src/plugin-host/plugin-host.service.js';
import { TenantContext } from '../../apps/server/src/tenancy/tenant-context.js';
import { TenantDataService, type TenantTx } from '../../apps/server/src/tenancy/tenant-data.service.js';
import { AgentCapacityService, CapacityService } from '../booking/booking.api.js';
import { TerminagentOffer, type OfferStatus } from './entities/offer.entity.js';
import { TerminagentProposal } from './entities/proposal.entity.js';
import { TerminagentWish, type WishedService } from './entities/wish.entity.js';
import { TerminagentMailService, type OfferData } from './terminagent-mail.service.js';
import type { TerminagentSettings } from './terminagent.settings.js';
import { sameSecret } from './secret.js';
import { terminagentManifest } from './terminagent.manifest.js';

export interface OfferView {
  id: string;
  status: OfferStatus;
  locale: 'de' | 'en';
  /** Tenant-local ISO 8601. */
  expiresAt: string;
  services: Array<WishedService & { name: string; nameEn: string | null }>;
  proposals: Array<{ id: string; start: string; end: string; location: PublicLocation }>;
  /** The appointment, once accepted; its mail carries the manage link. */
  bookingReference: string | null;
  wishId: string;
}

const NOT_FOUND = 'Offer not found, or the link is not valid.';
const LAPSED = 'This proposal has lapsed; the time went back to others waiting.';

/**
 * Offers after the matching run made them: the mail, acceptance (the appointment in the booking
 * calendar, the same confirmation mail as a booking, the offer's other times back to the pool),
 * decline and expiry (times back; the wish closes or returns to its old place, per setting).
 * Every outcome is a conditional update on status 'open', so two accepts, or an accept at the
 * moment of expiry, have exactly one winner.
 */
@Injectable()
export class OfferService {
  constructor(
    private readonly data: TenantDataService,
    private readonly clock: Clock,
    private readonly host: PluginHostService,
    private readonly catalog: CatalogService,
    private readonly outbox: OutboxService,
    private readonly mails: TerminagentMailService,
    private readonly agent: AgentCapacityService,
    private readonly capacity: CapacityService,
  ) {}

  async get(id: string, token: string): Promise<OfferView> {
    const offer = await this.find(id, token);
    return this.view(offer, await this.proposals(offer.id), await this.wishOf(offer));
  }

  async accept(id: string, token: string, proposalId: string): Promise<OfferView> {
    const offer = await this.find(id, token);
    const proposals = await this.proposals(offer.id);
    const wish = await this.wishOf(offer);
    if (offer.status === 'accepted') return this.view(offer, proposals, wish);
    const chosen = proposals.find((p) => p.id === proposalId);
    if (!chosen) throw new NotFoundException('Proposal not found.');
    const now = this.clock.now();
    if (offer.status !== 'open' || offer.expiresAt <= now) throw offer.status === 'open' ? new DomainError('OFFER_LAPSED', LAPSED) : stateError(offer.status);
    if (!wish.citizen.email) throw new DomainError('OFFER_LAPSED', LAPSED);
    const prepared = await this.agent.prepareBooking({
      locationId: chosen.locationId,
      startAt: chosen.startAt,
      endAt: chosen.endAt,
      services: wish.services,
      citizen: wish.citizen,
    });
    await this.data.writeTx(async (tx) => {
      const won = await tx
        .repo(TerminagentOffer)
        .update(
          { id: offer.id, status: 'open', expiresAt: MoreThan(now) },
          { status: 'accepted', decidedAt: now, bookingReference: prepared.booking.reference },
        );
      if (won !== 1) throw new DomainError('OFFER_ANSWERED', 'This proposal was already answered or has lapsed.');
      await this.agent.confirmHeld(tx, prepared, chosen.id);
      await this.agent.releaseMany(
        tx,
        proposals.filter((p) => p.id !== chosen.id).map((p) => p.id),
      );
      await tx.repo(TerminagentWish).update({ id: wish.id, status: 'offered' }, { status: 'booked', openKey: null, endedAt: now });
    });
    return this.view({ ...offer, status: 'accepted', bookingReference: prepared.booking.reference } as TerminagentOffer, proposals, wish);
  }

  async decline(id: string, token: string): Promise<OfferView> {
    const offer = await this.find(id, token);
    const proposals = await this.proposals(offer.id);
    const wish = await this.wishOf(offer);
    if (offer.status === 'declined') return this.view(offer, proposals, wish);
    if (offer.status !== 'open' || offer.expiresAt <= this.clock.now())
      throw offer.status === 'open' ? new DomainError('OFFER_LAPSED', LAPSED) : stateError(offer.status);
    const settings = await this.host.settings(terminagentManifest);
    const done = await this.data.writeTx((tx) => this.finish(tx, offer, 'declined', settings));
    if (!done) throw new DomainError('OFFER_ANSWERED', 'This proposal was already answered or has lapsed.');
    return this.view({ ...offer, status: 'declined' } as TerminagentOffer, proposals, wish);
  }

  /** Open offers past their deadline expire; their times go back (run every minute). */
  async expireDue(limit = 500): Promise<number> {
    const now = this.clock.now();
    const due = await this.data.repo(TerminagentOffer).find({ where: { status: 'open', expiresAt: LessThanOrEqual(now) }, take: limit });
    if (due.length === 0) return 0;
    const settings = await this.host.settings(terminagentManifest);
    let expired = 0;
    for (const offer of due) {
      if (await this.data.writeTx((tx) => this.finish(tx, offer, 'expired', settings))) expired += 1;
    }
    return expired;
  }

  /**
   * Puts offers' mails into the outbox, in batches; `mailedAt` is set in the same transaction, so
   * each offer is mailed once even when two runs overlap or one crashes.
   */
  async mailPending(batch = 200): Promise<number> {
    const repo = this.data.repo(TerminagentOffer);
    const [locations, services] = await Promise.all([this.catalog.locations(), this.catalog.services()]);
    let mailed = 0;
    for (;;) {
      const offers = await repo.find({ where: { status: 'open', mailedAt: IsNull() }, order: { createdAt: 'ASC', id: 'ASC' }, take: batch });
      if (offers.length === 0) return mailed;
      const [wishes, proposals] = await Promise.all([
        this.data.repo(TerminagentWish).findBy({ id: In(offers.map((o) => o.wishId)) }),
        this.data.repo(TerminagentProposal).find({ where: { offerId: In(offers.map((o) => o.id)) }, order: { position: 'ASC' } }),
      ]);
      const mails: Array<{ offer: TerminagentOffer; to: string; locale: 'de' | 'en'; data: OfferData }> = [];
      for (const offer of offers) {
        const wish = wishes.find((w) => w.id === offer.wishId)!;
        const en = wish.citizen.locale === 'en';
        mails.push({
          offer,
          to: wish.citizen.email!,
          locale: wish.citizen.locale,
          data: {
            name: wish.citizen.name,
            offerId: offer.id,
            token: offer.token,
            wishId: wish.id,
            wishToken: wish.token,
            expiresAt: offer.expiresAt,
            services: wish.services.map((s) => {
              const found = services.find((x) => x.id === s.serviceId);
              return { name: (en ? found?.nameEn : null) ?? found?.name ?? '—', quantity: s.quantity };
            }),
            proposals: proposals
              .filter((p) => p.offerId === offer.id)
              .map((p) => ({ start: p.startAt, end: p.endAt, location: locations.find((l) => l.id === p.locationId)! })),
          },
        });
      }
      const now = this.clock.now();
      await this.data.transaction(async (tx) => {
        for (const { offer, to, locale, data } of mails) {
          if ((await tx.repo(TerminagentOffer).update({ id: offer.id, mailedAt: IsNull() }, { mailedAt: now })) !== 1) continue;
          await this.outbox.notify(tx, this.mails.offer, { key: `terminagent:offer:${offer.id}`, channel: 'email', to, locale, data });
          mailed += 1;
        }
      });
    }
  }

  /** Ends an open offer as declined or expired; false if someone else ended it first. */
  private async finish(tx: TenantTx, offer: TerminagentOffer, outcome: 'declined' | 'expired', settings: TerminagentSettings): Promise<boolean> {
    const now = this.clock.now();
    const where =
      outcome === 'expired'
        ? { id: offer.id, status: 'open' as const, expiresAt: LessThanOrEqual(now) }
        : { id: offer.id, status: 'open' as const, expiresAt: MoreThan(now) };
    if ((await tx.repo(TerminagentOffer).update(where, { status: outcome, decidedAt: now })) !== 1) return false;
    const proposals = await tx.repo(TerminagentProposal).findBy({ offerId: offer.id });
    await this.agent.releaseMany(
      tx,
      proposals.map((p) => p.id),
    );
    const wish = await tx.repo(TerminagentWish).findById(offer.wishId);
    if (wish && wish.status === 'offered') {
      // Requeued wishes keep their queue place (queuedMs); a wish past its lifetime closes anyway.
      const requeue = settings.afterDecline === 'requeue' && wish.expiresAt > now;
      await tx
        .repo(TerminagentWish)
        .update({ id: wish.id, status: 'offered' }, requeue ? { status: 'waiting' } : { status: 'closed', openKey: null, endedAt: now });
    }
    return true;
  }

  private async view(offer: TerminagentOffer, proposals: TerminagentProposal[], wish: TerminagentWish): Promise<OfferView> {
    const zone = TenantContext.current().timeZone;
    const [locations, services] = await Promise.all([this.catalog.locations(), this.catalog.services()]);
    return {
      id: offer.id,
      status: offer.status,
      locale: wish.citizen.locale,
      expiresAt: toLocalIso(offer.expiresAt, zone),
      services: wish.services.map((s) => {
        const found = services.find((x) => x.id === s.serviceId);
        return { ...s, name: found?.name ?? '—', nameEn: found?.nameEn ?? null };
      }),
      proposals: proposals.map((p) => ({
        id: p.id,
        start: toLocalIso(p.startAt, zone),
        end: toLocalIso(p.endAt, zone),
        location: locations.find((l) => l.id === p.locationId)!,
      })),
      bookingReference: offer.bookingReference,
      wishId: wish.id,
    };
  }

  private async find(id: string, token: string): Promise<TerminagentOffer> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 64) throw new NotFoundException(NOT_FOUND);
    const offer = await this.data.repo(TerminagentOffer).findById(id);
    if (!offer || !sameSecret(offer.token, token)) throw new NotFoundException(NOT_FOUND);
    return offer;
  }

  private proposals(offerId: string): Promise<TerminagentProposal[]> {
    return this.data.repo(TerminagentProposal).find({ where: { offerId }, order: { position: 'ASC' } });
  }

  private async wishOf(offer: TerminagentOffer): Promise<TerminagentWish> {
    return this.data.repo(TerminagentWish).getById(offer.wishId, 'Wish');
  }
}

function stateError(status: OfferStatus): DomainError {
  switch (status) {
    case 'accepted':
      return new DomainError('OFFER_ANSWERED', 'This proposal was already accepted.');
    case 'declined':
      return new DomainError('OFFER_ANSWERED', 'This proposal was declined.');
    case 'withdrawn':
      return new DomainError('WISH_CLOSED', 'The wish of this proposal was withdrawn.');
    default:
      return new DomainError('OFFER_LAPSED', LAPSED);
  }
}
