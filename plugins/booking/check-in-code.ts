import { randomInt } from 'node:crypto';
import { DateTime } from 'luxon';

/** Digits of a check-in code: short enough to type at the kiosk, a million per location and day. */
export const CHECK_IN_CODE_DIGITS = 6;

/**
 * A fresh check-in code and the tenant-local day it belongs to. Uniqueness per location and day
 * is the database's (a unique index); the caller draws again when its insert or update collides.
 */
export function newCheckInCode(start: Date, timeZone: string): { checkInCode: string; checkInDay: string } {
  return {
    checkInCode: String(randomInt(0, 10 ** CHECK_IN_CODE_DIGITS)).padStart(CHECK_IN_CODE_DIGITS, '0'),
    checkInDay: DateTime.fromJSDate(start, { zone: timeZone }).toISODate()!,
  };
}
