// Solves the server's ALTCHA (v1) proof of work in the browser with Web Crypto: finds n with
// SHA-256(salt + n) = challenge. Bundled into the panel's components; also runs under Node (tests).

export interface ProofChallenge {
  algorithm: string;
  challenge: string;
  maxnumber: number;
  salt: string;
  signature: string;
}

/** Digests per round: Web Crypto answers asynchronously, so a batch in flight hides the round trips. */
const BATCH = 256;

function bytesOfHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function equal(a: ArrayBuffer, b: Uint8Array): boolean {
  const view = new Uint8Array(a);
  if (view.length !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (view[i] !== b[i]) return false;
  return true;
}

/** The base64 payload the server verifies (the `altcha` form field), or null if there is no solution. */
export async function solveProof(c: ProofChallenge, subtle: typeof globalThis.crypto.subtle = globalThis.crypto.subtle): Promise<string | null> {
  const target = bytesOfHex(c.challenge);
  const encoder = new TextEncoder();
  for (let start = 0; start <= c.maxnumber; start += BATCH) {
    const numbers = Array.from({ length: Math.min(BATCH, c.maxnumber - start + 1) }, (_, i) => start + i);
    const hashes = await Promise.all(numbers.map((n) => subtle.digest('SHA-256', encoder.encode(c.salt + n))));
    const found = hashes.findIndex((h: ArrayBuffer) => equal(h, target));
    if (found >= 0) {
      const payload = { algorithm: c.algorithm, challenge: c.challenge, number: numbers[found], salt: c.salt, signature: c.signature };
      return btoa(JSON.stringify(payload));
    }
  }
  return null;
}
