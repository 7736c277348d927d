// HEL forward policy: decides whether a payload may be forwarded to a URL and, if so, which
// validated addresses the connection must use. Pure apart from the injected resolver.
import { lookup } from 'node:dns/promises';
import { canonicalAddress, classifyAddress, parseLiteralHost, type AddressClass } from './addresses';
import { DEFAULT_HTTPS_PORT, hostAllowed, normalizeHost } from './allowlist';

/** Resolves a host name to IP addresses. Injected so tests can answer without DNS. */
export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

export type HelDenialCode =
  | 'HEL_URL_INVALID'
  | 'HEL_SCHEME_NOT_HTTPS'
  | 'HEL_HOST_NOT_ALLOWED'
  | 'HEL_RESOLUTION_FAILED'
  | 'HEL_RESOLVED_PRIVATE'
  | 'HEL_RESOLVED_LOOPBACK'
  | 'HEL_RESOLVED_LINKLOCAL';

export interface AllowedForward {
  allowed: true;
  /** The URL to request: normalized host, no fragment. */
  url: string;
  /** Normalized host: lowercase punycode without trailing dot, or an IP literal (`[v6]`). */
  host: string;
  port: number;
  /** Every address the host resolved to, all public, canonical text; connect only to these. */
  addresses: string[];
}

export interface DeniedForward {
  allowed: false;
  code: HelDenialCode;
  message: string;
}

export type ForwardDecision = AllowedForward | DeniedForward;

function deny(code: HelDenialCode, message: string): DeniedForward {
  return { allowed: false, code, message };
}

function denialCode(kind: Exclude<AddressClass, 'public'>): HelDenialCode {
  if (kind === 'loopback') return 'HEL_RESOLVED_LOOPBACK';
  if (kind === 'linklocal') return 'HEL_RESOLVED_LINKLOCAL';
  return 'HEL_RESOLVED_PRIVATE';
}

/** The first non-public address with its class, or null when all are public. */
function firstNonPublic(addresses: string[]): { address: string; kind: Exclude<AddressClass, 'public'> } | null {
  for (const address of addresses) {
    const kind = classifyAddress(address);
    if (kind !== 'public') return { address, kind };
  }
  return null;
}

async function resolve(host: string, resolver: Resolver): Promise<string[] | DeniedForward> {
  let answers: string[];
  try {
    answers = await resolver(host);
  } catch (error) {
    const reason = (error as { code?: unknown }).code ?? (error as Error).message;
    return deny('HEL_RESOLUTION_FAILED', `could not resolve ${host}: ${String(reason)}`);
  }
  if (answers.length === 0) return deny('HEL_RESOLUTION_FAILED', `${host} resolved to no addresses`);
  const addresses: string[] = [];
  for (const answer of answers) {
    const canonical = canonicalAddress(answer);
    if (canonical === null) return deny('HEL_RESOLUTION_FAILED', `resolving ${host} returned "${answer}", not an IP address`);
    addresses.push(canonical);
  }
  return addresses;
}

/**
 * Order: parse, scheme, no credentials, a literal IP must be public, host and port on the
 * allowlist, resolve once (names only), every address public. A literal IP is judged before
 * the allowlist so that a non-public one is refused for what it is whatever the list holds.
 */
export async function evaluateForward(
  rawUrl: string,
  allowlist: readonly string[],
  resolver: Resolver = systemResolver,
): Promise<ForwardDecision> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return deny('HEL_URL_INVALID', 'forward_url is not a valid absolute URL');
  }
  if (url.protocol !== 'https:') {
    return deny('HEL_SCHEME_NOT_HTTPS', `forward_url must use https, not ${url.protocol.slice(0, -1)}`);
  }
  if (url.username !== '' || url.password !== '') {
    return deny('HEL_URL_INVALID', 'forward_url must not contain credentials (user:password@)');
  }

  const host = normalizeHost(url.hostname);
  const port = url.port === '' ? DEFAULT_HTTPS_PORT : Number(url.port);
  if (host === null) return deny('HEL_HOST_NOT_ALLOWED', `"${url.hostname}" is not a fully qualified host name`);

  const literal = parseLiteralHost(host);
  if (literal !== null) {
    const kind = classifyAddress(literal);
    if (kind !== 'public') return deny(denialCode(kind), `${literal} is a ${kind} address`);
  }

  if (!hostAllowed(host, port, allowlist)) {
    const shown = port === DEFAULT_HTTPS_PORT ? host : `${host}:${port}`;
    return deny('HEL_HOST_NOT_ALLOWED', `${shown} is not on the forward allowlist`);
  }

  const resolved = literal !== null ? [literal] : await resolve(host, resolver);
  if (!Array.isArray(resolved)) return resolved;
  const blocked = firstNonPublic(resolved);
  if (blocked) {
    return deny(denialCode(blocked.kind), `${host} resolves to ${blocked.address}, a ${blocked.kind} address`);
  }

  url.hostname = host;
  url.hash = '';
  return { allowed: true, url: url.href, host, port, addresses: resolved };
}
