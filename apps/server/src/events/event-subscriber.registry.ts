import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { PluginHostService } from '../plugin-host/plugin-host.service.js';
import type { EventSubscriber, PublishedEvent } from './event.types.js';

/** A subscriber resolved from its class: the key stored in delivery rows and the owning plugin. */
export interface RegisteredSubscriber {
  key: string;
  /** Null for core subscribers; a plugin's subscriber is skipped while the plugin is off. */
  plugin: string | null;
  instance: EventSubscriber;
}

/**
 * Subscribers whose set depends on the tenant's data, e.g. webhook endpoints: asked for their
 * targets when an event is published (inside its transaction; read them from the config cache),
 * one delivery per target.
 */
export interface DeliveryTargetSource {
  /** Delivery keys are `<prefix>:<target>`. */
  prefix: string;
  targets(type: string): Promise<string[]>;
  deliver(target: string, event: PublishedEvent): Promise<void>;
}

/** Knows every subscriber: the plugins' (declared in their definition), the core's and the target sources. */
@Injectable()
export class EventSubscriberRegistry {
  private resolved: Map<string, RegisteredSubscriber> | null = null;
  private readonly sources = new Map<string, DeliveryTargetSource>();

  constructor(
    private readonly host: PluginHostService,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** Core modules add dynamic subscribers here (webhooks); plugins declare theirs in the plugin definition. */
  registerSource(source: DeliveryTargetSource): void {
    this.sources.set(source.prefix, source);
  }

  /** The keys of the static subscribers of an event type, plus each source's targets for it. */
  async keysFor(type: string): Promise<string[]> {
    const keys = [...this.subscribers().values()].filter((s) => s.instance.events.includes(type as never)).map((s) => s.key);
    for (const source of this.sources.values()) keys.push(...(await source.targets(type)).map((t) => `${source.prefix}:${t}`));
    return keys;
  }

  /** Where a delivery key goes: a subscriber, a source's target, or nowhere (its plugin was removed). */
  resolve(key: string): { subscriber: RegisteredSubscriber } | { source: DeliveryTargetSource; target: string } | null {
    const subscriber = this.subscribers().get(key);
    if (subscriber) return { subscriber };
    const cut = key.indexOf(':');
    const source = cut > 0 ? this.sources.get(key.slice(0, cut)) : undefined;
    return source ? { source, target: key.slice(cut + 1) } : null;
  }

  /** Resolved on first use: the plugins' providers exist by then, and they are injected, never named. */
  private subscribers(): Map<string, RegisteredSubscriber> {
    if (!this.resolved) {
      this.resolved = new Map();
      for (const plugin of this.host.all()) {
        for (const type of plugin.subscribers ?? []) {
          const key = `${plugin.name}:${type.name}`;
          this.resolved.set(key, { key, plugin: plugin.name, instance: this.moduleRef.get(type, { strict: false }) });
        }
      }
    }
    return this.resolved;
  }
}
