import { describe, expect, it } from '@jest/globals';
import { countSmsSegments } from './sms-segments.js';

describe('countSmsSegments', () => {
  it('counts GSM-7 texts by septets: 160 in one message, 153 per part', () => {
    expect(countSmsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(countSmsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(countSmsSegments('a'.repeat(306)).segments).toBe(2);
    expect(countSmsSegments('a'.repeat(307)).segments).toBe(3);
    expect(countSmsSegments('Grüße aus Köln, Straße 5 §').encoding).toBe('GSM-7');
  });

  it('counts extension characters twice and never splits an escape pair', () => {
    expect(countSmsSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(countSmsSegments('€'.repeat(81)).segments).toBe(2);
    // 152 septets, then a two-septet euro sign that does not fit into the first part's 153.
    const text = 'a'.repeat(152) + '€' + 'a'.repeat(10);
    expect(countSmsSegments(text)).toEqual({ encoding: 'GSM-7', units: 164, segments: 2 });
    expect(countSmsSegments('a'.repeat(152) + '€'.repeat(77)).segments).toBe(3);
  });

  it('switches the whole text to UCS-2 for a character outside the GSM alphabet: 70, then 67 per part', () => {
    expect(countSmsSegments('Termin ✓')).toEqual({ encoding: 'UCS-2', units: 8, segments: 1 });
    expect(countSmsSegments('ç'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(countSmsSegments('ç'.repeat(71)).segments).toBe(2);
    expect(countSmsSegments('ç'.repeat(134)).segments).toBe(2);
    expect(countSmsSegments('ç'.repeat(135)).segments).toBe(3);
    // An emoji is a surrogate pair: two units, kept together.
    expect(countSmsSegments('a'.repeat(66) + '😀')).toEqual({ encoding: 'UCS-2', units: 68, segments: 1 });
    expect(countSmsSegments('a'.repeat(66) + '😀' + 'a'.repeat(3)).segments).toBe(2);
  });
});
