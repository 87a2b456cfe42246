import { describe, expect, it } from '@jest/globals';
import { canReceiveSms, normalisePhone } from './phone-number.js';

describe('normalisePhone', () => {
  it('reads German numbers as typed and gives E.164', () => {
    expect(normalisePhone('0151 23456789')).toBe('+4915123456789');
    expect(normalisePhone('+49 (0)151/234 567-89')).toBe('+4915123456789');
    expect(normalisePhone('0049 6131 123456')).toBe('+496131123456');
    expect(normalisePhone('+43 664 1234567')).toBe('+436641234567');
  });

  it('refuses what cannot be a number', () => {
    for (const bad of ['', '12', '0151', 'abc', '+49 000 000', '0151 234567890123456']) expect(normalisePhone(bad)).toBeNull();
  });

  it('knows that a landline cannot receive a text message', () => {
    expect(canReceiveSms('+4915123456789')).toBe(true);
    expect(canReceiveSms('+496131123456')).toBe(false);
  });
});
