import { describe, expect, it } from '@jest/globals';
import { normalizeHost, parseHost } from './host-name.js';

describe('host names', () => {
  it('folds case, port, trailing dot and IDN into one spelling', () => {
    for (const spelling of ['musterstadt.example', 'MusterStadt.Example', 'musterstadt.example.', 'musterstadt.example.:8080', 'musterstadt.example:443']) {
      expect(normalizeHost(spelling)).toBe('musterstadt.example');
    }
    expect(normalizeHost('bürgerbüro.example')).toBe('xn--brgerbro-65af.example');
    expect(normalizeHost('XN--BRGERBRO-65AF.example.')).toBe('xn--brgerbro-65af.example');
    expect(parseHost('[::1]:3000')).toEqual({ name: '[::1]', port: '3000' });
    expect(parseHost('localhost:3000')).toEqual({ name: 'localhost', port: '3000' });
    expect(parseHost('localhost:80')).toEqual({ name: 'localhost', port: '' });
  });

  it('refuses what is no host name', () => {
    for (const bad of [
      undefined,
      '',
      ' ',
      'a b',
      'evil.example/x',
      'a..',
      'host:port',
      'host:123456',
      '[::1',
      '[::1]x',
      'a:1:2',
      '..',
      'a..b',
      'a.b\\c',
      'user@host',
    ]) {
      expect(normalizeHost(bad)).toBeNull();
    }
  });
});
