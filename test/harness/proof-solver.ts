import { createHash } from 'node:crypto';
import { solveProof, type ProofChallenge } from '../../admin-config/components/proof-of-work.js';

/**
 * SHA-256 from node:crypto behind the WebCrypto `digest` the solver calls: the same hashes without a
 * thread-pool round trip per number, which costs seconds per challenge on a busy CI machine. What
 * the tests check is the server's side; the browser's solver keeps WebCrypto.
 */
const nodeDigest = {
  digest: async (_algorithm: string, data: Uint8Array) => {
    const hash = createHash('sha256').update(data).digest();
    return hash.buffer.slice(hash.byteOffset, hash.byteOffset + hash.length);
  },
} as unknown as typeof globalThis.crypto.subtle;

/** The base64 ALTCHA payload for a challenge (login proof of work or booking captcha). */
export async function solveForTest(challenge: ProofChallenge): Promise<string> {
  const payload = await solveProof(challenge, nodeDigest);
  if (!payload) throw new Error('challenge without a solution');
  return payload;
}
