import { parsePhoneNumberFromString as parseWith, type CountryCode, type MetadataJson } from 'libphonenumber-js/core';
// The full metadata ("max"), so that "valid" means a number that can exist and its type is known;
// imported with its attribute, as Node's ESM loader wants for JSON.
import maxMetadata from 'libphonenumber-js/metadata.max.json' with { type: 'json' };
import { z } from 'zod';
import { DomainError } from '../common/domain-error.js';

const metadata = maxMetadata as unknown as MetadataJson;

export const PHONE_DEFAULT_REGION: CountryCode = 'DE';

/** A phone number as typed into a request body: checked and normalised to E.164 by `citizenPhone` (German numbers may lack +49). */
export const phoneInputSchema = z
  .string()
  .trim()
  .max(50)
  .regex(/^[0-9 +()/-]*$/, 'please enter a valid phone number');

/** The API's English messages; citizens see the texts of the codes (`errors.code.PHONE_*`, the frame's catalogue). */
const REFUSALS = {
  PHONE_INVALID: 'Please enter a valid phone number, e.g. 0151 23456789 or +49 151 23456789.',
  PHONE_REQUIRED: 'To get text messages, please enter a mobile phone number.',
  PHONE_NOT_MOBILE: 'This number cannot receive text messages. Please enter a mobile phone number.',
} as const;

/**
 * A phone number as typed (national with the German default region, or international) in E.164
 * (`+4915123456789`), or null when it is not a valid number. Uses the library's full metadata so
 * that "valid" means a number that can exist, not only one of the right length.
 */
export function normalisePhone(input: string, region: CountryCode = PHONE_DEFAULT_REGION): string | null {
  const trimmed = input.trim();
  if (!trimmed || trimmed.length > 40) return null;
  const parsed = parseWith(trimmed, region, metadata);
  return parsed?.isValid() ? parsed.number : null;
}

/** True when a text message can reach the number (a mobile, or a number that may be one). */
export function canReceiveSms(e164: string): boolean {
  const type = parseWith(e164, metadata)?.getType();
  return type === undefined || type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE' || type === 'PERSONAL_NUMBER';
}

/**
 * A citizen's number from an API request in E.164, or null when none was given. Refused (400) with
 * PHONE_INVALID when it is not a valid number, PHONE_REQUIRED when SMS was asked for without a
 * number, PHONE_NOT_MOBILE when SMS was asked for to a number that cannot receive one.
 */
export function citizenPhone(citizen: { phone?: string | null; sms?: boolean }): string | null {
  const typed = citizen.phone?.trim() ?? '';
  if (!typed) {
    if (citizen.sms) throw new DomainError('PHONE_REQUIRED', REFUSALS.PHONE_REQUIRED);
    return null;
  }
  const phone = normalisePhone(typed);
  if (!phone) throw new DomainError('PHONE_INVALID', REFUSALS.PHONE_INVALID);
  if (citizen.sms && !canReceiveSms(phone)) throw new DomainError('PHONE_NOT_MOBILE', REFUSALS.PHONE_NOT_MOBILE);
  return phone;
}
