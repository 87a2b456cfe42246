import { defineErrors } from '../../apps/server/src/common/domain-error.js';
import { fromRoot } from '../../apps/server/src/common/project-root.js';

/**
 * The booking plugin's domain error codes (code → kind); their German and English texts are
 * `errors.code.<CODE>` in portal/i18n. Listed in docs/errors.md.
 */
export const bookingErrors = defineErrors(
  {
    CAPACITY_GONE: 'conflict',
    LOCATION_MISMATCH: 'conflict',
    SLOT_IN_PAST: 'conflict',
    SLOT_TOO_SOON: 'conflict',
    BEYOND_HORIZON: 'conflict',
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
    // The authority's calendar (staff/).
    SEARCH_TOO_SHORT: 'refused',
    COUNTER_UNKNOWN: 'refused',
    BLOCK_END_BEFORE_START: 'refused',
    BLOCK_IN_PAST: 'refused',
    BLOCK_TOO_LONG: 'refused',
    BLOCK_REASON_REQUIRED: 'refused',
  },
  { messages: fromRoot('plugins/booking/portal/i18n') },
);

type BookingErrorCodes = (typeof bookingErrors)['codes'];

declare module '../../apps/server/src/common/domain-error.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DomainErrorCodes extends BookingErrorCodes {}
}
