import { createHash, randomInt } from 'node:crypto';
import { In } from 'typeorm';
import { z } from 'zod';
import { Inject, Injectable, Logger, NotFoundException, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { ENV, type Env } from '../config/env.config.js';
import { DomainError } from '../common/domain-error.js';
import { randomToken } from '../common/random-token.js';
import { Location } from '../catalog/entities/location.entity.js';
import { SharedLimitsService } from '../limits/shared-limits.service.js';
import { PluginHostService } from '../plugin-host/plugin-host.service.js';
import { TenantContext, runAsTenant, type TenantRef } from '../tenancy/tenant-context.js';
import { TenantDataService } from '../tenancy/tenant-data.service.js';
import { TenantRegistryService } from '../tenancy/tenant-registry.service.js';
import { DeviceHeartbeat } from './device-heartbeat.entity.js';
import { Device } from './device.entity.js';
import type { DeviceIdentity, DeviceKind } from './device.types.js';

export const DEVICE_KINDS: readonly DeviceKind[] = ['kiosk', 'display'];

/** No 0/O, 1/I: a code is read off a screen and typed on a touch screen. 32 letters, 5 bits each. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;
export const PAIRING_CODE_MINUTES = 15;
/** Wrong pairing codes per address and tenant: 10 in 5 minutes (2^40 codes, each open 15 minutes). */
const PAIR_LIMIT = 10;
const PAIR_WINDOW_SECONDS = 300;
/** Last seen is written at most this often per device. */
export const HEARTBEAT_FLUSH_MS = 30_000;
/** Seen within this is online. */
export const ONLINE_WITHIN_MS = 120_000;
const FLUSH_TICK_MS = 5_000;

export interface PairingCode {
  /** Shown as XXXX-XXXX; never stored. */
  code: string;
  expiresAt: Date;
}

export interface PairResult {
  /** The bearer token; only its hash is kept, so it is shown this once. */
  token: string;
  deviceId: string;
  kind: DeviceKind;
  locationId: string;
  name: string;
}

export interface DeviceStatus {
  lastSeenAt: Date | null;
  online: boolean;
}

interface TenantDevices {
  byTokenHash: Map<string, DeviceIdentity>;
}

interface Seen {
  tenant: TenantRef;
  at: Date;
  /** When this device's last seen was last written (ms); 0: never by this instance. */
  flushedAt: number;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** `abcd efgh`, `ABCD-EFGH` → `ABCDEFGH`; null when it cannot be a code. */
export function normalizePairingCode(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 40) return null;
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== CODE_LENGTH) return null;
  for (const c of code) if (!CODE_ALPHABET.includes(c)) return null;
  return code;
}

export function formatPairingCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** The token of an `Authorization: Bearer …` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = header ? /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header.trim()) : null;
  return match ? match[1] : null;
}

/**
 * Paired devices (kiosks, call displays): pairing codes, bearer tokens, revocation, last seen.
 * Token checks run from the config cache (Device is a cached entity: a revocation, a new pairing or
 * a rename reaches every instance within the cache's poll), so a poll costs no query; last seen is
 * kept in memory and written in batches, at most every 30 s per device, to `device_heartbeat`.
 */
@Injectable()
export class DeviceService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Devices');
  private readonly seen = new Map<string, Seen>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly data: TenantDataService,
    private readonly limits: SharedLimitsService,
    private readonly plugins: PluginHostService,
    private readonly tenants: TenantRegistryService,
    private readonly clock: Clock,
    @Inject(ENV) private readonly env: Env,
  ) {}

  onModuleInit(): void {
    // Background work follows the task runner's switch: off in tests, which flush themselves.
    if (this.env.TASK_POLL_SECONDS === 0) return;
    this.timer = setInterval(() => void this.flushHeartbeats(), FLUSH_TICK_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flushHeartbeats({ all: true }).catch(() => undefined);
  }

  /** A new device of the current tenant at one of its locations, not yet paired (scripts: the bench's setup). */
  async create(input: { name: string; kind: DeviceKind; locationId: string; config?: Record<string, unknown> }): Promise<Device> {
    const name = input.name.trim();
    return this.data.writeTx(async (tx) => {
      await tx.repo(Location).getById(input.locationId, 'Location');
      const device = tx.repo(Device).create({
        name,
        kind: input.kind,
        locationId: input.locationId,
        config: this.parseConfig(input.kind, input.config ?? {}),
        tokenHash: null,
        pairingCodeHash: null,
        pairingCodeExpiresAt: null,
        pairedAt: null,
        revokedAt: null,
      });
      return tx.repo(Device).save(device);
    });
  }

  /** Blocks the device at once: its token is forgotten, an open code too; a new code pairs it again. */
  async revoke(deviceId: string): Promise<void> {
    await this.changeOne(deviceId, { tokenHash: null, pairingCodeHash: null, pairingCodeExpiresAt: null, revokedAt: this.clock.now() });
    this.seen.delete(deviceId);
  }

  /**
   * A one-time code that pairs this device for the next 15 minutes; it replaces an open one. The
   * device's current token keeps working until a pairing with the new code succeeds.
   */
  async createPairingCode(deviceId: string): Promise<PairingCode> {
    let code = '';
    for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
    const expiresAt = new Date(this.clock.now().getTime() + PAIRING_CODE_MINUTES * 60_000);
    await this.changeOne(deviceId, { pairingCodeHash: sha256(code), pairingCodeExpiresAt: expiresAt });
    return { code: formatPairingCode(code), expiresAt };
  }

  /**
   * Pairs the device whose open code this is (current tenant) and returns its new token. The code
   * is spent by a conditional update, so of two concurrent pairings with one code one wins; the
   * same update replaces the token hash, so an earlier token stops working at that moment.
   * Refused: malformed (DEVICE_CODE_INVALID), too many wrong codes from this address
   * (DEVICE_PAIR_LIMITED), unknown or expired (DEVICE_CODE_UNKNOWN).
   */
  async pair(input: unknown, address: string | undefined): Promise<PairResult> {
    const code = normalizePairingCode(input);
    if (!code) throw new DomainError('DEVICE_CODE_INVALID', 'The pairing code has the form XXXX-XXXX.');
    const tenant = TenantContext.current();
    const limitKey = `device-pair|${tenant.id}|${address ?? '-'}`;
    const now = this.clock.now();
    if (!(await this.limits.hit(limitKey, PAIR_LIMIT, PAIR_WINDOW_SECONDS))) {
      throw new DomainError('DEVICE_PAIR_LIMITED', 'Too many pairing attempts; please wait a few minutes.');
    }
    const codeHash = sha256(code);
    const token = randomToken(32);
    const paired = await this.data.writeTx(async (tx) => {
      const devices = tx.repo(Device);
      const device = await devices.findOneBy({ pairingCodeHash: codeHash });
      if (!device?.pairingCodeExpiresAt || device.pairingCodeExpiresAt.getTime() <= now.getTime()) return null;
      const won = await devices.updateWhere(
        { tokenHash: sha256(token), pairingCodeHash: null, pairingCodeExpiresAt: null, pairedAt: now, revokedAt: null },
        'id = :id AND pairingCodeHash = :codeHash',
        { id: device.id, codeHash },
      );
      return won === 1 ? device : null;
    });
    if (!paired) throw new DomainError('DEVICE_CODE_UNKNOWN', 'Unknown or expired pairing code.');
    // Only wrong guesses count against the address (a rollout pairs many devices from one network).
    await this.limits.refund(limitKey, PAIR_WINDOW_SECONDS, now);
    this.logger.log({ msg: 'Device paired', tenant: tenant.slug, deviceId: paired.id, kind: paired.kind });
    return { token, deviceId: paired.id, kind: paired.kind, locationId: paired.locationId, name: paired.name };
  }

  /**
   * The device of a bearer token in the current tenant, if it is paired, not revoked and of one of
   * `kinds`; null otherwise (the caller answers 401 without saying why). No query on a warm cache;
   * the device counts as seen.
   */
  async authenticate(token: string | null, kinds: readonly DeviceKind[]): Promise<DeviceIdentity | null> {
    if (!token) return null;
    const tenant = TenantContext.current();
    const identity = (await this.tenantDevices()).byTokenHash.get(sha256(token));
    if (!identity || !kinds.includes(identity.kind)) return null;
    this.markSeen(tenant, identity.deviceId);
    return identity;
  }

  /**
   * For code in front of Nest's router (a fast-path middleware): the device of an Authorization
   * header in the given tenant, or null. Same rules and cache as `authenticate`.
   */
  identify(tenant: TenantRef, authorization: string | undefined, kinds: readonly DeviceKind[]): Promise<DeviceIdentity | null> {
    const token = bearerToken(authorization);
    if (!token) return Promise.resolve(null);
    return TenantContext.currentOrNull()?.id === tenant.id ? this.authenticate(token, kinds) : runAsTenant(tenant, () => this.authenticate(token, kinds));
  }

  /** Last seen and online flag of the current tenant's devices. */
  async statuses(deviceIds: string[]): Promise<Map<string, DeviceStatus>> {
    const stored = deviceIds.length ? await this.data.repo(DeviceHeartbeat).findBy({ deviceId: In(deviceIds) }) : [];
    return new Map(
      deviceIds.map((id) => [
        id,
        this.status(
          id,
          stored.find((h) => h.deviceId === id),
        ),
      ]),
    );
  }

  /** A device's last seen (the later of this instance's memory and the stored row) and whether that is within 2 minutes. */
  status(deviceId: string, stored: Pick<DeviceHeartbeat, 'lastSeenAt'> | undefined): DeviceStatus {
    const memory = this.seen.get(deviceId)?.at;
    const lastSeenAt = memory && (!stored || memory > stored.lastSeenAt) ? memory : (stored?.lastSeenAt ?? null);
    return { lastSeenAt, online: lastSeenAt !== null && this.clock.now().getTime() - lastSeenAt.getTime() <= ONLINE_WITHIN_MS };
  }

  /** Runs `fn` as the tenant of that id (the admin panel knows a device's tenant by its row). */
  async inTenant<T>(tenantId: string, fn: (tenant: TenantRef) => Promise<T>): Promise<T> {
    const tenant = (await this.tenants.all()).find((t) => t.id === tenantId);
    if (!tenant) throw new NotFoundException('Unknown municipality');
    return runAsTenant(tenant, () => fn(tenant));
  }

  /**
   * Writes the last seen of devices not written for 30 s (or of all, at shutdown), one statement
   * per tenant. Runs every few seconds; flushes never overlap.
   */
  flushHeartbeats(options: { all?: boolean } = {}): Promise<void> {
    const run = this.flushing.then(() => this.flush(options.all === true));
    this.flushing = run.catch((err: unknown) => this.logger.warn({ msg: 'Writing device heartbeats failed', err: String(err) }));
    return run;
  }

  /** The schema of the plugin whose pages run on this kind of device, if a loaded plugin declares one. */
  configSchema(kind: DeviceKind) {
    return this.plugins.all().find((p) => p.deviceConfig?.kind === kind)?.deviceConfig?.schema ?? null;
  }

  /** A device's settings as its plugin's schema parses them (defaults filled); throws a zod error when invalid. */
  parseConfig(kind: DeviceKind, config: Record<string, unknown>): Record<string, unknown> {
    const schema = this.configSchema(kind);
    return schema ? schema.parse(config) : config;
  }

  private async flush(all: boolean): Promise<void> {
    const now = this.clock.now().getTime();
    const due = new Map<string, { tenant: TenantRef; rows: Array<{ id: string; at: Date; seen: Seen }> }>();
    for (const [id, seen] of this.seen) {
      if (seen.at.getTime() <= seen.flushedAt) continue;
      if (!all && now - seen.flushedAt < HEARTBEAT_FLUSH_MS) continue;
      const group = due.get(seen.tenant.id) ?? { tenant: seen.tenant, rows: [] };
      group.rows.push({ id, at: seen.at, seen });
      due.set(seen.tenant.id, group);
    }
    for (const { tenant, rows } of due.values()) {
      await runAsTenant(tenant, async () => {
        // A device deleted since it was seen (in the panel, with its location) is forgotten: its
        // heartbeat went with it and must not come back.
        const present = new Set((await this.data.repo(Device).find({ select: { id: true }, where: { id: In(rows.map((r) => r.id)) } })).map((d) => d.id));
        for (const r of rows) if (!present.has(r.id)) this.seen.delete(r.id);
        const kept = rows.filter((r) => present.has(r.id));
        if (!kept.length) return;
        await this.data.repo(DeviceHeartbeat).insertOrUpdate(
          kept.map((r) => Object.assign(new DeviceHeartbeat(), { deviceId: r.id, lastSeenAt: r.at })),
          ['lastSeenAt'],
          ['deviceId'],
        );
        for (const r of kept) r.seen.flushedAt = Math.max(now, r.at.getTime());
      });
    }
  }

  private markSeen(tenant: TenantRef, deviceId: string): void {
    const at = this.clock.now();
    const seen = this.seen.get(deviceId);
    if (seen) seen.at = at;
    else this.seen.set(deviceId, { tenant, at, flushedAt: 0 });
  }

  private tenantDevices(): Promise<TenantDevices> {
    return this.data.cached('devices', async (reader) => {
      const rows = await reader.repo(Device).find();
      const byTokenHash = new Map<string, DeviceIdentity>();
      for (const d of rows) {
        if (!d.tokenHash || d.revokedAt) continue;
        byTokenHash.set(d.tokenHash, { deviceId: d.id, kind: d.kind, locationId: d.locationId, name: d.name, config: this.configWithDefaults(d) });
      }
      return { byTokenHash };
    });
  }

  /**
   * A stored device config as its plugin's schema reads it now, with defaults filled: the one reading
   * of stored configs (device pages, panel). Lenient where input is strict: keys a later schema
   * no longer knows are dropped, and a field it no longer accepts falls back to its default, so
   * one change of the schema never loses a device's other settings.
   */
  storedConfig(kind: DeviceKind, config: Record<string, unknown> | null | undefined): Record<string, unknown> {
    const schema = this.configSchema(kind);
    const stored = config ?? {};
    if (!schema) return stored;
    if (!(schema instanceof z.ZodObject)) return schema.safeParse(stored).data ?? {};
    const lenient = schema.strip();
    const whole = lenient.safeParse(stored);
    if (whole.success) return whole.data;
    const shape = schema.shape as Record<string, z.ZodType>;
    const valid = Object.entries(stored).filter(([key, value]) => key in shape && shape[key]!.safeParse(value).success);
    return lenient.safeParse(Object.fromEntries(valid)).data ?? {};
  }

  private configWithDefaults(device: Device): Record<string, unknown> {
    return this.storedConfig(device.kind, device.config);
  }

  private async changeOne(deviceId: string, patch: Partial<Omit<Device, 'config'>>): Promise<void> {
    const changed = await this.data.writeTx((tx) => tx.repo(Device).update({ id: deviceId }, patch));
    if (changed === 0) throw new NotFoundException('Device not found');
  }
}
