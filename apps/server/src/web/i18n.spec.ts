import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Messages } from './i18n.js';

function folder(de: object, en: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'amtszeit-i18n-'));
  writeFileSync(join(dir, 'de.json'), JSON.stringify(de));
  writeFileSync(join(dir, 'en.json'), JSON.stringify(en));
  return dir;
}

function catalogues(de: object, en: object): Messages {
  return new Messages(folder(de, en));
}

describe('Messages', () => {
  const m = catalogues(
    { a: { hello: 'Hallo {name}', n: { one: '{count} Termin', other: '{count} Termine' } } },
    { a: { hello: 'Hello {name}', n: { one: '{count} appointment', other: '{count} appointments' } } },
  );

  it('fills placeholders and chooses plural forms', () => {
    expect(m.translator('de')('a.hello', { name: 'Ada' })).toBe('Hallo Ada');
    expect(m.translator('en')('a.n', { count: 1 })).toBe('1 appointment');
    expect(m.translator('de')('a.n', { count: 3 })).toBe('3 Termine');
  });

  it('merges the catalogues of several folders and refuses a key defined in two', () => {
    const frame = folder({ layout: { back: 'Zurück' } }, { layout: { back: 'Back' } });
    const merged = new Messages(frame, folder({ own: { x: 'Eigen' } }, { own: { x: 'Own' } }));
    expect(merged.translator('en')('layout.back')).toBe('Back');
    expect(merged.translator('de')('own.x')).toBe('Eigen');
    expect(() => new Messages(frame, folder({ layout: { back: 'Nochmal' } }, { layout: { back: 'Again' } }))).toThrow(
      "Message 'layout.back' (de) is defined twice",
    );
  });

  it('throws on a missing key instead of showing it', () => {
    expect(() => m.translator('de')('a.nope')).toThrow("Missing message 'a.nope' (de)");
  });
});
