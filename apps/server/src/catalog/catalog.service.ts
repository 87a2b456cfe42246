import { Injectable, NotFoundException } from '@nestjs/common';
import { TenantDataService } from '../tenancy/tenant-data.service.js';
import { DocumentChecklistItem } from './entities/document-checklist-item.entity.js';
import { Location } from './entities/location.entity.js';
import { ServiceOffering } from './entities/service-offering.entity.js';
import { Service } from './entities/service.entity.js';

export interface PublicLocation {
  id: string;
  name: string;
  address: { street: string; postalCode: string; city: string };
  directions: string | null;
  accessibility: string | null;
  phone: string | null;
  email: string | null;
  serviceIds: string[];
}

export interface PublicService {
  id: string;
  name: string;
  nameEn: string | null;
  description: string | null;
  durationMinutes: number;
  maxQuantity: number;
  fee: number | null;
  onlineBookable: boolean;
  walkIn: boolean;
  leikaKey: string | null;
  checklist: Array<{ text: string; textEn: string | null }>;
  locations: Array<{ id: string; name: string }>;
}

/** Read side of the catalog shared by the portal, the plugins and the public API. */
@Injectable()
export class CatalogService {
  constructor(private readonly data: TenantDataService) {}

  async services(): Promise<PublicService[]> {
    const [services, items, offerings, locations] = await Promise.all([
      this.data.repo(Service).find({ where: { active: true }, order: { position: 'ASC', name: 'ASC' } }),
      this.data.repo(DocumentChecklistItem).find({ order: { position: 'ASC' } }),
      this.data.repo(ServiceOffering).find(),
      this.data.repo(Location).find({ where: { active: true } }),
    ]);
    const locationById = new Map(locations.map((l) => [l.id, l]));
    return services.map((s) => ({
      id: s.id,
      name: s.name,
      nameEn: s.nameEn,
      description: s.description,
      durationMinutes: s.durationMinutes,
      maxQuantity: s.maxQuantity,
      fee: s.feeCents === null ? null : s.feeCents / 100,
      onlineBookable: s.onlineBookable,
      walkIn: s.walkIn,
      leikaKey: s.leikaKey,
      checklist: items.filter((i) => i.serviceId === s.id).map((i) => ({ text: i.text, textEn: i.textEn })),
      locations: offerings
        .filter((o) => o.serviceId === s.id && locationById.has(o.locationId))
        .map((o) => ({ id: o.locationId, name: locationById.get(o.locationId)!.name }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    }));
  }

  async locations(): Promise<PublicLocation[]> {
    const [locations, offerings] = await Promise.all([
      this.data.repo(Location).find({ where: { active: true }, order: { name: 'ASC' } }),
      this.data.repo(ServiceOffering).find(),
    ]);
    return locations.map((l) => this.toPublicLocation(l, offerings));
  }

  async location(id: string): Promise<PublicLocation> {
    const location = await this.data.repo(Location).getById(id, 'Location');
    const offerings = await this.data.repo(ServiceOffering).findBy({ locationId: location.id });
    return this.toPublicLocation(location, offerings);
  }

  async service(id: string): Promise<PublicService> {
    const found = (await this.services()).find((s) => s.id === id);
    if (!found) throw new NotFoundException('Service not found');
    return found;
  }

  private toPublicLocation(l: Location, offerings: ServiceOffering[]): PublicLocation {
    return {
      id: l.id,
      name: l.name,
      address: { street: l.street, postalCode: l.postalCode, city: l.city },
      directions: l.directions,
      accessibility: l.accessibility,
      phone: l.phone,
      email: l.email,
      serviceIds: offerings.filter((o) => o.locationId === l.id).map((o) => o.serviceId),
    };
  }
}
