import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { fromRoot } from '../../../apps/server/src/common/project-root.js';
import { Messages } from '../../../apps/server/src/web/i18n.js';

const dir = fromRoot('plugins/booking/portal');
const messages = new Messages(join(dir, 'i18n'));

function templates(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? templates(join(folder, e.name)) : e.name.endsWith('.hbs') ? [readFileSync(join(folder, e.name), 'utf8')] : [],
  );
}

describe('portal messages', () => {
  it('has the same keys in German and English', () => {
    expect(messages.keys('en')).toEqual(messages.keys('de'));
  });

  it('has every key a template asks for in both languages', () => {
    const used = new Set(templates(join(dir, 'views')).flatMap((src) => [...src.matchAll(/[{(]t "([\w.]+)"/g)].map((m) => m[1])));
    expect(used.size).toBeGreaterThan(50);
    for (const locale of ['de', 'en'] as const) {
      const keys = new Set(messages.keys(locale));
      const missing = [...used].filter((k) => !keys.has(k) && !keys.has(`${k}.other`));
      expect(missing).toEqual([]);
    }
  });
});
