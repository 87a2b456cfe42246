import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { solveProof } from '../admin-config/components/proof-of-work.js';
import { ProofOfWorkService } from '../apps/server/src/limits/proof-of-work.service.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { createTestDatabase, type TestDatabase } from './harness/test-database.js';

const SECRET = 'proof-of-work-test-secret-0123456789-abcdef';
const LOGIN = { purpose: 'login' };

function withNumber(payload: string, change: (n: number) => number): string {
  const decoded = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
  return Buffer.from(JSON.stringify({ ...decoded, number: change(decoded.number) })).toString('base64');
}

describe('proof of work (ALTCHA) in the core', () => {
  let database: TestDatabase;
  let t: TestApp;
  let second: TestApp;
  let pow: ProofOfWorkService;
  beforeAll(async () => {
    database = await createTestDatabase();
    t = await createTestApp({ database, env: { SESSION_SECRET: SECRET } });
    // A second instance on the same database, with the same secret and the same clock.
    second = await createTestApp({ database, clock: t.clock, env: { SESSION_SECRET: SECRET } });
    pow = t.app.get(ProofOfWorkService);
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
    await database.drop();
  });

  it('issues a challenge of the asked difficulty that the browser solver answers, accepted once on any instance', async () => {
    const challenge = await pow.challenge(LOGIN, { maxNumber: 5_000 });
    expect(challenge).toMatchObject({ algorithm: 'SHA-256', maxnumber: 5_000, salt: expect.stringContaining('purpose=login') });
    const payload = (await solveProof(challenge))!;
    expect(JSON.parse(Buffer.from(payload, 'base64').toString('utf8')).number).toBeLessThanOrEqual(5_000);
    expect(await second.app.get(ProofOfWorkService).verify(payload, LOGIN)).toBe('valid');
    expect(await pow.verify(payload, LOGIN)).toBe('spent');
    expect(await second.app.get(ProofOfWorkService).verify(payload, LOGIN)).toBe('spent');
  });

  it('accepts a solution presented concurrently on two instances exactly once', async () => {
    const payload = (await solveProof(await pow.challenge(LOGIN, { maxNumber: 2_000 })))!;
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? second : t).app.get(ProofOfWorkService).verify(payload, LOGIN)));
    expect(results.filter((r) => r === 'valid')).toHaveLength(1);
    expect(results.filter((r) => r === 'spent')).toHaveLength(5);
  });

  it('binds a challenge to what it was issued for', async () => {
    const payload = (await solveProof(await pow.challenge({ purpose: 'login' }, { maxNumber: 2_000 })))!;
    expect(await pow.verify(payload, { purpose: 'booking' })).toBe('invalid');
    expect(await pow.verify(payload, { purpose: 'login', tenant: 'musterstadt' })).toBe('invalid');
    const tenantBound = (await solveProof(await pow.challenge({ tenant: 'musterstadt' }, { maxNumber: 2_000 })))!;
    expect(await pow.verify(tenantBound, { tenant: 'beispielheim' })).toBe('invalid');
    expect(await pow.verify(tenantBound, LOGIN)).toBe('invalid');
    // Refused answers were not spent: the right binding still takes them.
    expect(await pow.verify(payload, LOGIN)).toBe('valid');
    expect(await pow.verify(tenantBound, { tenant: 'musterstadt' })).toBe('valid');
  });

  it('refuses expired, forged, malformed and missing answers, and challenges signed with another secret', async () => {
    const payload = (await solveProof(await pow.challenge(LOGIN, { maxNumber: 2_000, ttlMs: 60_000 })))!;
    expect(
      await pow.verify(
        withNumber(payload, (n) => n + 1),
        LOGIN,
      ),
    ).toBe('invalid');
    expect(await pow.verify('bm90IGpzb24=', LOGIN)).toBe('malformed');
    expect(await pow.verify(payload + ' '.repeat(2000), LOGIN)).toBe('malformed');
    expect(await pow.verify(Buffer.from('{"salt":1}').toString('base64'), LOGIN)).toBe('malformed');
    expect(await pow.verify(undefined, LOGIN)).toBe('missing');
    expect(await pow.verify('', LOGIN)).toBe('missing');
    const other = await createTestApp({ database, clock: t.clock, env: { SESSION_SECRET: `${SECRET}-other` } });
    try {
      expect(await other.app.get(ProofOfWorkService).verify(payload, LOGIN)).toBe('invalid');
    } finally {
      await other.close();
    }
    // Expiry follows the application's clock.
    t.clock.advance(61_000);
    expect(await pow.verify(payload, LOGIN)).toBe('expired');
  });
});
