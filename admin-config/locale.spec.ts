import { describe, expect, it } from '@jest/globals';
import type { PluginHostService } from '../apps/server/src/plugin-host/plugin-host.service.js';
import type { TypeormSessionStore } from '../apps/server/src/auth/typeorm-session-store.js';
import type { WebhookService } from '../apps/server/src/webhooks/webhook.service.js';
import type { MailTemplateService } from '../apps/server/src/notifications/mail-template.service.js';
import type { DeviceService } from '../apps/server/src/devices/device.service.js';
import type { AuditService } from '../apps/server/src/audit/audit.service.js';
import { adminResourceDefinitions } from './admin-options.js';
import { adminLocale } from './locale.js';
import { NAVIGATION } from './navigation.js';

describe('admin locale', () => {
  const definitions = adminResourceDefinitions(
    { all: () => [] } as unknown as PluginHostService,
    {} as TypeormSessionStore,
    {} as WebhookService,
    { templateKeys: () => [] } as unknown as MailTemplateService,
    { devices: {} as DeviceService, audit: {} as AuditService, publicBaseUrl: 'http://amtszeit.test' },
  );
  const { translations } = adminLocale() as unknown as {
    translations: Record<
      'de' | 'en',
      {
        labels: Record<string, string>;
        messages: Record<string, string>;
        resources: Record<string, { properties: Record<string, string>; messages: Record<string, string> }>;
      }
    >;
  };

  it.each(['de', 'en'] as const)('has a %s label for every resource and navigation group, and every help text', (lang) => {
    const t = translations[lang];
    for (const def of definitions) {
      expect({ resource: def.entity.name, label: t.labels[def.entity.name] }).toEqual({ resource: def.entity.name, label: expect.any(String) });
      for (const [property, options] of Object.entries((def.options?.properties ?? {}) as Record<string, { description?: string }>)) {
        if (options.description) expect({ property, help: t.messages[options.description] }).toEqual({ property, help: expect.any(String) });
      }
    }
    for (const group of Object.values(NAVIGATION)) expect(t.labels[group.name]).toEqual(expect.any(String));
    // Success notices name the resource ("Dienstleistung gespeichert").
    for (const def of definitions)
      expect({ resource: def.entity.name, saved: t.resources[def.entity.name]?.messages.successfullyUpdated }).toEqual({
        resource: def.entity.name,
        saved: expect.stringMatching(lang === 'de' ? / gespeichert$/ : / saved$/),
      });
  });

  it('translates the same keys in German and English', () => {
    expect(Object.keys(translations.en.messages).sort()).toEqual(Object.keys(translations.de.messages).sort());
    expect(Object.keys(translations.en.labels).sort()).toEqual(Object.keys(translations.de.labels).sort());
  });
});

describe('admin locale of plugin resources', () => {
  it.each(['de', 'en'] as const)('names every plugin resource and its listed columns in %s', async (lang) => {
    const { ALL_PLUGINS } = await import('../plugins/index.js');
    const declared = ALL_PLUGINS.flatMap((p) => p.adminResources ?? []).filter((r) => r.labels);
    expect(declared.length).toBeGreaterThan(0);
    const t = (
      adminLocale(Object.fromEntries(declared.map((r) => [String(r.options?.id ?? r.entity.name), r.labels!]))) as unknown as {
        translations: Record<'de' | 'en', { labels: Record<string, string>; resources: Record<string, { properties: Record<string, string> }> }>;
      }
    ).translations[lang];
    for (const r of declared) {
      const id = String(r.options?.id ?? r.entity.name);
      expect(t.labels[id]).toBe(r.labels!.label[lang]);
      for (const column of (r.options?.listProperties ?? []) as string[])
        expect({ column, label: t.resources[id]!.properties[column] }).toEqual({ column, label: expect.any(String) });
    }
  });
});
