import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ENV, type Env } from '../../apps/server/src/config/env.config.js';
import { TenantContext } from '../../apps/server/src/tenancy/tenant-context.js';
import { QueueChanges } from './queue-changes.js';
import { QueueVersionsService } from './queue-versions.service.js';
import { QueueService } from './queue.service.js';
import type { DisplayState } from './queue.types.js';

/**
 * The most calls a display may show (its `rows`); the feed keeps this many, each device takes its
 * share. More rows would shrink the room line below what reads at 3 m (docs/display.md).
 */
export const DISPLAY_MAX_CALLS = 8;
/** Estimates age with the clock even when nothing happens: a state is read again after this long at the latest. */
const MAX_AGE_MS = 30_000;
/** An entry no display asked for in this long is dropped (a screen switched off, a location closed). */
const IDLE_MS = 5 * 60_000;

/** One location's state as the displays get it: read once per change of the queue. */
export interface FeedEntry {
  readonly version: number;
  /** A strong validator of the state (not of a device's config: the API adds that). */
  readonly etag: string;
  readonly state: DisplayState;
  /** The state as JSON with its newest `rows` calls. */
  body(rows: number): string;
}

interface Slot {
  entry: FeedEntry | null;
  loadedAt: number;
  usedAt: number;
  /** Raised by every invalidation: a load that began before it never lands. */
  generation: number;
  loading: Promise<FeedEntry> | null;
  locationId: string;
}

/**
 * The call displays' feed: an in-memory state per location, so hundreds of screens polling every
 * few seconds cost no database work while the queue stands still. The database is read at most
 * once per change (one load per location at a time, shared by every poll that waits for it).
 * This instance's own changes drop the entry at their commit (QueueChanges); other instances'
 * changes are seen by one query every CACHE_POLL_MS for the versions of all locations held here.
 */
@Injectable()
export class DisplayFeedService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DisplayFeed');
  private readonly slots = new Map<string, Slot>();
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private watching: Promise<void> = Promise.resolve();

  constructor(
    private readonly queue: QueueService,
    private readonly changes: QueueChanges,
    private readonly versions: QueueVersionsService,
    @Inject(ENV) private readonly env: Env,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.changes.subscribe((locationId) => this.invalidate(locationId));
    // Background work follows the task switch like DeviceService (off in tests: they call watch()).
    if (this.env.TASK_POLL_SECONDS === 0) return;
    this.timer = setInterval(() => void this.watch().catch((err: unknown) => this.logger.warn(`version poll failed: ${String(err)}`)), this.env.CACHE_POLL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * The current tenant's location state: from memory while its version stands, else loaded (one
   * load at a time per location). The caller has checked that the location is the device's.
   */
  get(locationId: string): Promise<FeedEntry> {
    const slot = this.slot(locationId);
    const now = Date.now();
    slot.usedAt = now;
    if (slot.entry && now - slot.loadedAt < MAX_AGE_MS) return Promise.resolve(slot.entry);
    if (slot.loading) return slot.loading;
    const generation = slot.generation;
    const loading = this.queue.displayState(locationId, DISPLAY_MAX_CALLS).then((state) => {
      const entry = feedEntry(state);
      if (slot.generation === generation) {
        slot.entry = entry;
        slot.loadedAt = Date.now();
      }
      return entry;
    });
    slot.loading = loading;
    const settle = () => {
      if (slot.loading === loading) slot.loading = null;
    };
    loading.then(settle, settle);
    return loading;
  }

  /** Drops what this instance holds of a location (every tenant's slot of that id: ids are uuids). */
  invalidate(locationId: string): void {
    for (const slot of this.slots.values()) {
      if (slot.locationId !== locationId) continue;
      slot.generation += 1;
      slot.entry = null;
      slot.loading = null;
    }
  }

  /**
   * One read of every location's version (QueueVersionsService: installation-level like the config
   * cache's version poll; a version is a number, not tenant data); an entry whose version moved
   * (another instance's change) is dropped. Nothing held, nothing read. Reads run one after
   * another, so a late answer never undoes a newer one.
   */
  watch(): Promise<void> {
    const next = this.watching.then(async () => {
      const now = Date.now();
      for (const [key, slot] of this.slots) if (now - slot.usedAt > IDLE_MS && !slot.loading) this.slots.delete(key);
      const held = [...this.slots.values()].filter((s) => s.entry);
      if (!held.length) return;
      const versions = await this.versions.allVersions();
      for (const slot of held) {
        const version = versions.get(slot.locationId) ?? 0;
        if (slot.entry && slot.entry.version !== version) this.invalidate(slot.locationId);
      }
    });
    this.watching = next.catch(() => undefined);
    return next;
  }

  private slot(locationId: string): Slot {
    const key = `${TenantContext.current().id}/${locationId}`;
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { entry: null, loadedAt: 0, usedAt: 0, generation: 0, loading: null, locationId };
      this.slots.set(key, slot);
    }
    return slot;
  }
}

function feedEntry(state: DisplayState): FeedEntry {
  const full = JSON.stringify(state);
  const bodies = new Map<number, string>();
  return {
    version: state.version,
    etag: `${state.version}-${createHash('sha1').update(full).digest('base64url').slice(0, 12)}`,
    state,
    body(rows: number): string {
      if (rows >= state.calls.length) return full;
      let body = bodies.get(rows);
      if (!body) {
        body = JSON.stringify({ ...state, calls: state.calls.slice(0, rows) });
        bodies.set(rows, body);
      }
      return body;
    },
  };
}
