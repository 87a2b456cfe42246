import { PAYMENT_LABELS, type PaymentMethod } from './booking.settings.js';

/** The sum of the fees (euros) of the chosen services and their quantities; null when no service names a fee. */
export function totalFee(lines: ReadonlyArray<{ fee: number | null; quantity: number }>): number | null {
  const priced = lines.filter((l) => l.fee !== null);
  return priced.length ? Math.round(priced.reduce((sum, l) => sum + l.fee! * 100 * l.quantity, 0)) / 100 : null;
}

/** What the summary and the appointment page show: the total and the payment methods; null without any fee. */
export function feeSummary(
  lines: ReadonlyArray<{ fee: number | null; quantity: number }>,
  methods: readonly PaymentMethod[],
  locale: 'de' | 'en',
): { total: number; methods: string } | null {
  const total = totalFee(lines);
  return total === null ? null : { total, methods: paymentMethodNames(methods, locale) };
}

/** The tenant's accepted payment methods as one phrase of the citizen's language ('' when none are named). */
export function paymentMethodNames(methods: readonly PaymentMethod[], locale: 'de' | 'en'): string {
  return methods.map((m) => PAYMENT_LABELS[m][locale]).join(', ');
}
