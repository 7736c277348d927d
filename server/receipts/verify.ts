/**
 * Offline verification of receipts, chains and export bundles (SPEC §1–3). Isomorphic: the
 * auditor page runs it in the browser, `signet-verify` in Node. Never throws on hostile input:
 * every problem becomes a failure in the report, located at its hop.
 *
 * Verdicts: VALID, INVALID, or UNSIGNED for a hash-valid chain in which no receipt is signed
 * (SPEC §2: it proves nothing about who issued it). An unsigned receipt in a chain with any
 * signed receipt is INVALID: otherwise stripping signatures, editing and re-hashing a signed
 * chain would downgrade it to something that still passes.
 */
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { decodeBase64url } from './base64url';
import { cid, cidOfCanon, jcs } from './canonical';
import { keyringFor, type Keyring } from './keyring';
import type { BundleCheck, BundleReport, ChainReport, Failure, HopReport, LocatedFailure, Verdict } from './report';
import { BUNDLE_FIELDS, isPlainObject, isUtcTimestamp, receiptShapeFailures, unknownFieldFailures } from './shape';
import { formatJsonPath, type DuplicateKey } from './strict-json';
import type { Jwks } from './types';

export type * from './report';

export interface VerifyOptions {
  /** Called after each receipt, e.g. to drive a progress bar from a worker. */
  onProgress?(done: number, total: number): void;
  /** The trace every receipt must belong to; defaults to the first receipt's trace_id. */
  traceId?: string;
  /** Keys to use instead of the JWKS's own keyring (verify-native.ts passes pre-checked answers). */
  keyring?: Keyring;
  /** Duplicate keys of the document's JSON text (`parseJsonStrict`); each one makes it INVALID where it occurs. */
  duplicateKeys?: DuplicateKey[];
}

/** What the chain position demands of a receipt; an absent entry is not checked. */
export interface HopExpectation {
  trace_id?: string;
  hop?: number;
  /** undefined = unknown (previous receipt unusable), null = must be the first hop. */
  prev_receipt_hash?: string | null;
}

export function verifyReceipt(receipt: unknown, jwks: Jwks | unknown, expected: HopExpectation = {}, index = 0): HopReport {
  return checkReceipt(receipt, keyringFor(jwks), expected, index);
}

export function verifyChain(chain: unknown, jwks: Jwks | unknown, opts: VerifyOptions = {}): ChainReport {
  if (!Array.isArray(chain) || chain.length === 0) {
    return {
      verdict: 'INVALID',
      valid: false,
      trace_id: opts.traceId ?? null,
      hops: [],
      unsigned: 0,
      firstFailure: { index: null, hop: null, code: 'MALFORMED', message: 'chain must be a non-empty array of receipts' },
    };
  }
  const keyring = opts.keyring ?? keyringFor(jwks);
  const first: unknown = chain[0];
  const traceId = opts.traceId ?? (isPlainObject(first) && typeof first.trace_id === 'string' ? first.trace_id : undefined);
  const duplicatesAt = new Map<number, DuplicateKey[]>();
  for (const d of opts.duplicateKeys ?? []) {
    const [index, ...rest] = d.path;
    if (typeof index === 'number') duplicatesAt.set(index, [...(duplicatesAt.get(index) ?? []), { path: rest, key: d.key }]);
  }
  const hops: HopReport[] = [];
  let prev: string | null | undefined = null;
  for (const [index, receipt] of chain.entries()) {
    hops.push(checkReceipt(receipt, keyring, { trace_id: traceId, hop: index + 1, prev_receipt_hash: prev }, index, duplicatesAt.get(index)));
    prev = isPlainObject(receipt) && typeof receipt.receipt_hash === 'string' ? receipt.receipt_hash : undefined;
    opts.onProgress?.(index + 1, chain.length);
  }
  refuseUnsignedInSignedChain(hops);
  const bad = hops.find((h) => h.status === 'invalid');
  const unsigned = hops.filter((h) => h.status === 'unsigned').length;
  const verdict: Verdict = bad ? 'INVALID' : unsigned === hops.length ? 'UNSIGNED' : 'VALID';
  return {
    verdict,
    valid: verdict === 'VALID',
    trace_id: traceId ?? null,
    hops,
    unsigned,
    ...(bad && { firstFailure: { index: bad.index, hop: bad.hop, ...bad.failed[0]! } }),
  };
}

/** SPEC §2: once any receipt of a chain is signed, every receipt must be. */
function refuseUnsignedInSignedChain(hops: HopReport[]): void {
  const signed = hops.find((h) => h.kid !== null);
  if (!signed) return;
  const signedName = signed.hop !== null ? `hop ${signed.hop}` : `receipt #${signed.index + 1}`;
  for (const h of hops) {
    if (h.status !== 'unsigned') continue;
    h.status = 'invalid';
    h.failed.push({
      code: 'SIGNATURE_MISSING',
      message: `${hopName(h)}: has no kid/sig, but ${signedName} of this chain is signed; an unsigned receipt in a signed chain is refused`,
    });
  }
}

export function verifyBundle(bundle: unknown, jwks: Jwks | unknown, opts: VerifyOptions = {}): BundleReport {
  const b = isPlainObject(bundle) ? bundle : {};
  const traceId = typeof b.trace_id === 'string' ? b.trace_id : undefined;
  const inChain: DuplicateKey[] = [];
  const inEnvelope: DuplicateKey[] = [];
  for (const d of opts.duplicateKeys ?? []) {
    if (d.path[0] === 'chain' && typeof d.path[1] === 'number') inChain.push({ path: d.path.slice(1), key: d.key });
    else inEnvelope.push(d);
  }
  const chainReport = verifyChain(b.chain, jwks, { ...opts, ...(traceId !== undefined && { traceId }), duplicateKeys: inChain });
  const check = checkBundleEnvelope(bundle, opts.keyring ?? keyringFor(jwks), inEnvelope);
  const envelopeFailure: LocatedFailure | undefined = check.reason && { index: null, hop: null, ...check.reason };
  const firstFailure = chainReport.firstFailure ?? envelopeFailure;
  const verdict: Verdict = check.reason ? 'INVALID' : chainReport.verdict;
  return {
    ...chainReport,
    verdict,
    valid: verdict === 'VALID',
    bundle: check,
    ...(firstFailure && { firstFailure }),
  };
}

function checkBundleEnvelope(bundle: unknown, keyring: Keyring, duplicateKeys: DuplicateKey[]): BundleCheck {
  const failed: Failure[] = [];
  const malformed = (message: string) => failed.push({ code: 'MALFORMED', message: `bundle: ${message}` });
  if (!isPlainObject(bundle)) {
    malformed('not a JSON object');
    return { cidValid: false, signatureValid: false, kid: null, reason: failed[0]! };
  }
  for (const d of duplicateKeys) {
    failed.push({ code: 'DUPLICATE_KEY', message: `bundle: key ${JSON.stringify(d.key)} occurs more than once in the object at ${formatJsonPath(d.path)}` });
  }
  for (const f of unknownFieldFailures(bundle, BUNDLE_FIELDS, 'a bundle field of SPEC §3')) failed.push({ ...f, message: `bundle: ${f.message}` });
  const { trace_id, chain, exported_at, bundle_cid, kid, signature } = bundle;
  if (typeof trace_id !== 'string' || trace_id === '') malformed("field 'trace_id' must be a non-empty string");
  if (!Array.isArray(chain)) malformed("field 'chain' must be an array");
  if (!isUtcTimestamp(exported_at)) malformed("field 'exported_at' must be an RFC 3339 UTC timestamp");
  if (typeof bundle_cid !== 'string') malformed("field 'bundle_cid' must be a 'sha256:<64 hex>' string");
  if (typeof kid !== 'string') malformed("field 'kid' must be a string");
  if (typeof signature !== 'string') malformed("field 'signature' must be a base64url string");

  let cidValid = false;
  if (typeof bundle_cid === 'string') {
    try {
      const actual = cid({ trace_id, chain, exported_at });
      cidValid = actual === bundle_cid;
      if (!cidValid) {
        failed.push({ code: 'BUNDLE_CID_MISMATCH', message: `bundle: bundle_cid is ${short(bundle_cid)}, recomputed ${short(actual)}` });
      }
    } catch (error) {
      malformed(`cannot canonicalize {trace_id, chain, exported_at}: ${(error as Error).message}`);
    }
  }

  let signatureValid = false;
  if (typeof kid === 'string' && typeof signature === 'string' && typeof bundle_cid === 'string') {
    const key = keyring.lookup(kid);
    if ('error' in key) {
      failed.push({ code: 'UNKNOWN_KID', message: `bundle: ${key.error}` });
    } else {
      signatureValid = verifySignature(key.verifier.verify, signature, bundle_cid);
      if (!signatureValid) {
        failed.push({ code: 'BUNDLE_SIGNATURE_INVALID', message: `bundle: signature does not verify over bundle_cid under key '${kid}'` });
      }
    }
  }
  return { cidValid, signatureValid, kid: typeof kid === 'string' ? kid : null, ...(failed[0] && { reason: failed[0] }) };
}

function checkReceipt(receipt: unknown, keyring: Keyring, expected: HopExpectation, index: number, duplicateKeys: DuplicateKey[] = []): HopReport {
  const r = isPlainObject(receipt) ? receipt : null;
  const hop = r && Number.isSafeInteger(r.hop) ? (r.hop as number) : null;
  const kid = r && typeof r.kid === 'string' ? r.kid : null;
  const label = hopName({ hop, index });
  const failed: Failure[] = [];
  const fail = (code: Failure['code'], message: string) => failed.push({ code, message: `${label}: ${message}` });
  for (const d of duplicateKeys) {
    fail('DUPLICATE_KEY', `key ${JSON.stringify(d.key)} occurs more than once in ${d.path.length === 0 ? 'the receipt' : formatJsonPath(d.path).slice(1).replace(/^\./, '')}`);
  }

  if (!r) {
    fail('MALFORMED', 'not a JSON object');
  } else {
    try {
      for (const f of receiptShapeFailures(r)) fail(f.code, f.message);
      checkPosition(r, hop, expected, fail);
      checkCanon(r, fail);
      const key = kid !== null ? keyring.lookup(kid) : null;
      if (key && 'error' in key) fail('UNKNOWN_KID', key.error);
      checkReceiptHash(r, fail);
      if (key && 'verifier' in key && typeof r.sig === 'string' && typeof r.receipt_hash === 'string') {
        if (!verifySignature(key.verifier.verify, r.sig, r.receipt_hash)) {
          fail('SIGNATURE_INVALID', `sig does not verify over receipt_hash under key '${kid}'`);
        }
      }
    } catch (error) {
      fail('MALFORMED', `could not be checked: ${(error as Error).message}`);
    }
  }

  const status = failed.length > 0 ? 'invalid' : kid !== null ? 'valid' : 'unsigned';
  return { index, hop, kid, status, failed };
}

function hopName(h: { hop: number | null; index: number }): string {
  return h.hop !== null ? `hop ${h.hop}` : `receipt #${h.index + 1}`;
}

type Fail = (code: Failure['code'], message: string) => void;

function checkPosition(r: Record<string, unknown>, hop: number | null, expected: HopExpectation, fail: Fail): void {
  if (expected.trace_id !== undefined && typeof r.trace_id === 'string' && r.trace_id !== expected.trace_id) {
    fail('TRACE_ID_MISMATCH', `trace_id is ${JSON.stringify(r.trace_id)}, expected ${JSON.stringify(expected.trace_id)}`);
  }
  if (expected.hop !== undefined && hop !== null && hop !== expected.hop) {
    fail('HOP_SEQUENCE', `hop number is ${hop}, expected ${expected.hop} at this position`);
  }
  const prev = r.prev_receipt_hash;
  if (expected.prev_receipt_hash !== undefined && (prev === null || typeof prev === 'string') && prev !== expected.prev_receipt_hash) {
    fail(
      'LINK_MISMATCH',
      expected.prev_receipt_hash === null
        ? `prev_receipt_hash must be null on the first hop, got ${short(prev)}`
        : `prev_receipt_hash is ${short(prev)}, previous receipt_hash is ${short(expected.prev_receipt_hash)}`,
    );
  }
}

function checkCanon(r: Record<string, unknown>, fail: Fail): void {
  if (typeof r.canon !== 'string') return;
  let canonical: string;
  try {
    canonical = jcs(JSON.parse(r.canon));
  } catch (error) {
    fail('CANON_INVALID', `canon is not valid JSON: ${(error as Error).message}`);
    return;
  }
  if (canonical !== r.canon) fail('CANON_INVALID', 'canon is valid JSON but not its RFC 8785 canonical form');
  const actual = cidOfCanon(canonical);
  if (typeof r.cid === 'string' && r.cid !== actual) fail('CID_MISMATCH', `cid is ${short(r.cid)}, cid of canon is ${short(actual)}`);
}

function checkReceiptHash(r: Record<string, unknown>, fail: Fail): void {
  if (typeof r.receipt_hash !== 'string') return;
  const { receipt_hash: claimed, sig: _sig, ...body } = r;
  const actual = cid(body);
  if (actual !== claimed) fail('RECEIPT_HASH_MISMATCH', `receipt_hash is ${short(claimed as string)}, recomputed ${short(actual)}`);
}

/** Signatures sign the ASCII bytes of a hash string; undecodable signatures simply do not verify. */
function verifySignature(verify: (sig: Uint8Array, msg: Uint8Array) => boolean, signature: string, signedHash: string): boolean {
  let sig: Uint8Array;
  try {
    sig = decodeBase64url(signature);
  } catch {
    return false;
  }
  return verify(sig, utf8ToBytes(signedHash));
}

/** `sha256:0123456789ab…` — enough of a hash to tell two apart in a message. */
function short(hash: unknown): string {
  if (typeof hash !== 'string') return JSON.stringify(hash) ?? String(hash);
  return hash.length > 19 ? `${hash.slice(0, 19)}…` : hash;
}
