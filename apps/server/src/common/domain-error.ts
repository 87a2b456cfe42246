/**
 * What kind of refusal a domain error is; the HTTP layer maps kinds to statuses in one place
 * (DomainErrorFilter), so services stay free of HTTP.
 */
export type DomainErrorKind = 'refused' | 'conflict' | 'limited';

/**
 * Every domain error code with its kind. Clients and the portal tell errors apart by code, never
 * by status or message; each code has a German and an English text in the portal's frame
 * catalogue (`errors.code.<CODE>`, apps/server/src/web/portal/i18n). docs/errors.md lists them.
 */
export const DOMAIN_ERRORS = {
  // Booking
  CAPACITY_GONE: 'conflict',
  LOCATION_MISMATCH: 'conflict',
  SLOT_IN_PAST: 'conflict',
  BEYOND_HORIZON: 'conflict',
  CONSENT_REQUIRED: 'refused',
  CAPTCHA_REQUIRED: 'refused',
  CAPTCHA_INVALID: 'refused',
  RATE_LIMITED: 'limited',
  CAP_REACHED: 'limited',
  HOLDS_UNCONFIRMED: 'limited',
  HOLD_LAPSED: 'conflict',
  BOOKING_CHANGED: 'conflict',
  BOOKING_CANCELLED: 'conflict',
  BOOKING_STATE: 'conflict',
  APPOINTMENT_STARTED: 'conflict',
  CALENDAR_NOT_READY: 'conflict',
  // Terminagent
  WISH_DUPLICATE: 'conflict',
  WISH_DUPLICATE_UNCONFIRMED: 'conflict',
  WISH_CLOSED: 'conflict',
  WISH_LINK_LAPSED: 'conflict',
  WISH_CHANGED: 'conflict',
  OFFER_LAPSED: 'conflict',
  OFFER_ANSWERED: 'conflict',
} as const satisfies Record<string, DomainErrorKind>;

export type DomainErrorCode = keyof typeof DOMAIN_ERRORS;

export const DOMAIN_ERROR_CODES = Object.keys(DOMAIN_ERRORS) as DomainErrorCode[];

/**
 * A refusal with a meaning: a code for machines and the portal, an English message for API
 * clients (the same texts the API always gave).
 */
export class DomainError extends Error {
  readonly kind: DomainErrorKind;

  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
    this.kind = DOMAIN_ERRORS[code];
  }
}
