import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { fromRoot } from '../common/project-root.js';
import { Messages } from './i18n.js';

const frame = fromRoot('apps/server/src/web/portal');
/** Every view root: the frame's, and each plugin's `portal/` and `staff-pages/` folders (the conventions PluginPages uses). */
const roots = [
  { name: 'frame', dir: frame, messages: new Messages(join(frame, 'i18n')) },
  ...readdirSync(fromRoot('plugins')).flatMap((name) =>
    ['portal', 'staff-pages']
      .filter((folder) => existsSync(fromRoot('plugins', name, folder, 'i18n')))
      .map((folder) => ({
        name: folder === 'portal' ? name : `${name}-${folder}`,
        dir: fromRoot('plugins', name, folder),
        messages: new Messages(join(frame, 'i18n'), fromRoot('plugins', name, folder, 'i18n')),
      })),
  ),
];

function templates(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? templates(join(folder, e.name)) : e.name.endsWith('.hbs') ? [readFileSync(join(folder, e.name), 'utf8')] : [],
  );
}

describe('portal messages', () => {
  it('finds the frame and the plugins with pages', () => {
    expect(roots.map((r) => r.name)).toEqual(expect.arrayContaining(['frame', 'booking', 'terminagent', 'booking-staff-pages']));
  });

  describe.each(roots)('$name', ({ dir, messages }) => {
    it('has the same keys in German and English', () => {
      expect(messages.keys('en')).toEqual(messages.keys('de'));
    });

    it('has every key a template asks for in both languages', () => {
      const used = new Set(templates(join(dir, 'views')).flatMap((src) => [...src.matchAll(/[{(]t "([\w.]+)"/g)].map((m) => m[1])));
      expect(used.size).toBeGreaterThan(5);
      for (const locale of ['de', 'en'] as const) {
        const keys = new Set(messages.keys(locale));
        const missing = [...used].filter((k) => !keys.has(k) && !keys.has(`${k}.other`));
        expect(missing).toEqual([]);
      }
    });
  });
});
