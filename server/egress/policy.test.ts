import { describe, expect, it } from 'vitest';
import { evaluateForward, type HelDenialCode, type Resolver } from './policy';

const ALLOWLIST = [
  '*.example.com',
  '*.enterprise.com',
  'api.partners.com:8443',
  'apple.com',
  'bücher.de',
  '8.8.8.8',
  '[2606:4700:4700::1111]',
];

const PUBLIC = '93.184.216.34';

/** Fake DNS: names map to answers; unknown names fail like NXDOMAIN. */
const DNS: Record<string, string[]> = {
  'partner.example.com': [PUBLIC],
  'a.b.c.enterprise.com': [PUBLIC],
  'api.partners.com': [PUBLIC],
  'apple.com': [PUBLIC],
  'xn--bcher-kva.de': [PUBLIC],
  'v6public.example.com': ['2606:4700::6810:85e5', PUBLIC],
  'mapped-public.example.com': ['::ffff:8.8.8.8'],
  'loop.example.com': ['127.0.0.1'],
  'localhost.example.com': ['127.0.0.53'],
  'meta.example.com': ['169.254.169.254'],
  'mixed.example.com': [PUBLIC, '10.0.0.1'],
  'mixed-first.example.com': ['192.168.0.10', PUBLIC],
  'v6loop.example.com': [PUBLIC, '::1'],
  'mapped.example.com': ['::ffff:127.0.0.1'],
  'nat64.example.com': ['64:ff9b::a00:1'],
  'ula.example.com': ['fd00::1'],
  'cgnat.example.com': ['100.64.1.1'],
  'zero.example.com': ['0.0.0.0'],
  'linklocal6.example.com': ['fe80::1%eth0'],
  'empty.example.com': [],
  'garbage.example.com': ['not-an-ip'],
};

function fakeResolver(): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolver = async (host: string) => {
    calls.push(host);
    const answer = DNS[host];
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return answer;
  };
  return Object.assign(resolver, { calls });
}

type Expect = 'allowed' | HelDenialCode;

// [forward_url, expected decision, what it probes]
const CORPUS: [string, Expect, string][] = [
  // scheme and URL shape
  ['http://partner.example.com/hook', 'HEL_SCHEME_NOT_HTTPS', 'plain http'],
  ['ftp://partner.example.com/', 'HEL_SCHEME_NOT_HTTPS', 'ftp'],
  ['wss://partner.example.com/', 'HEL_SCHEME_NOT_HTTPS', 'websocket'],
  ['file:///etc/passwd', 'HEL_SCHEME_NOT_HTTPS', 'file'],
  ['javascript:alert(1)', 'HEL_SCHEME_NOT_HTTPS', 'javascript'],
  ['not a url', 'HEL_URL_INVALID', 'garbage'],
  ['//partner.example.com/hook', 'HEL_URL_INVALID', 'scheme-relative'],
  ['https://', 'HEL_URL_INVALID', 'no host'],
  ['https://1.2.3.4.5/', 'HEL_URL_INVALID', 'five-part IPv4'],
  ['https://[fe80::1%25eth0]/', 'HEL_URL_INVALID', 'IPv6 zone id'],
  // userinfo tricks
  ['https://partner.example.com@127.0.0.1/', 'HEL_URL_INVALID', 'allowed host as userinfo'],
  ['https://user:pw@partner.example.com/', 'HEL_URL_INVALID', 'credentials'],
  ['https://127.0.0.1#@partner.example.com/', 'HEL_RESOLVED_LOOPBACK', 'fragment posing as userinfo'],
  ['https://127.0.0.1?@partner.example.com/', 'HEL_RESOLVED_LOOPBACK', 'query posing as userinfo'],
  // IPv4 loopback in every notation
  ['https://127.0.0.1/', 'HEL_RESOLVED_LOOPBACK', 'dotted quad'],
  ['https://127.0.0.1:443/x', 'HEL_RESOLVED_LOOPBACK', 'explicit port'],
  ['https://2130706433/', 'HEL_RESOLVED_LOOPBACK', 'decimal'],
  ['https://0177.0.0.1/', 'HEL_RESOLVED_LOOPBACK', 'octal octet'],
  ['https://017700000001/', 'HEL_RESOLVED_LOOPBACK', 'octal whole'],
  ['https://0x7f.1/', 'HEL_RESOLVED_LOOPBACK', 'hex short'],
  ['https://0x7f000001/', 'HEL_RESOLVED_LOOPBACK', 'hex whole'],
  ['https://0x7F.0x0.0x0.0x1/', 'HEL_RESOLVED_LOOPBACK', 'hex octets'],
  ['https://127.1/', 'HEL_RESOLVED_LOOPBACK', 'short form'],
  ['https://127.0.1/', 'HEL_RESOLVED_LOOPBACK', 'three-part form'],
  ['https://127.0.0.1./', 'HEL_RESOLVED_LOOPBACK', 'trailing dot'],
  ['https://%31%32%37.0.0.1/', 'HEL_RESOLVED_LOOPBACK', 'percent-encoded'],
  ['https://１２７.０.０.１/', 'HEL_RESOLVED_LOOPBACK', 'full-width digits'],
  ['https://127.255.255.254/', 'HEL_RESOLVED_LOOPBACK', 'top of 127/8'],
  // other IPv4 ranges
  ['https://10.0.0.1/', 'HEL_RESOLVED_PRIVATE', 'RFC 1918 10/8'],
  ['https://172.16.0.1/', 'HEL_RESOLVED_PRIVATE', 'RFC 1918 172.16/12'],
  ['https://172.31.255.255/', 'HEL_RESOLVED_PRIVATE', 'RFC 1918 top of 172.16/12'],
  ['https://192.168.1.1/', 'HEL_RESOLVED_PRIVATE', 'RFC 1918 192.168/16'],
  ['https://3232235777/', 'HEL_RESOLVED_PRIVATE', '192.168.1.1 as decimal'],
  ['https://100.64.0.1/', 'HEL_RESOLVED_PRIVATE', 'CGNAT'],
  ['https://100.127.255.254/', 'HEL_RESOLVED_PRIVATE', 'top of CGNAT'],
  ['https://169.254.169.254/latest/meta-data/', 'HEL_RESOLVED_LINKLOCAL', 'cloud metadata'],
  ['https://0xa9fea9fe/', 'HEL_RESOLVED_LINKLOCAL', 'metadata as hex'],
  ['https://0.0.0.0/', 'HEL_RESOLVED_PRIVATE', 'unspecified'],
  ['https://0/', 'HEL_RESOLVED_PRIVATE', 'zero shorthand'],
  ['https://0.1.2.3/', 'HEL_RESOLVED_PRIVATE', '0/8'],
  ['https://224.0.0.1/', 'HEL_RESOLVED_PRIVATE', 'multicast'],
  ['https://255.255.255.255/', 'HEL_RESOLVED_PRIVATE', 'broadcast'],
  ['https://240.0.0.1/', 'HEL_RESOLVED_PRIVATE', 'reserved 240/4'],
  ['https://192.0.2.1/', 'HEL_RESOLVED_PRIVATE', 'documentation'],
  ['https://198.18.0.1/', 'HEL_RESOLVED_PRIVATE', 'benchmarking'],
  // IPv6 literals
  ['https://[::1]/', 'HEL_RESOLVED_LOOPBACK', 'IPv6 loopback'],
  ['https://[0:0:0:0:0:0:0:1]:443/', 'HEL_RESOLVED_LOOPBACK', 'IPv6 loopback, long form'],
  ['https://[::]/', 'HEL_RESOLVED_PRIVATE', 'IPv6 unspecified'],
  ['https://[::ffff:127.0.0.1]/', 'HEL_RESOLVED_LOOPBACK', 'IPv4-mapped, dotted'],
  ['https://[::ffff:7f00:1]/', 'HEL_RESOLVED_LOOPBACK', 'IPv4-mapped, hex'],
  ['https://[::ffff:10.0.0.1]/', 'HEL_RESOLVED_PRIVATE', 'IPv4-mapped private'],
  ['https://[::ffff:169.254.169.254]/', 'HEL_RESOLVED_LINKLOCAL', 'IPv4-mapped metadata'],
  ['https://[::ffff:0:7f00:1]/', 'HEL_RESOLVED_LOOPBACK', 'IPv4-translated'],
  ['https://[::127.0.0.1]/', 'HEL_RESOLVED_LOOPBACK', 'IPv4-compatible'],
  ['https://[::a00:1]/', 'HEL_RESOLVED_PRIVATE', 'IPv4-compatible private'],
  ['https://[::808:808]/', 'HEL_RESOLVED_PRIVATE', 'IPv4-compatible public (deprecated, unroutable)'],
  ['https://[64:ff9b::a00:1]/', 'HEL_RESOLVED_PRIVATE', 'NAT64 of 10.0.0.1'],
  ['https://[64:ff9b::7f00:1]/', 'HEL_RESOLVED_LOOPBACK', 'NAT64 of loopback'],
  ['https://[64:ff9b::a9fe:a9fe]/', 'HEL_RESOLVED_LINKLOCAL', 'NAT64 of metadata'],
  ['https://[64:ff9b:1::1]/', 'HEL_RESOLVED_PRIVATE', 'local-use NAT64'],
  ['https://[fe80::1]/', 'HEL_RESOLVED_LINKLOCAL', 'IPv6 link-local'],
  ['https://[febf::1]/', 'HEL_RESOLVED_LINKLOCAL', 'top of fe80::/10'],
  ['https://[fc00::1]/', 'HEL_RESOLVED_PRIVATE', 'ULA fc00::/7'],
  ['https://[fd12:3456::1]/', 'HEL_RESOLVED_PRIVATE', 'ULA fd'],
  ['https://[fec0::1]/', 'HEL_RESOLVED_PRIVATE', 'site-local'],
  ['https://[ff02::1]/', 'HEL_RESOLVED_PRIVATE', 'IPv6 multicast'],
  ['https://[2002:7f00:1::]/', 'HEL_RESOLVED_LOOPBACK', '6to4 of loopback'],
  ['https://[2002:a9fe:a9fe::]/', 'HEL_RESOLVED_LINKLOCAL', '6to4 of metadata'],
  ['https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'HEL_RESOLVED_PRIVATE', 'Teredo'],
  ['https://[2001:db8::1]/', 'HEL_RESOLVED_PRIVATE', 'documentation'],
  ['https://[4000::1]/', 'HEL_RESOLVED_PRIVATE', 'outside 2000::/3'],
  // public literals: allowed only when listed, never resolved
  ['https://8.8.8.8/', 'allowed', 'listed public IPv4'],
  ['https://134744072/', 'allowed', 'listed public IPv4 as decimal'],
  ['https://8.8.4.4/', 'HEL_HOST_NOT_ALLOWED', 'unlisted public IPv4'],
  ['https://[2606:4700:4700::1111]/', 'allowed', 'listed public IPv6'],
  ['https://[::ffff:8.8.8.8]/', 'HEL_HOST_NOT_ALLOWED', 'mapped form of a listed IPv4 is a different host'],
  // host allowlist: case, trailing dots, wildcard depth, apex, ports, IDN
  ['https://partner.example.com/hook', 'allowed', 'listed by wildcard'],
  ['https://PARTNER.Example.COM/hook', 'allowed', 'uppercase'],
  ['https://partner.example.com./hook', 'allowed', 'trailing dot'],
  ['https://partner.example.com\\@127.0.0.1/', 'allowed', 'backslash ends the authority'],
  ['https://a.b.c.enterprise.com/', 'allowed', 'wildcard at depth'],
  ['https://enterprise.com/', 'HEL_HOST_NOT_ALLOWED', 'apex of a wildcard'],
  ['https://example.com/', 'HEL_HOST_NOT_ALLOWED', 'apex of a wildcard'],
  ['https://evilenterprise.com/', 'HEL_HOST_NOT_ALLOWED', 'suffix without a dot'],
  ['https://a.enterprise.com.evil.net/', 'HEL_HOST_NOT_ALLOWED', 'allowed name as a prefix'],
  ['https://partner.example.com:8443/', 'HEL_HOST_NOT_ALLOWED', 'port not named by the entry'],
  ['https://api.partners.com:8443/v1', 'allowed', 'port named by the entry'],
  ['https://api.partners.com/v1', 'HEL_HOST_NOT_ALLOWED', '443 not named when the entry has a port'],
  ['https://apple.com/', 'allowed', 'exact entry'],
  ['https://www.apple.com/', 'HEL_HOST_NOT_ALLOWED', 'subdomain of an exact entry'],
  ['https://аpple.com/', 'HEL_HOST_NOT_ALLOWED', 'Cyrillic homograph'],
  ['https://xn--pple-43d.com/', 'HEL_HOST_NOT_ALLOWED', 'homograph in punycode'],
  ['https://bücher.de/', 'allowed', 'IDN, listed in Unicode'],
  ['https://BÜCHER.DE/', 'allowed', 'IDN uppercase'],
  ['https://xn--bcher-kva.de/', 'allowed', 'IDN in punycode'],
  ['https://localhost/', 'HEL_HOST_NOT_ALLOWED', 'single-label name'],
  ['https://127.0.0.1.nip.io/', 'HEL_HOST_NOT_ALLOWED', 'unlisted name embedding an IP'],
  ['https://exa_mple.example.com/', 'HEL_HOST_NOT_ALLOWED', 'not a host name'],
  // resolution
  ['https://v6public.example.com/', 'allowed', 'public IPv6 and IPv4 answers'],
  ['https://mapped-public.example.com/', 'allowed', 'IPv4-mapped public answer'],
  ['https://loop.example.com/', 'HEL_RESOLVED_LOOPBACK', 'name resolving to loopback'],
  ['https://localhost.example.com/', 'HEL_RESOLVED_LOOPBACK', 'name resolving to 127.0.0.53'],
  ['https://meta.example.com/', 'HEL_RESOLVED_LINKLOCAL', 'name resolving to metadata'],
  ['https://mixed.example.com/', 'HEL_RESOLVED_PRIVATE', 'public then private answer'],
  ['https://mixed-first.example.com/', 'HEL_RESOLVED_PRIVATE', 'private then public answer'],
  ['https://v6loop.example.com/', 'HEL_RESOLVED_LOOPBACK', 'public IPv4 plus ::1'],
  ['https://mapped.example.com/', 'HEL_RESOLVED_LOOPBACK', 'IPv4-mapped loopback answer'],
  ['https://nat64.example.com/', 'HEL_RESOLVED_PRIVATE', 'NAT64 private answer'],
  ['https://ula.example.com/', 'HEL_RESOLVED_PRIVATE', 'ULA answer'],
  ['https://cgnat.example.com/', 'HEL_RESOLVED_PRIVATE', 'CGNAT answer'],
  ['https://zero.example.com/', 'HEL_RESOLVED_PRIVATE', '0.0.0.0 answer'],
  ['https://linklocal6.example.com/', 'HEL_RESOLVED_LINKLOCAL', 'link-local answer with zone'],
  ['https://nxdomain.example.com/', 'HEL_RESOLUTION_FAILED', 'resolver fails'],
  ['https://empty.example.com/', 'HEL_RESOLUTION_FAILED', 'no answers'],
  ['https://garbage.example.com/', 'HEL_RESOLUTION_FAILED', 'answer is not an IP'],
];

const DECIDED_BEFORE_RESOLVING: Expect[] = ['HEL_URL_INVALID', 'HEL_SCHEME_NOT_HTTPS', 'HEL_HOST_NOT_ALLOWED'];

describe('evaluateForward corpus', () => {
  it('holds at least 60 hostile cases', () => {
    expect(CORPUS.filter(([, expected]) => expected !== 'allowed').length).toBeGreaterThanOrEqual(60);
  });

  it.each(CORPUS)('%s → %s (%s)', async (url, expected) => {
    const resolver = fakeResolver();
    const decision = await evaluateForward(url, ALLOWLIST, resolver);
    if (expected === 'allowed') {
      expect(decision).toMatchObject({ allowed: true });
    } else {
      expect(decision).toMatchObject({ allowed: false, code: expected });
      if (!decision.allowed) expect(decision.message).not.toBe('');
    }
    // Names are resolved at most once; IP literals and early denials never.
    expect(resolver.calls.length).toBeLessThanOrEqual(1);
    if (DECIDED_BEFORE_RESOLVING.includes(expected)) expect(resolver.calls).toEqual([]);
    for (const host of resolver.calls) expect(host).toMatch(/[a-z]$/);
  });
});

describe('evaluateForward allowed decisions', () => {
  it('normalizes the URL and host and returns every validated address', async () => {
    const decision = await evaluateForward('https://PARTNER.example.com.:443/hook?x=1#frag', ALLOWLIST, fakeResolver());
    expect(decision).toEqual({
      allowed: true,
      url: 'https://partner.example.com/hook?x=1',
      host: 'partner.example.com',
      port: 443,
      addresses: [PUBLIC],
    });
  });

  it('keeps a non-default port and canonicalizes resolver answers', async () => {
    const resolver: Resolver = async () => ['2606:4700:0:0:0:0:6810:85e5'];
    const decision = await evaluateForward('https://api.partners.com:8443/v1', ALLOWLIST, resolver);
    expect(decision).toEqual({
      allowed: true,
      url: 'https://api.partners.com:8443/v1',
      host: 'api.partners.com',
      port: 8443,
      addresses: ['2606:4700::6810:85e5'],
    });
  });

  it('pins a listed IP literal without resolving it', async () => {
    const resolver = fakeResolver();
    const decision = await evaluateForward('https://134744072/in', ALLOWLIST, resolver);
    expect(decision).toEqual({ allowed: true, url: 'https://8.8.8.8/in', host: '8.8.8.8', port: 443, addresses: ['8.8.8.8'] });
    expect(resolver.calls).toEqual([]);
  });

  it('names the offending address in the denial', async () => {
    const decision = await evaluateForward('https://mixed.example.com/', ALLOWLIST, fakeResolver());
    expect(decision).toEqual({
      allowed: false,
      code: 'HEL_RESOLVED_PRIVATE',
      message: 'mixed.example.com resolves to 10.0.0.1, a private address',
    });
  });

  it('reports the resolver error code', async () => {
    const decision = await evaluateForward('https://nxdomain.example.com/', ALLOWLIST, fakeResolver());
    expect(decision).toMatchObject({ code: 'HEL_RESOLUTION_FAILED', message: 'could not resolve nxdomain.example.com: ENOTFOUND' });
  });

  it('denies everything with an empty allowlist', async () => {
    const decision = await evaluateForward('https://partner.example.com/', [], fakeResolver());
    expect(decision).toMatchObject({ allowed: false, code: 'HEL_HOST_NOT_ALLOWED' });
  });
});

describe('DNS rebinding', () => {
  it('validates the first answer once; a later answer cannot change the decision', async () => {
    const answers = [[PUBLIC], ['127.0.0.1']];
    let calls = 0;
    const rebinding: Resolver = async () => answers[Math.min(calls++, answers.length - 1)]!;

    const first = await evaluateForward('https://partner.example.com/hook', ALLOWLIST, rebinding);
    expect(calls).toBe(1);
    expect(first).toMatchObject({ allowed: true, addresses: [PUBLIC] });

    // The name now points at loopback: a fresh evaluation sees and refuses it.
    const second = await evaluateForward('https://partner.example.com/hook', ALLOWLIST, rebinding);
    expect(calls).toBe(2);
    expect(second).toMatchObject({ allowed: false, code: 'HEL_RESOLVED_LOOPBACK' });
  });
});
