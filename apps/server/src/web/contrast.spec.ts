import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { accessiblePalette, contrastRatio, ensureContrast } from './contrast.js';

const hex = fc
  .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
  .map((rgb) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`);

describe('contrast', () => {
  it('matches the WCAG reference values', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
    // #767676 on white is the well-known lightest grey that passes AA.
    expect(contrastRatio('#767676', '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(4.5);
  });

  it('keeps a tenant colour that already passes and darkens one that does not', () => {
    expect(ensureContrast('#00587c', '#ffffff', 4.5)).toBe('#00587c');
    const fixed = ensureContrast('#ffcc00', '#ffffff', 4.5);
    expect(fixed).not.toBe('#ffcc00');
    expect(contrastRatio(fixed, '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });

  it('always yields a palette that meets AA, whatever the branding', () => {
    fc.assert(
      fc.property(hex, hex, (primary, accent) => {
        const p = accessiblePalette(primary, accent);
        expect(contrastRatio(p.onPrimary, p.primary)).toBeGreaterThanOrEqual(4.5);
        expect(contrastRatio(p.link, '#ffffff')).toBeGreaterThanOrEqual(4.5);
        expect(contrastRatio(p.focusOnPrimary, p.primary)).toBeGreaterThanOrEqual(3);
      }),
      { numRuns: 500 },
    );
  });
});
