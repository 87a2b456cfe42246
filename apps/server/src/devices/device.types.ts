// The contract between the core's devices (pairing, bearer tokens) and the plugins whose pages run
// on them (display now, kiosk next).

export type DeviceKind = 'kiosk' | 'display';

/** A paired device as a request sees it after its bearer token was verified. */
export interface DeviceIdentity {
  deviceId: string;
  kind: DeviceKind;
  /** The device's location; a device sees this location only. */
  locationId: string;
  name: string;
  /** Per-device settings, validated by the owning plugin's `deviceConfig` schema. */
  config: Record<string, unknown>;
}
