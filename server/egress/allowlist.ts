// Forward allowlist entries: an exact host or `*.example.com` (any depth of subdomain, never
// the apex), optionally with `:port`. Hosts compare in lowercase punycode without trailing dot;
// an entry without a port allows 443 only.
import { domainToASCII } from 'node:url';
import { classifyAddress, parseLiteralHost } from './addresses';

export const DEFAULT_HTTPS_PORT = 443;

interface AllowlistEntry {
  wildcard: boolean;
  host: string;
  port: number;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function parseDomain(raw: string): Parsed<string> {
  const ascii = domainToASCII(raw).replace(/\.$/, '');
  if (ascii === '' || ascii.length > 253) return { ok: false, error: `"${raw}" is not a valid host name` };
  const labels = ascii.split('.');
  if (!labels.every((label) => LABEL.test(label)) || /^\d+$/.test(labels.at(-1)!)) {
    return { ok: false, error: `"${raw}" is not a valid host name` };
  }
  if (labels.length < 2) return { ok: false, error: `"${raw}" is not a fully qualified domain name` };
  return { ok: true, value: ascii };
}

/**
 * Canonical form of a URL host for comparison: an IP literal as dotted quad or `[v6]`, a
 * domain in lowercase punycode without trailing dot; null when it is neither.
 */
export function normalizeHost(host: string): string | null {
  const literal = parseLiteralHost(host);
  if (literal !== null) return literal.includes(':') ? `[${literal}]` : literal;
  const domain = parseDomain(host);
  return domain.ok ? domain.value : null;
}

function splitPort(text: string): { host: string; port: string | null } {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    const rest = close === -1 ? '' : text.slice(close + 1);
    return rest.startsWith(':') ? { host: text.slice(0, close + 1), port: rest.slice(1) } : { host: text, port: null };
  }
  const colons = text.split(':').length - 1;
  if (colons !== 1) return { host: text, port: null }; // no port, or a bare IPv6 literal
  const [host, port] = text.split(':') as [string, string];
  return { host, port };
}

function parseEntry(entry: string): Parsed<AllowlistEntry> {
  const text = entry.trim();
  if (text === '') return { ok: false, error: 'allowlist entry is empty' };
  if (/[/\\?#@\s]/.test(text)) {
    return { ok: false, error: `"${text}" is not a host pattern (write "api.example.com" or "*.example.com", no scheme or path)` };
  }
  const { host: hostPart, port: portText } = splitPort(text);

  let port = DEFAULT_HTTPS_PORT;
  if (portText !== null) {
    port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) return { ok: false, error: `"${text}": port must be a number from 1 to 65535` };
  }

  const wildcard = hostPart.startsWith('*.');
  const base = wildcard ? hostPart.slice(2) : hostPart;
  if (base.includes('*')) {
    return { ok: false, error: `"${text}": a wildcard must be the whole leftmost label, as in "*.example.com"` };
  }

  const literal = parseLiteralHost(base);
  if (literal !== null) {
    if (wildcard) return { ok: false, error: `"${text}": wildcards apply to domain names, not IP addresses` };
    const kind = classifyAddress(literal);
    if (kind !== 'public') return { ok: false, error: `"${text}" is a ${kind} address; forwarding to it is never allowed` };
    return { ok: true, value: { wildcard, host: literal.includes(':') ? `[${literal}]` : literal, port } };
  }

  if (wildcard && !base.replace(/\.$/, '').includes('.')) {
    return { ok: false, error: `"${text}": a wildcard needs a domain of at least two labels after "*.", as in "*.example.com"` };
  }
  const domain = parseDomain(base);
  if (!domain.ok) return domain;
  return { ok: true, value: { wildcard, host: domain.value, port } };
}

function formatEntry({ wildcard, host, port }: AllowlistEntry): string {
  return `${wildcard ? '*.' : ''}${host}${port === DEFAULT_HTTPS_PORT ? '' : `:${port}`}`;
}

/** Validates one allowlist entry and returns its canonical spelling (store that one). */
export function validateAllowlistEntry(entry: string): { ok: true; normalized: string } | { ok: false; error: string } {
  const parsed = parseEntry(entry);
  return parsed.ok ? { ok: true, normalized: formatEntry(parsed.value) } : parsed;
}

/**
 * Whether `host:port` matches any entry. Entries that do not validate match nothing, so a bad
 * entry can only narrow what is allowed; validate lists where they are entered or loaded.
 */
export function hostAllowed(host: string, port: number, entries: readonly string[]): boolean {
  const target = normalizeHost(host);
  if (target === null) return false;
  return entries.some((entry) => {
    const parsed = parseEntry(entry);
    if (!parsed.ok || parsed.value.port !== port) return false;
    const { wildcard, host: pattern } = parsed.value;
    return wildcard ? target.endsWith(`.${pattern}`) : target === pattern;
  });
}
