import type { Channel } from './entities/capacity-unit.entity.js';

export type Shares = Record<Channel, number>;

const ORDER: Channel[] = ['online', 'agent', 'phone', 'kiosk'];

/**
 * Splits each slot's capacity into channel shares. Rounding per slot alone would give a 20 %
 * share of a 2-counter slot nothing, ever; so the rounding error is carried from slot to slot
 * (error diffusion) and a day's totals come out within one unit of the percentages.
 */
export function splitShares(capacities: number[], percent: Shares): Shares[] {
  const total = ORDER.reduce((s, c) => s + Math.max(0, percent[c]), 0);
  const p = Object.fromEntries(ORDER.map((c) => [c, total > 0 ? Math.max(0, percent[c]) / total : c === 'online' ? 1 : 0])) as Shares;
  const debt: Shares = { online: 0, agent: 0, phone: 0, kiosk: 0 };
  return capacities.map((capacity) => {
    const exact = Object.fromEntries(ORDER.map((c) => [c, capacity * p[c] + debt[c]])) as Shares;
    const out = Object.fromEntries(ORDER.map((c) => [c, Math.max(0, Math.floor(exact[c]))])) as Shares;
    let left = capacity - ORDER.reduce((s, c) => s + out[c], 0);
    // Hand out what is left by largest remainder; ties go in ORDER (online first).
    const byRemainder = [...ORDER].sort((a, b) => exact[b] - out[b] - (exact[a] - out[a]));
    for (const c of byRemainder) {
      if (left <= 0) break;
      out[c] += 1;
      left -= 1;
    }
    for (const c of ORDER) debt[c] = exact[c] - out[c];
    return out;
  });
}
