import { Module } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import {
  collectDomainErrors,
  CORE_ERRORS,
  defineErrors,
  domainErrorMessage,
  domainErrorOwner,
  type DomainErrorDeclaration,
} from '../apps/server/src/common/domain-error.js';
import { fromRoot } from '../apps/server/src/common/project-root.js';
import { checkPluginGraph } from '../apps/server/src/plugin-host/plugin-graph.js';
import { definePlugin, definePluginManifest } from '../apps/server/src/plugin-host/plugin.types.js';
import { Messages } from '../apps/server/src/web/i18n.js';
import { ALL_PLUGINS } from '../plugins/index.js';
import { createTestApp } from './harness/test-app.js';

/** The core and every plugin with the codes it declares. */
const owners: Array<{ owner: string; errors: DomainErrorDeclaration }> = [
  { owner: 'core', errors: CORE_ERRORS },
  ...ALL_PLUGINS.filter((p) => p.errors).map((p) => ({ owner: p.name, errors: p.errors! })),
];

const codeTexts = (messages: Messages, locale: 'de' | 'en') =>
  messages
    .keys(locale)
    .filter((k) => k.startsWith('errors.code.'))
    .map((k) => k.slice('errors.code.'.length))
    .sort();

@Module({})
class ErrorProbeModule {}

/** A plugin used only here: it declares a code that booking owns. */
const duplicate = definePlugin({
  ...definePluginManifest({ name: 'errorprobe', label: { de: 'Fehlersonde', en: 'Error probe' }, settings: z.object({}) }),
  module: ErrorProbeModule,
  entities: [],
  migrations: [],
  errors: defineErrors({ CAPACITY_GONE: 'refused' }, { messages: fromRoot('plugins/booking/portal/i18n') }),
});

describe('domain error codes of the core and the plugins', () => {
  it('finds the codes of booking and the Terminagent in their plugins, not in the core', () => {
    expect(owners.map((o) => o.owner)).toEqual(['core', 'booking', 'terminagent', 'queue']);
    const table = collectDomainErrors(ALL_PLUGINS.map((p) => ({ owner: p.name, errors: p.errors })));
    expect(table.get('CAPACITY_GONE')).toMatchObject({ owner: 'booking', kind: 'conflict' });
    expect(table.get('OFFER_LAPSED')).toMatchObject({ owner: 'terminagent', kind: 'conflict' });
    expect(table.get('PHONE_INVALID')).toMatchObject({ owner: 'core', kind: 'refused' });
    expect(Object.keys(CORE_ERRORS.codes)).not.toContain('CAPACITY_GONE');
  });

  it.each(owners)(
    '$owner: every code has a German and an English text in its own catalogue, and the catalogue none for codes it does not own',
    ({ errors }) => {
      const messages = new Messages(errors.messages);
      const declared = Object.keys(errors.codes).sort();
      expect(declared.length).toBeGreaterThan(0);
      for (const locale of ['de', 'en'] as const) {
        expect(codeTexts(messages, locale)).toEqual(declared);
        const t = messages.translator(locale);
        for (const code of declared) expect(t(`errors.code.${code}`).length).toBeGreaterThan(10);
      }
    },
  );

  it('refuses a code that two plugins declare, naming the code and both', () => {
    const plugins = [...ALL_PLUGINS, duplicate].map((p) => ({ owner: p.name, errors: p.errors }));
    expect(() => collectDomainErrors(plugins)).toThrow("Domain error code 'CAPACITY_GONE' is declared by both 'booking' and 'errorprobe'");
    // The boot's first check of the loaded plugins.
    expect(() => checkPluginGraph(ALL_PLUGINS)).not.toThrow();
    expect(() => checkPluginGraph([...ALL_PLUGINS, duplicate])).toThrow("Domain error code 'CAPACITY_GONE' is declared by both 'booking' and 'errorprobe'");
  });

  it('stops the start of an application whose plugins declare a code twice', async () => {
    await expect(createTestApp({ plugins: [...ALL_PLUGINS, duplicate] })).rejects.toThrow(
      "Domain error code 'CAPACITY_GONE' is declared by both 'booking' and 'errorprobe'",
    );
  });

  it("gives a started application every plugin's texts, whichever page asks", async () => {
    const t = await createTestApp();
    try {
      expect(domainErrorOwner('WISH_CLOSED')).toBe('terminagent');
      expect(domainErrorMessage('CAPACITY_GONE', 'de')).toBe('Diese Uhrzeit ist inzwischen leider vergeben. Bitte wählen Sie eine andere.');
      expect(domainErrorMessage('OFFER_ANSWERED', 'en')).toMatch(/^This step is no longer possible/);
    } finally {
      await t.close();
    }
  });
});
