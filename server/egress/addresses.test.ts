import { describe, expect, it } from 'vitest';
import { canonicalAddress, classifyAddress, parseLiteralHost, type AddressClass } from './addresses';

describe('classifyAddress', () => {
  const table: [string, AddressClass][] = [
    ['93.184.216.34', 'public'],
    ['8.8.8.8', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.45.6.7', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.255.255', 'private'],
    ['100.64.0.1', 'private'],
    ['100.128.0.1', 'public'],
    ['169.254.169.254', 'linklocal'],
    ['0.0.0.0', 'unspecified'],
    ['0.255.255.255', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.51.100.1', 'reserved'],
    ['203.0.113.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['2606:4700::6810:85e5', 'public'],
    ['2a00:1450:4001:81c::200e', 'public'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linklocal'],
    ['fe80::1%eth0', 'linklocal'],
    ['fc00::1', 'private'],
    ['fdff:ffff::1', 'private'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'linklocal'],
    ['::ffff:8.8.8.8', 'public'],
    ['::ffff:0:a00:1', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['::7f00:1', 'loopback'],
    ['::8.8.8.8', 'reserved'],
    ['::808:808', 'reserved'],
    ['::0.0.0.1', 'loopback'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::a00:1', 'private'],
    ['64:ff9b::808:808', 'public'],
    ['64:ff9b:1::808:808', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    ['2002:808:808::1', 'public'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['100::1', 'reserved'],
    ['4000::1', 'reserved'],
  ];

  it.each(table)('%s is %s', (ip, expected) => {
    expect(classifyAddress(ip)).toBe(expected);
  });

  it('accepts the IPv4 notations a resolver could hand back', () => {
    expect(classifyAddress('2130706433')).toBe('loopback');
    expect(classifyAddress('0x7f.1')).toBe('loopback');
  });

  it('throws on something that is not an IP', () => {
    expect(() => classifyAddress('example.com')).toThrow('not an IP address: "example.com"');
    expect(() => classifyAddress('')).toThrow(TypeError);
  });
});

describe('canonicalAddress', () => {
  it.each([
    ['0x7f.1', '127.0.0.1'],
    ['2606:4700:0:0:0:0:6810:85E5', '2606:4700::6810:85e5'],
    ['::127.0.0.1', '::7f00:1'],
    ['::ffff:127.0.0.1', '::ffff:7f00:1'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalAddress(input)).toBe(expected);
  });

  it('returns null for a non-IP', () => {
    expect(canonicalAddress('not-an-ip')).toBeNull();
  });
});

describe('parseLiteralHost', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['0x7F000001', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['127.0.0.1.', '127.0.0.1'],
    ['１２７.０.０.１', '127.0.0.1'],
    ['0', '0.0.0.0'],
    ['[::1]', '::1'],
    ['::1', '::1'],
    ['[::ffff:127.0.0.1]', '::ffff:7f00:1'],
    ['[::127.0.0.1]', '::7f00:1'],
    ['[2606:4700:0:0:0:0:6810:85E5]', '2606:4700::6810:85e5'],
  ])('%s → %s', (host, expected) => {
    expect(parseLiteralHost(host)).toBe(expected);
  });

  it.each([
    ['example.com'],
    ['127.0.0.1.nip.io'],
    ['1.2.3.4.5'],
    ['0x7g.1'],
    ['[fe80::1%eth0]'],
    ['user@127.0.0.1'],
    ['127.0.0.1:80'],
    ['127.0.0.1/x'],
    [''],
  ])('%s is not an IP literal', (host) => {
    expect(parseLiteralHost(host)).toBeNull();
  });
});
