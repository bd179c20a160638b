import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address.ts';

describe('clientAddress', () => {
  it('keeps an IPv4 address, written plainly or IPv4-mapped', () => {
    expect(clientAddress('203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddress('::FFFF:127.0.0.1')).toBe('127.0.0.1');
  });

  it('counts an IPv6 address by its /64, however it is written', () => {
    const prefix = '2001:db8:ab:cd::/64';
    expect(clientAddress('2001:db8:ab:cd::1')).toBe(prefix);
    expect(clientAddress('2001:0db8:00ab:00cd:ffff:1:2:3')).toBe(prefix);
    expect(clientAddress('2001:DB8:AB:CD:0:0:0:9')).toBe(prefix);
    expect(clientAddress('2001:db8:ab:ce::1')).toBe('2001:db8:ab:ce::/64');
    expect(clientAddress('::1')).toBe('0:0:0:0::/64');
    expect(clientAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientAddress('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
  });

  it('has nothing to count by without an address', () => {
    expect(clientAddress(undefined)).toBeUndefined();
    expect(clientAddress('')).toBeUndefined();
  });
});
