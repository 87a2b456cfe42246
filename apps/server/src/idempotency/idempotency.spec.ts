import { describe, expect, it } from '@jest/globals';
import { canonicalJson, parseIdempotencyKey } from './idempotency.service.js';

describe('canonicalJson', () => {
  it('sorts object keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,1]},"b":1}');
    expect(canonicalJson({ a: { c: 'x', d: [2, 1] }, b: 1 })).toBe(canonicalJson({ b: 1, a: { d: [2, 1], c: 'x' } }));
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it('leaves out undefined properties, as JSON does, but keeps null', () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
    expect(canonicalJson({ d: new Date('2026-11-24T08:00:00Z') })).toBe('{"d":"2026-11-24T08:00:00.000Z"}');
  });
});

describe('parseIdempotencyKey', () => {
  it('accepts 1 to 100 printable ASCII characters and no key at all', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
    expect(parseIdempotencyKey('8e03978e-40d5-43e8-bc93-6894a57f9324')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(parseIdempotencyKey('x'.repeat(100))).toHaveLength(100);
  });

  it('refuses anything else with a 400', () => {
    for (const bad of ['', 'x'.repeat(101), 'schlüssel', 'tab\there', ['a', 'b']]) {
      expect(() => parseIdempotencyKey(bad)).toThrow('The Idempotency-Key must be 1 to 100 printable ASCII characters.');
    }
  });
});
