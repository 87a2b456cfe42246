import { BadRequestException } from '@nestjs/common';
import type { CatalogService } from '../../apps/server/src/catalog/catalog.service.js';
import type { Service } from '../../apps/server/src/catalog/entities/service.entity.js';
import { DomainError } from '../../apps/server/src/common/domain-error.js';
import type { BookingSettings } from './booking.settings.js';

export interface ServiceRequest {
  serviceId: string;
  quantity: number;
}

export interface ResolvedRequest {
  services: Array<{ service: Service; quantity: number }>;
  minutes: number;
  /** Active locations offering every requested service. */
  locationIds: string[];
}

/**
 * Checks a list of services with quantities (shared by availability and booking): known, active,
 * bookable on the channel, at most `maxServicesPerBooking` different ones, quantities within
 * Service.maxQuantity. From the cached catalog: no query on a warm instance.
 */
export async function resolveRequest(
  catalog: CatalogService,
  requested: ServiceRequest[],
  settings: BookingSettings,
  channel: string,
): Promise<ResolvedRequest> {
  if (requested.length === 0) throw new BadRequestException('Choose at least one service.');
  if (requested.length > settings.maxServicesPerBooking) {
    throw new BadRequestException(`At most ${settings.maxServicesPerBooking} services can be booked at once.`);
  }
  const ids = requested.map((r) => r.serviceId);
  if (new Set(ids).size !== ids.length) throw new BadRequestException('Each service may appear only once; use the quantity instead.');
  const snapshot = await catalog.snapshot();
  const services = snapshot.services.filter((s) => s.active && ids.includes(s.id));
  const offerings = snapshot.offerings.filter((o) => ids.includes(o.serviceId));
  const locations = snapshot.locations.filter((l) => l.active);
  const resolved = requested.map((r) => {
    const service = services.find((s) => s.id === r.serviceId);
    if (!service) throw new BadRequestException(`Unknown service '${String(r.serviceId).slice(0, 64)}'.`);
    if (channel === 'online' && !service.onlineBookable) throw new BadRequestException(`'${service.name}' cannot be booked online.`);
    if (!Number.isInteger(r.quantity) || r.quantity < 1 || r.quantity > service.maxQuantity) {
      throw new BadRequestException(`The quantity of '${service.name}' must be between 1 and ${service.maxQuantity}.`);
    }
    return { service, quantity: r.quantity };
  });
  const locationIds = locations.filter((l) => ids.every((id) => offerings.some((o) => o.serviceId === id && o.locationId === l.id))).map((l) => l.id);
  return { services: resolved, minutes: resolved.reduce((s, r) => s + r.service.durationMinutes * r.quantity, 0), locationIds };
}

export function assertLocationOffers(resolved: ResolvedRequest, locationId: string): void {
  if (!resolved.locationIds.includes(locationId)) {
    throw new DomainError('LOCATION_MISMATCH', 'This location does not offer all of the chosen services.');
  }
}
