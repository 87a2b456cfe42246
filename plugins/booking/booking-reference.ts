import { randomInt } from 'node:crypto';

/** Letters and digits that cannot be misread (no 0/O, 1/I/L), for references read out at a counter. */
const REF_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A booking reference, also the ticket number, e.g. 'K7M2-QX4P'. */
export function newReference(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += REF_ALPHABET[randomInt(REF_ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}
