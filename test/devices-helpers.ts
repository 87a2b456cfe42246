import { Location } from '../apps/server/src/catalog/entities/location.entity.js';
import { DeviceService } from '../apps/server/src/devices/device.service.js';
import type { DeviceKind } from '../apps/server/src/devices/device.types.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import type { TestApp } from './harness/test-app.js';

/** The tenant's locations, sorted by name. */
export async function tenantLocations(t: TestApp, slug: string): Promise<Location[]> {
  return t.asTenant(slug, () =>
    t.app
      .get(TenantDataService)
      .repo(Location)
      .find({ order: { name: 'ASC' } }),
  );
}

/** A device of the tenant (at its first location unless one is named), not yet paired. */
export async function createDevice(t: TestApp, slug: string, o: { kind: DeviceKind; locationId?: string; name?: string; config?: Record<string, unknown> }) {
  const locationId = o.locationId ?? (await tenantLocations(t, slug))[0].id;
  return t.asTenant(slug, () => t.app.get(DeviceService).create({ name: o.name ?? `Gerät ${o.kind}`, kind: o.kind, locationId, config: o.config }));
}

/** A fresh pairing code of the device. */
export async function pairingCode(t: TestApp, slug: string, deviceId: string): Promise<string> {
  return (await t.asTenant(slug, () => t.app.get(DeviceService).createPairingCode(deviceId))).code;
}

/** Pairs the device through the real API and returns its bearer token. */
export async function pairDevice(t: TestApp, slug: string, deviceId: string): Promise<string> {
  const code = await pairingCode(t, slug, deviceId);
  const res = await t.http.post(`/api/v1/tenants/${slug}/devices/pair`).send({ code }).expect(200);
  return (res.body as { token: string }).token;
}

/** A new device of the tenant, paired: its id and token. */
export async function pairedDevice(t: TestApp, slug: string, o: Parameters<typeof createDevice>[2]): Promise<{ deviceId: string; token: string }> {
  const device = await createDevice(t, slug, o);
  return { deviceId: device.id, token: await pairDevice(t, slug, device.id) };
}
