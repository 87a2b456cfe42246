import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import type { TenantTx } from '../tenancy/tenant-data.service.js';
import { DomainEvent } from './domain-event.entity.js';
import { EventDelivery } from './event-delivery.entity.js';
import { EventDeliveryService } from './event-delivery.service.js';
import { EventSubscriberRegistry } from './event-subscriber.registry.js';
import type { DomainEventMap, DomainEventType } from './event.types.js';

/**
 * The typed event bus. `publish` runs inside the caller's transaction: the event row and one
 * delivery row per interested subscriber commit (or vanish) with the change; the commit starts the
 * delivery in this process, and the other instances' polls pick it up as well.
 */
@Injectable()
export class EventBusService {
  constructor(
    private readonly clock: Clock,
    private readonly registry: EventSubscriberRegistry,
    private readonly delivery: EventDeliveryService,
  ) {}

  /** Records the event in `tx` and returns its id. The payload must carry no personal data. */
  async publish<K extends DomainEventType>(tx: TenantTx, type: K, payload: DomainEventMap[K]): Promise<string> {
    const at = this.clock.now();
    // Due from the whole second: MySQL's datetime rounds fractions up, which would delay the first try.
    const due = new Date(Math.floor(at.getTime() / 1000) * 1000);
    const events = tx.repo(DomainEvent);
    const event = events.create({ id: randomUUID(), type, payload: payload as object, occurredAt: at });
    await events.insert([event]);
    const keys = await this.registry.keysFor(type);
    if (keys.length > 0) {
      const deliveries = tx.repo(EventDelivery);
      await deliveries.insert(
        keys.map((subscriber) =>
          deliveries.create({
            eventId: event.id,
            subscriber,
            status: 'pending',
            attempts: 0,
            nextAttemptAt: due,
            claimedBy: null,
            leaseUntil: null,
            deliveredAt: null,
            lastError: null,
          }),
        ),
      );
      this.delivery.afterCommit(tx);
    }
    return event.id;
  }
}
