import { describe, expect, it } from '@jest/globals';
import { panelText } from '../../test/harness/panel-text.js';
import { EURO_MESSAGE, formatEuro, parseEuro } from './euro.js';

describe('fees in euros', () => {
  it.each([
    ['12,50 €', 1250],
    ['12,5', 1250],
    ['12', 1200],
    ['0', 0],
    ['1.234,50', 123450],
    ['12.50', 1250],
    [' 46,00 EUR ', 4600],
    ['', null],
  ])('reads %j as %j cents', (text, cents) => expect(parseEuro(text)).toBe(cents));

  it.each(['zwölf', '12,505', '-5', '1,2,3', '12.5.0'])('refuses %j', (text) => expect(parseEuro(text)).toBeUndefined());

  it('writes cents with a comma and the euro sign, and reads its own output back', () => {
    expect(formatEuro(1250)).toBe('12,50\u00a0€');
    expect(formatEuro(123450)).toBe('1.234,50\u00a0€');
    expect(formatEuro(5)).toBe('0,05\u00a0€');
    expect(formatEuro(null)).toBe('');
    for (const cents of [0, 5, 99, 1250, 123450]) expect(parseEuro(formatEuro(cents))).toBe(cents);
  });

  it('refuses with a message key shown in German by default and in English in the English panel', () => {
    expect(panelText('de', EURO_MESSAGE)).toBe('Bitte einen Betrag in Euro angeben, z. B. 12,50 €.');
    expect(panelText('en', EURO_MESSAGE)).toBe('Please enter an amount in euros, e.g. 12,50 €.');
  });
});
