import { formatEuro as formatAmount } from '../../apps/server/src/common/euro.js';
import type { PanelMessage } from '../locale.js';

/** Fees as a clerk writes them ("12,50 €", "1.234,50", "12") ↔ cents as stored. */

const GERMAN = /^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?$/;
const DOT_DECIMAL = /^(\d+)\.(\d{1,2})$/;

/** Cents → "12,50 €" (German notation, also in the English panel: the fee is a German fee; no line break before €). */
export function formatEuro(cents: number | null | undefined): string {
  return cents === null || cents === undefined ? '' : formatAmount(cents / 100, 'de');
}

/** "12,50 €" → 1250; '' → null; undefined when it is no amount. */
export function parseEuro(text: string): number | null | undefined {
  const s = text.replace(/€|EUR/gi, '').replace(/\s/g, '');
  if (s === '') return null;
  const german = GERMAN.exec(s);
  const dot = german ? null : DOT_DECIMAL.exec(s);
  const match = german ?? dot;
  if (!match) return undefined;
  const euros = Number(match[1].replaceAll('.', ''));
  const cents = Number((match[2] ?? '0').padEnd(2, '0'));
  return euros * 100 + cents;
}

/** The message key for an amount that cannot be read (shown in the panel's language). */
export const EURO_MESSAGE = 'euroAmount' satisfies PanelMessage;
