import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { CurrentAdmin } from '../../../apps/server/src/auth/current-admin.js';
import { CatalogService } from '../../../apps/server/src/catalog/catalog.service.js';
import type { StaffScope } from './calendar.types.js';

export const LOCATION_FORBIDDEN = 'Kein Zugriff auf diesen Standort.';
export const ROLE_FORBIDDEN = 'Diese Aktion ist der Teamleitung und den Kommunen-Admins vorbehalten.';
export const LOCATION_NOT_FOUND = 'Standort nicht gefunden.';

/**
 * Who may see which locations in the staff calendar: a clerk (`staff`) their own locations only
 * (none assigned: none), supervisors, tenant-admins and super-admins every location of the tenant.
 */
@Injectable()
export class StaffAccessService {
  constructor(private readonly catalog: CatalogService) {}

  scope(user: CurrentAdmin): StaffScope {
    return {
      userId: user.id,
      role: user.role,
      locationIds: user.role === 'staff' ? [...user.locationIds] : 'all',
    };
  }

  /**
   * The location, if the scope covers it: 403 outside a clerk's locations (whether or not the id
   * exists anywhere), 404 for an id that is not one of the tenant's locations.
   */
  async location(scope: StaffScope, locationId: string): Promise<{ id: string; name: string }> {
    if (!this.covers(scope, locationId)) throw new ForbiddenException(LOCATION_FORBIDDEN);
    const found = (await this.catalog.snapshot()).locations.find((l) => l.id === locationId);
    if (!found) throw new NotFoundException(LOCATION_NOT_FOUND);
    return { id: found.id, name: found.name };
  }

  /** The tenant's locations the scope covers, by name. */
  async locations(scope: StaffScope): Promise<Array<{ id: string; name: string }>> {
    return (await this.catalog.snapshot()).locations.filter((l) => this.covers(scope, l.id)).map((l) => ({ id: l.id, name: l.name }));
  }

  covers(scope: StaffScope, locationId: string): boolean {
    return scope.locationIds === 'all' || scope.locationIds.includes(locationId);
  }

  /** Settings of the whole location (calendar feeds): supervisors and administrators only. */
  assertSupervisor(scope: StaffScope): void {
    if (scope.role === 'staff') throw new ForbiddenException(ROLE_FORBIDDEN);
  }
}
