// What kind of address an IP is, as far as forwarding is concerned, and recognising IP
// literals written in any notation a URL parser accepts.
import ipaddr from 'ipaddr.js';

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'linklocal'
  | 'private'
  | 'unspecified'
  | 'multicast'
  | 'reserved';

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
const NAT64_LOCAL_USE = ipaddr.IPv6.parseCIDR('64:ff9b:1::/48');

function classifyV4(address: IPv4): AddressClass {
  switch (address.range()) {
    case 'unicast':
      return 'public';
    case 'loopback':
      return 'loopback';
    case 'linkLocal':
      return 'linklocal';
    case 'private':
    case 'carrierGradeNat':
      return 'private';
    case 'unspecified':
      return 'unspecified';
    case 'multicast':
      return 'multicast';
    default:
      // broadcast, documentation/benchmark/6to4-relay ranges, 240/4, AS112, AMT
      return 'reserved';
  }
}

function v4FromWords(high: number, low: number): IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/**
 * The IPv4 address an IPv6 address carries, for the forms that deliver to it: IPv4-mapped
 * (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), IPv4-compatible (::a.b.c.d, deprecated
 * and unroutable, so never public itself), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:AABB:CCDD::).
 */
function embeddedV4(address: IPv6): { v4: IPv4; routable: boolean } | null {
  const p = address.parts;
  const range: string = address.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145' || address.match(NAT64_WELL_KNOWN)) {
    return { v4: v4FromWords(p[6]!, p[7]!), routable: true };
  }
  if (range === '6to4') return { v4: v4FromWords(p[1]!, p[2]!), routable: true };
  const compatible = p.slice(0, 6).every((word) => word === 0) && range !== 'unspecified' && range !== 'loopback';
  if (compatible) return { v4: v4FromWords(p[6]!, p[7]!), routable: false };
  return null;
}

function classifyV6(address: IPv6): AddressClass {
  const embedded = embeddedV4(address);
  if (embedded) {
    const inner = classifyV4(embedded.v4);
    return inner === 'public' && !embedded.routable ? 'reserved' : inner;
  }
  if (address.match(NAT64_LOCAL_USE)) return 'private';
  // ipaddr.js's typings omit some range names it returns (deprecatedSiteLocal, discard).
  const range: string = address.range();
  switch (range) {
    case 'unicast':
      return address.match(GLOBAL_UNICAST_V6) ? 'public' : 'reserved';
    case 'loopback':
      return 'loopback';
    case 'linkLocal':
      return 'linklocal';
    case 'uniqueLocal':
    case 'deprecatedSiteLocal':
      return 'private';
    case 'unspecified':
      return 'unspecified';
    case 'multicast':
      return 'multicast';
    default:
      // Teredo (hides the real endpoint), documentation, benchmarking, ORCHID, discard, ...
      return 'reserved';
  }
}

function parseIp(ip: string): IPv4 | IPv6 | null {
  if (!ipaddr.isValid(ip)) return null;
  const address = ipaddr.parse(ip);
  if (address.kind() === 'ipv6' && /^::\d/.test(ip) && ip.includes('.')) {
    // ipaddr.js reads "::a.b.c.d" (IPv4-compatible) as IPv4-mapped; keep it compatible.
    const parts = (address as IPv6).parts;
    return new ipaddr.IPv6([0, 0, 0, 0, 0, 0, parts[6]!, parts[7]!]);
  }
  return address;
}

/** Canonical text of an IP address (dotted quad or compressed IPv6), or null if `ip` is not one. */
export function canonicalAddress(ip: string): string | null {
  return parseIp(ip)?.toString() ?? null;
}

/** Classifies an IP address (as a resolver returns it; zone ids allowed). Throws on a non-IP. */
export function classifyAddress(ip: string): AddressClass {
  const address = parseIp(ip);
  if (address === null) throw new TypeError(`not an IP address: "${ip}"`);
  return address.kind() === 'ipv4' ? classifyV4(address as IPv4) : classifyV6(address as IPv6);
}

/**
 * If `host` is an IP literal in any notation the WHATWG URL parser accepts (decimal
 * `2130706433`, octal `0177.0.0.1`, hex `0x7f.1`, short `127.1`, full-width digits, trailing
 * dot, bracketed or bare IPv6), returns it in canonical form (dotted quad, or compressed IPv6
 * without brackets); otherwise null. URL parsing is the authority because it decides what a
 * forward URL's host is.
 */
export function parseLiteralHost(host: string): string | null {
  const trimmed = host.trim();
  if (trimmed === '' || /[/\\?#@\s]/.test(trimmed)) return null;
  const bracketed = trimmed.startsWith('[') && trimmed.endsWith(']');
  const bareV6 = !bracketed && trimmed.includes(':');
  let parsed: URL;
  try {
    parsed = new URL(`https://${bareV6 ? `[${trimmed}]` : trimmed}/`);
  } catch {
    return null;
  }
  if (parsed.port !== '' || parsed.username !== '') return null;
  const hostname = parsed.hostname;
  if (hostname.startsWith('[')) return hostname.slice(1, -1);
  return ipaddr.IPv4.isValidFourPartDecimal(hostname) ? hostname : null;
}
