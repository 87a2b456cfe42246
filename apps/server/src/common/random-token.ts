import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(4096);
let offset = pool.length;

/**
 * `bytes` random bytes (from the system's CSPRNG) as base64url, for nonces and secret tokens. Drawn
 * from a pool refilled 4 KiB at a time, as Node does for randomUUID: every response needs a nonce,
 * and one system call per request is a measurable share of a rush on a small server. Each byte is
 * handed out once.
 */
export function randomToken(bytes: number): string {
  if (bytes > pool.length) throw new RangeError('randomToken: at most 4096 bytes');
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const token = pool.toString('base64url', offset, offset + bytes);
  offset += bytes;
  return token;
}
