import { describe, expect, it } from '@jest/globals';
import { serviceMinutesFrom, type FinishedVisit } from './service-times.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const NOW = new Date('2026-12-02T12:00:00Z');
const configured: Record<string, number> = { pass: 15, kfz: 20 };
const options = { now: NOW, configuredMinutes: (id: string) => configured[id] ?? null, defaultMinutes: 12 };

/** A visit that ended `agoMinutes` before now and lasted `minutes`. */
const visit = (serviceIds: string[], minutes: number, agoMinutes = 60): FinishedVisit => {
  const finishedAt = new Date(NOW.getTime() - agoMinutes * MINUTE);
  return { serviceIds, startedAt: new Date(finishedAt.getTime() - minutes * MINUTE), finishedAt };
};

describe('rolling service times', () => {
  it('falls back to the configured duration, then to the default, without history', () => {
    const minutes = serviceMinutesFrom([], options);
    expect(minutes(['pass'])).toBe(15);
    expect(minutes(['melde'])).toBe(12);
    expect(minutes([])).toBe(12);
  });

  it('takes the mean of a service’s visits and adds up a ticket’s services', () => {
    const minutes = serviceMinutesFrom([visit(['pass'], 8), visit(['pass'], 12), visit(['kfz'], 30)], options);
    expect(minutes(['pass'])).toBe(10);
    expect(minutes(['pass', 'kfz'])).toBe(40);
    expect(minutes(['pass', 'melde'])).toBe(22);
  });

  it('splits a visit with several services equally among them', () => {
    const minutes = serviceMinutesFrom([visit(['pass', 'melde'], 20)], options);
    expect(minutes(['pass'])).toBe(10);
    expect(minutes(['melde'])).toBe(10);
  });

  it('counts only the newest visits per service, within the window', () => {
    const recent = Array.from({ length: 20 }, (_, i) => visit(['pass'], 6, 10 + i));
    const older = Array.from({ length: 10 }, (_, i) => visit(['pass'], 60, 100 + i));
    expect(serviceMinutesFrom([...older, ...recent], options)(['pass'])).toBe(6);
    expect(serviceMinutesFrom([...older, ...recent], { ...options, samplesPerService: 30 })(['pass'])).toBe(24);
    expect(serviceMinutesFrom([visit(['kfz'], 5, 15 * 24 * 60)], options)(['kfz'])).toBe(20);
    expect(serviceMinutesFrom([visit(['kfz'], 5, 13 * 24 * 60)], options)(['kfz'])).toBe(5);
    expect(serviceMinutesFrom([visit(['kfz'], 5, 3 * 24 * 60)], { ...options, windowDays: 2 })(['kfz'])).toBe(20);
  });

  it('ignores visits after now and visits without a duration', () => {
    const future = visit(['pass'], 40, -DAY / MINUTE);
    const empty = visit(['pass'], 0);
    expect(serviceMinutesFrom([future, empty], options)(['pass'])).toBe(15);
  });
});
