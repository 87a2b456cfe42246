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

/** The current tenant's whole catalog as stored (inactive rows included), shared and read-only. */
export interface CatalogSnapshot {
  /** By position, then name. */
  services: readonly Service[];
  offerings: readonly ServiceOffering[];
  /** By name. */
  locations: readonly Location[];
  /** By position. */
  checklist: readonly DocumentChecklistItem[];
}

/** Read side of the catalog shared by the portal, the plugins and the public API. */
@Injectable()
export class CatalogService {
  constructor(private readonly data: TenantDataService) {}

  /** From the config cache: four queries per tenant and cache generation, none on a hit. */
  snapshot(): Promise<CatalogSnapshot> {
    return this.data.cached('catalog', async (r) => {
      const [services, offerings, locations, checklist] = await Promise.all([
        r.repo(Service).find({ order: { position: 'ASC', name: 'ASC' } }),
        r.repo(ServiceOffering).find(),
        r.repo(Location).find({ order: { name: 'ASC' } }),
        r.repo(DocumentChecklistItem).find({ order: { position: 'ASC' } }),
      ]);
      return { services, offerings, locations, checklist };
    });
  }

  async services(): Promise<PublicService[]> {
    const catalog = await this.snapshot();
    const services = catalog.services.filter((s) => s.active);
    const items = catalog.checklist;
    const offerings = catalog.offerings;
    const locations = catalog.locations.filter((l) => l.active);
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
    const { locations, offerings } = await this.snapshot();
    return locations.filter((l) => l.active).map((l) => this.toPublicLocation(l, offerings));
  }

  async location(id: string): Promise<PublicLocation> {
    const { locations, offerings } = await this.snapshot();
    const location = locations.find((l) => l.id === id);
    if (!location) throw new NotFoundException('Location not found');
    return this.toPublicLocation(location, offerings);
  }

  async service(id: string): Promise<PublicService> {
    const found = (await this.services()).find((s) => s.id === id);
    if (!found) throw new NotFoundException('Service not found');
    return found;
  }

  private toPublicLocation(l: Location, offerings: readonly ServiceOffering[]): PublicLocation {
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
