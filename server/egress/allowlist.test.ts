import { describe, expect, it } from 'vitest';
import { hostAllowed, normalizeHost, validateAllowlistEntry } from './allowlist';

describe('validateAllowlistEntry', () => {
  it.each([
    ['api.partners.com', 'api.partners.com'],
    ['  API.Partners.COM.  ', 'api.partners.com'],
    ['*.Enterprise.com', '*.enterprise.com'],
    ['*.enterprise.com.', '*.enterprise.com'],
    ['api.partners.com:443', 'api.partners.com'],
    ['api.partners.com:8443', 'api.partners.com:8443'],
    ['*.enterprise.com:9443', '*.enterprise.com:9443'],
    ['bücher.de', 'xn--bcher-kva.de'],
    ['BÜCHER.de', 'xn--bcher-kva.de'],
    ['аpple.com', 'xn--pple-43d.com'],
    ['8.8.8.8', '8.8.8.8'],
    ['134744072', '8.8.8.8'],
    ['[2606:4700:4700:0:0:0:0:1111]', '[2606:4700:4700::1111]'],
    ['2606:4700:4700::1111', '[2606:4700:4700::1111]'],
    ['[2606:4700:4700::1111]:8443', '[2606:4700:4700::1111]:8443'],
  ])('%s → %s', (entry, normalized) => {
    expect(validateAllowlistEntry(entry)).toEqual({ ok: true, normalized });
  });

  it.each([
    ['', 'allowlist entry is empty'],
    ['https://api.partners.com', 'is not a host pattern'],
    ['api.partners.com/path', 'is not a host pattern'],
    ['user@api.partners.com', 'is not a host pattern'],
    ['api.partners.com:0', 'port must be a number from 1 to 65535'],
    ['api.partners.com:65536', 'port must be a number from 1 to 65535'],
    ['api.partners.com:https', 'port must be a number from 1 to 65535'],
    ['*', 'a wildcard must be the whole leftmost label'],
    ['*.*.example.com', 'a wildcard must be the whole leftmost label'],
    ['api.*.example.com', 'a wildcard must be the whole leftmost label'],
    ['*api.example.com', 'a wildcard must be the whole leftmost label'],
    ['*.com', 'a wildcard needs a domain of at least two labels'],
    ['*.8.8.8.8', 'wildcards apply to domain names, not IP addresses'],
    ['localhost', 'is not a fully qualified domain name'],
    ['exa_mple.com', 'is not a valid host name'],
    ['-bad.example.com', 'is not a valid host name'],
    ['a..example.com', 'is not a valid host name'],
    [`${'a'.repeat(64)}.example.com`, 'is not a valid host name'],
    ['1.2.3.4.5', 'is not a valid host name'],
    ['127.0.0.1', 'is a loopback address'],
    ['0x7f.1', 'is a loopback address'],
    ['10.0.0.1', 'is a private address'],
    ['169.254.169.254', 'is a linklocal address'],
    ['[::1]', 'is a loopback address'],
    ['[::ffff:127.0.0.1]', 'is a loopback address'],
  ])('rejects %s', (entry, message) => {
    const result = validateAllowlistEntry(entry);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
  });
});

describe('normalizeHost', () => {
  it.each([
    ['Partner.Example.COM.', 'partner.example.com'],
    ['bücher.de', 'xn--bcher-kva.de'],
    ['[::1]', '[::1]'],
    ['0x7f.1', '127.0.0.1'],
  ])('%s → %s', (host, expected) => {
    expect(normalizeHost(host)).toBe(expected);
  });

  it.each([['localhost'], ['exa_mple.com'], ['']])('%s has no canonical form', (host) => {
    expect(normalizeHost(host)).toBeNull();
  });
});

describe('hostAllowed', () => {
  const entries = ['*.enterprise.com', 'api.partners.com', 'pay.partners.com:8443', 'bücher.de', '8.8.8.8'];

  it.each([
    ['a.enterprise.com', 443, true],
    ['a.b.c.enterprise.com', 443, true],
    ['A.Enterprise.COM.', 443, true],
    ['enterprise.com', 443, false],
    ['xenterprise.com', 443, false],
    ['a.enterprise.com', 8443, false],
    ['api.partners.com', 443, true],
    ['www.api.partners.com', 443, false],
    ['pay.partners.com', 8443, true],
    ['pay.partners.com', 443, false],
    ['xn--bcher-kva.de', 443, true],
    ['BÜCHER.de', 443, true],
    ['8.8.8.8', 443, true],
    ['134744072', 443, true],
    ['8.8.4.4', 443, false],
    ['localhost', 443, false],
  ] as const)('%s:%d → %s', (host, port, expected) => {
    expect(hostAllowed(host, port, entries)).toBe(expected);
  });

  it('ignores invalid entries rather than widening the list', () => {
    expect(hostAllowed('anything.com', 443, ['*', '*.com', 'https://anything.com'])).toBe(false);
    expect(hostAllowed('127.0.0.1', 443, ['127.0.0.1'])).toBe(false);
  });
});
