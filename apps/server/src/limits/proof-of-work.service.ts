import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { createChallenge, extractParams, verifySolution } from 'altcha-lib/v1';
import { Clock } from '../common/clock.js';
import { ENV, type Env } from '../config/env.config.js';
import { SharedLimitsService } from './shared-limits.service.js';

/** What a client solves: an ALTCHA (v1) challenge, as the widget and `solveProof` expect it. */
export interface ProofChallenge {
  algorithm: string;
  challenge: string;
  maxnumber: number;
  salt: string;
  signature: string;
}

export interface ChallengeOptions {
  /** Upper bound of the secret number: the client tries half of it on average (SHA-256 each). */
  maxNumber?: number;
  /** How long a challenge may be solved and presented. */
  ttlMs?: number;
}

/** `valid` is returned once per solution; every other answer means "solve a fresh challenge". */
export type ProofCheck = 'valid' | 'missing' | 'malformed' | 'invalid' | 'expired' | 'spent';

export const DEFAULT_PROOF_MAX_NUMBER = 100_000;
export const DEFAULT_PROOF_TTL_MS = 20 * 60_000;
/** A solution is a few hundred characters; anything much longer is not parsed at all. */
const MAX_PAYLOAD_LENGTH = 2000;

/**
 * Self-hosted proof of work (ALTCHA): a challenge is bound to what it was issued for (its
 * `binding`, e.g. `{ purpose: 'login' }` or a tenant slug), signed with a key derived from
 * SESSION_SECRET (the same on every instance), expires on our Clock, and its solution is accepted
 * once across all instances (SharedLimitsService). Callers decide when a proof is required.
 */
@Injectable()
export class ProofOfWorkService {
  private readonly hmacKey: string;

  constructor(
    @Inject(ENV) env: Env,
    private readonly clock: Clock,
    private readonly limits: SharedLimitsService,
  ) {
    this.hmacKey = createHmac('sha256', env.SESSION_SECRET).update('altcha').digest('hex');
  }

  async challenge(binding: Record<string, string>, options: ChallengeOptions = {}): Promise<ProofChallenge> {
    if ('expires' in binding) throw new Error('"expires" is set by the service, not bound by callers');
    const challenge = await createChallenge({
      hmacKey: this.hmacKey,
      maxNumber: options.maxNumber ?? DEFAULT_PROOF_MAX_NUMBER,
      expires: new Date(this.clock.now().getTime() + (options.ttlMs ?? DEFAULT_PROOF_TTL_MS)),
      params: binding,
    });
    return {
      algorithm: challenge.algorithm,
      challenge: challenge.challenge,
      maxnumber: challenge.maxnumber ?? DEFAULT_PROOF_MAX_NUMBER,
      salt: challenge.salt,
      signature: challenge.signature,
    };
  }

  /** Checks a solution (the base64 payload a client sends) against exactly this binding, and spends it. */
  async verify(payload: unknown, binding: Record<string, string>): Promise<ProofCheck> {
    if (typeof payload !== 'string' || payload === '') return 'missing';
    if (payload.length > MAX_PAYLOAD_LENGTH) return 'malformed';
    let decoded: { salt?: unknown; signature?: unknown };
    try {
      decoded = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
    } catch {
      return 'malformed';
    }
    if (typeof decoded?.salt !== 'string' || typeof decoded.signature !== 'string') return 'malformed';
    // Expiry is checked against our clock below, not the library's Date.now(), like every other deadline.
    if (!(await verifySolution(payload, this.hmacKey, false).catch(() => false))) return 'invalid';
    const { expires, ...bound } = extractParams(decoded as never);
    if (!sameBinding(bound, binding)) return 'invalid';
    const expiresAt = new Date(Number(expires) * 1000);
    if (!(expiresAt.getTime() > this.clock.now().getTime())) return 'expired';
    // Remembered until the challenge expires; after that, expiry refuses it anyway.
    return (await this.limits.spend(`altcha|${decoded.signature}`, expiresAt)) ? 'valid' : 'spent';
  }
}

function sameBinding(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(b);
  return Object.keys(a).length === keys.length && keys.every((k) => a[k] === b[k]);
}
