import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Messages } from './i18n.js';

function catalogues(de: object, en: object): Messages {
  const dir = mkdtempSync(join(tmpdir(), 'amtszeit-i18n-'));
  writeFileSync(join(dir, 'de.json'), JSON.stringify(de));
  writeFileSync(join(dir, 'en.json'), JSON.stringify(en));
  return new Messages(dir);
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

  it('throws on a missing key instead of showing it', () => {
    expect(() => m.translator('de')('a.nope')).toThrow("Missing message 'a.nope' (de)");
  });
});
