import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { splitShares } from './capacity-shares.js';

describe('splitShares', () => {
  it('gives a 20 % agent share of small slots over the day, not never', () => {
    const parts = splitShares(Array(10).fill(2), { online: 70, agent: 20, phone: 10, kiosk: 0 });
    const sum = (c: 'online' | 'agent' | 'phone' | 'kiosk') => parts.reduce((s, p) => s + p[c], 0);
    expect([sum('online'), sum('agent'), sum('phone'), sum('kiosk')]).toEqual([14, 4, 2, 0]);
  });

  it('always hands out exactly the slot capacity and keeps day totals within one unit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 60 }),
        fc.tuple(fc.nat(100), fc.nat(100), fc.nat(100), fc.nat(100)),
        (caps, [o, a, p, k]) => {
          const percent = { online: o, agent: a, phone: p, kiosk: k };
          const parts = splitShares(caps, percent);
          const total = caps.reduce((s, c) => s + c, 0);
          const weight = o + a + p + k;
          parts.forEach((part, i) => {
            expect(part.online + part.agent + part.phone + part.kiosk).toBe(caps[i]);
            for (const v of Object.values(part)) expect(v).toBeGreaterThanOrEqual(0);
          });
          for (const c of ['online', 'agent', 'phone', 'kiosk'] as const) {
            const want = weight === 0 ? (c === 'online' ? total : 0) : (total * percent[c]) / weight;
            expect(Math.abs(parts.reduce((s, x) => s + x[c], 0) - want)).toBeLessThan(1 + 1e-9);
          }
        },
      ),
    );
  });
});
