/**
 * Shape rules for receipts (SPEC §2). Each violation is a MALFORMED failure naming the field;
 * the envelope is closed, so a field outside the table is an UNKNOWN_FIELD failure.
 */
import { HASH_PATTERN } from './canonical';
import type { Failure } from './report';

type Fields = Record<string, unknown>;

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]00:00)$/;

export function isPlainObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isUtcTimestamp(value: unknown): value is string {
  return typeof value === 'string' && RFC3339_UTC.test(value) && !Number.isNaN(Date.parse(value));
}

/** SPEC §2's table, in its order. A new field comes with an update of the table and of this list. */
export const RECEIPT_FIELDS = [
  'trace_id',
  'hop',
  'ts',
  'tenant',
  'payload_type',
  'target_type',
  'cid',
  'canon',
  'algo',
  'prev_receipt_hash',
  'policy',
  'forwarded',
  'fallback_used',
  'fu_tokens',
  'repair',
  'kid',
  'receipt_hash',
  'sig',
] as const;

/** SPEC §3 and §7: the export bundle; `log` lies outside `bundle_cid`. */
export const BUNDLE_FIELDS = ['trace_id', 'chain', 'exported_at', 'bundle_cid', 'kid', 'signature', 'log'] as const;

/** One UNKNOWN_FIELD failure per field of `fields` not in `known`, each named. */
export function unknownFieldFailures(fields: Fields, known: readonly string[], what: string): Failure[] {
  return Object.keys(fields)
    .filter((name) => !known.includes(name))
    .map((name) => ({ code: 'UNKNOWN_FIELD' as const, message: `field ${JSON.stringify(name)} is not ${what} (the envelope is closed)` }));
}

const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isHash = (v: unknown): v is string => typeof v === 'string' && HASH_PATTERN.test(v);

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return `got ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}

function check(out: Failure[], fields: Fields, name: string, ok: boolean, expectation: string): void {
  if (!ok) out.push({ code: 'MALFORMED', message: `field '${name}' must be ${expectation}, ${describe(fields[name])}` });
}

/** Everything a receipt_hash covers: all fields except receipt_hash and sig (kid included). */
export function bodyShapeFailures(r: Fields): Failure[] {
  const out = unknownFieldFailures(r, RECEIPT_FIELDS, 'a receipt field of SPEC §2');
  check(out, r, 'trace_id', isNonEmptyString(r.trace_id), 'a non-empty string');
  check(out, r, 'hop', Number.isSafeInteger(r.hop) && (r.hop as number) >= 1, 'an integer >= 1');
  check(out, r, 'ts', isUtcTimestamp(r.ts), 'an RFC 3339 UTC timestamp');
  for (const name of ['tenant', 'payload_type', 'target_type']) {
    check(out, r, name, isNonEmptyString(r[name]), 'a non-empty string');
  }
  check(out, r, 'cid', isHash(r.cid), "a 'sha256:<64 hex>' hash");
  check(out, r, 'canon', typeof r.canon === 'string', 'a string');
  check(out, r, 'algo', r.algo === 'sha256', '"sha256"');
  check(out, r, 'prev_receipt_hash', r.prev_receipt_hash === null || isHash(r.prev_receipt_hash), "null or a 'sha256:<64 hex>' hash");
  check(out, r, 'policy', isPolicy(r.policy), 'an object {engine: string, allowed: boolean, reason: string}');
  if ('forwarded' in r) {
    check(out, r, 'forwarded', isForwardOutcome(r.forwarded), 'an object {url, host, status_code, pinned_ip, response_size} or {url, host, error}');
  }
  if ('fallback_used' in r) check(out, r, 'fallback_used', typeof r.fallback_used === 'boolean', 'a boolean');
  if ('fu_tokens' in r) check(out, r, 'fu_tokens', isCount(r.fu_tokens), 'an integer >= 0');
  if ('repair' in r) {
    check(out, r, 'repair', isRepair(r.repair), 'an object {method: "deterministic" or "llm", changes: [{path: JSON pointer, kind}]}');
  }
  if ('kid' in r) check(out, r, 'kid', isNonEmptyString(r.kid), 'a non-empty string');
  return out;
}

/** A complete receipt: the body plus receipt_hash, and kid and sig together or not at all. */
export function receiptShapeFailures(r: Fields): Failure[] {
  const out = bodyShapeFailures(r);
  check(out, r, 'receipt_hash', isHash(r.receipt_hash), "a 'sha256:<64 hex>' hash");
  if ('sig' in r) check(out, r, 'sig', isNonEmptyString(r.sig), 'a non-empty base64url string');
  if ('kid' in r !== 'sig' in r) {
    out.push({ code: 'MALFORMED', message: `field '${'kid' in r ? 'sig' : 'kid'}' is missing: a signed receipt needs both kid and sig` });
  }
  return out;
}

/** An object with exactly these keys (nested objects are closed like the envelope). */
function hasExactly(v: Fields, keys: readonly string[]): boolean {
  const own = Object.keys(v);
  return own.length === keys.length && keys.every((key) => own.includes(key));
}

function isPolicy(v: unknown): boolean {
  return (
    isPlainObject(v) && hasExactly(v, ['engine', 'allowed', 'reason']) && typeof v.engine === 'string' && typeof v.allowed === 'boolean' && typeof v.reason === 'string'
  );
}

const REPAIR_KINDS = new Set(['syntax', 'normalized', 'renamed', 'restructured', 'llm']);

/** `{method, changes: [{path, kind}]}`, closed like the envelope (SPEC §2). */
function isRepair(v: unknown): boolean {
  if (!isPlainObject(v) || !hasExactly(v, ['method', 'changes']) || (v.method !== 'deterministic' && v.method !== 'llm') || !Array.isArray(v.changes)) return false;
  return v.changes.every((c) => isPlainObject(c) && hasExactly(c, ['path', 'kind']) && typeof c.path === 'string' && /^(\/[^/]*)*$/.test(c.path) && REPAIR_KINDS.has(c.kind as string));
}

function isForwardOutcome(v: unknown): boolean {
  if (!isPlainObject(v) || typeof v.url !== 'string' || typeof v.host !== 'string') return false;
  if ('error' in v) return hasExactly(v, ['url', 'host', 'error']) && typeof v.error === 'string';
  return (
    hasExactly(v, ['url', 'host', 'status_code', 'pinned_ip', 'response_size']) &&
    Number.isSafeInteger(v.status_code) &&
    typeof v.pinned_ip === 'string' &&
    isCount(v.response_size)
  );
}
