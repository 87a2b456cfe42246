import { randomBytes, timingSafeEqual } from 'node:crypto';

/** The secret of a citizen's mail links. */
export function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time comparison of a stored secret with one from a link. */
export function sameSecret(stored: string, given: string): boolean {
  const x = Buffer.from(stored);
  const y = Buffer.from(given);
  return x.length === y.length && timingSafeEqual(x, y);
}
