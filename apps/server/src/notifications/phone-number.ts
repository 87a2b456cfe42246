import { BadRequestException } from '@nestjs/common';
import { parsePhoneNumberFromString as parseWith, type CountryCode, type MetadataJson } from 'libphonenumber-js/core';
// The full metadata ("max"), so that "valid" means a number that can exist and its type is known;
// imported with its attribute, as Node's ESM loader wants for JSON.
import maxMetadata from 'libphonenumber-js/metadata.max.json' with { type: 'json' };

const metadata = maxMetadata as unknown as MetadataJson;

export const PHONE_DEFAULT_REGION: CountryCode = 'DE';

export const INVALID_PHONE_MESSAGE = {
  de: 'Bitte geben Sie eine gültige Telefonnummer an, z. B. 0151 23456789 oder +49 151 23456789.',
  en: 'Please enter a valid phone number, e.g. 0151 23456789 or +49 151 23456789.',
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
 * A citizen's number from an API request in E.164, or null when none was given; 400 when it is not
 * a valid number, or when SMS was asked for without a number that can receive one.
 */
export function citizenPhone(citizen: { phone?: string | null; sms?: boolean }): string | null {
  const typed = citizen.phone?.trim() ?? '';
  if (!typed) {
    if (citizen.sms) throw new BadRequestException('To get text messages, please enter a mobile phone number.');
    return null;
  }
  const phone = normalisePhone(typed);
  if (!phone) throw new BadRequestException(INVALID_PHONE_MESSAGE.en);
  if (citizen.sms && !canReceiveSms(phone)) throw new BadRequestException('This number cannot receive text messages. Please enter a mobile phone number.');
  return phone;
}
