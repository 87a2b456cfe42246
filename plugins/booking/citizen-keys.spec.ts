import { describe, expect, it } from '@jest/globals';
import { emailKey, subscriberOf } from './citizen-keys.js';

describe('emailKey', () => {
  it('folds case and surrounding space', () => {
    expect(emailKey('  Erika.Muster@Example.ORG ')).toBe('erika.muster@example.org');
  });

  it('drops the plus-tag at every provider', () => {
    expect(emailKey('erika+1@example.org')).toBe('erika@example.org');
    expect(emailKey('erika+a+b@web.de')).toBe('erika@web.de');
  });

  it('ignores dots of the local part at Gmail only, and treats googlemail.com as gmail.com', () => {
    expect(emailKey('e.r.i.k.a+bot7@GoogleMail.com')).toBe('erika@gmail.com');
    expect(emailKey('erika@gmail.com')).toBe('erika@gmail.com');
    expect(emailKey('e.rika@web.de')).toBe('e.rika@web.de');
  });

  it('keeps what cannot be split and has nothing to key when empty', () => {
    expect(emailKey('+tag@example.org')).toBe('+tag@example.org');
    expect(emailKey('   ')).toBeNull();
  });
});

describe('subscriberOf', () => {
  it('keeps IPv4 addresses, also IPv4-mapped ones', () => {
    expect(subscriberOf('203.0.113.7')).toBe('203.0.113.7');
    expect(subscriberOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('reduces IPv6 to the /64, however it is written', () => {
    const net = '2001:db8:aa:1::/64';
    expect(subscriberOf('2001:db8:aa:1::1')).toBe(net);
    expect(subscriberOf('2001:0DB8:00AA:0001:ffff:1234:5678:9abc')).toBe(net);
    expect(subscriberOf('2001:db8:aa:1:1::%eth0')).toBe(net);
    expect(subscriberOf('2001:db8:aa:2::1')).not.toBe(net);
    expect(subscriberOf('::1')).toBe('0:0:0:0::/64');
  });
});
