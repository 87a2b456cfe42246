import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../apps/server/src/common/clock.js';
import type { DeviceIdentity } from '../../apps/server/src/devices/device.types.js';
import { PluginHostService } from '../../apps/server/src/plugin-host/plugin-host.service.js';
import { DisplayFeedService } from '../queue/queue.api.js';
import { displayManifest } from './display.manifest.js';
import type { DisplayDeviceConfig, DisplayLanguage, DisplaySettings } from './display.settings.js';
import { DisplayPages } from './portal/display-pages.service.js';

/** What a display applies: its own config over the municipality's display settings. */
export interface DisplayView {
  layout: 'landscape' | 'portrait';
  rows: number;
  languages: DisplayLanguage[];
  notice: string;
  gong: boolean;
  pollSeconds: number;
  languageSeconds: number;
}

export type DisplayAnswer = { status: 200; etag: string; body: string } | { status: 304; etag: string };

interface Resolved {
  source: string;
  view: DisplayView;
  /** `"display":{…},"assetVersion":"…"` of the answer's JSON. */
  json: string;
  tag: string;
}

/**
 * The state API's answer for one display: its location's state from the feed, its config and the
 * server's time. An unchanged state and config answer 304 from memory, without the database.
 */
@Injectable()
export class DisplayStateService {
  /** The last resolved config per device, so a poll re-uses it while nothing changed. */
  private readonly resolved = new Map<string, Resolved>();

  constructor(
    private readonly feed: DisplayFeedService,
    private readonly host: PluginHostService,
    private readonly pages: DisplayPages,
    private readonly clock: Clock,
  ) {}

  async answer(device: DeviceIdentity, ifNoneMatch: string | undefined): Promise<DisplayAnswer> {
    const config = this.resolve(device, await this.host.settings(displayManifest));
    const entry = await this.feed.get(device.locationId);
    const etag = `"${entry.etag}.${config.tag}"`;
    if (ifNoneMatch === etag) return { status: 304, etag };
    const body = `{"serverTime":"${this.clock.now().toISOString()}",${config.json},"state":${entry.body(config.view.rows)}}`;
    return { status: 200, etag, body };
  }

  private resolve(device: DeviceIdentity, settings: DisplaySettings): Resolved {
    const source = JSON.stringify([device.config, settings]);
    const known = this.resolved.get(device.deviceId);
    if (known?.source === source) return known;
    // DeviceService hands over the stored config already read against this plugin's deviceConfig schema.
    const config = device.config as DisplayDeviceConfig;
    const view: DisplayView = {
      layout: config.layout,
      rows: config.rows ?? settings.recentCalls,
      languages: config.languages,
      notice: config.notice,
      gong: settings.gong && config.gong,
      pollSeconds: settings.pollSeconds,
      languageSeconds: settings.languageSeconds,
    };
    const json = `"display":${JSON.stringify(view)},"assetVersion":"${this.pages.assetVersion()}"`;
    const resolved = { source, view, json, tag: createHash('sha1').update(json).digest('base64url').slice(0, 8) };
    this.resolved.set(device.deviceId, resolved);
    return resolved;
  }
}
