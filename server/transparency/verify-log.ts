/**
 * Checks an export bundle's `log` field (SPEC §7) under a verifier's own policy: each hop's
 * inclusion proof against the bundle's checkpoint, the checkpoint's log signature, k-of-n
 * witness cosignatures, and consistency with a checkpoint seen earlier. Isomorphic (CLI and
 * the auditor page's worker) and synchronous: the caller fetches a consistency proof first
 * (consistencyNeeded says which). Never throws: every problem is a failure naming where it is.
 */
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { decodeBase64 } from './base64';
import { parseCheckpoint, type Checkpoint } from './checkpoint';
import { verifyCosignature } from './cosignature';
import { InclusionVerifier } from './inclusion-batch';
import { receiptLeafHash, verifyConsistency, type Hash } from './merkle';
import { parseNote, parseVerifierKey, SIG_COSIGNATURE_V1, SIG_ED25519, type Note, type VerifierKey } from './note';

export type LogFailureCode = 'LOG_MALFORMED' | 'LOG_POLICY' | 'LOG_SIGNATURE_INVALID' | 'INCLUSION_INVALID' | 'COSIGNATURE_INVALID' | 'WITNESS_QUORUM' | 'LOG_FORK';

export interface LogFailure {
  code: LogFailureCode;
  message: string;
}

/** A tree head as shown to a person: which log, how big, which root. */
export interface Head {
  origin: string;
  size: number;
  root: string;
}

export interface LogHopReport {
  /** Position in the chain (0-based). */
  index: number;
  hop: number | null;
  status: 'included' | 'not-in-log' | 'invalid';
  leaf_index: number | null;
  reason?: string;
}

export interface WitnessReport {
  name: string;
  keyId: string;
  /** POSIX seconds of its cosignature, null when it did not cosign this checkpoint. */
  timestamp: number | null;
  status: 'cosigned' | 'missing' | 'invalid';
  reason?: string;
}

export interface ConsistencyReport {
  status: 'not-checked' | 'same' | 'consistent' | 'fork' | 'unavailable';
  /** The checkpoint seen earlier. */
  trusted: Head | null;
  reason?: string;
}

export interface LogReport {
  /** false: the bundle has no `log` field and nothing here was checked. */
  present: boolean;
  valid: boolean;
  fork: boolean;
  checkpoint: Head | null;
  signature: { status: 'verified' | 'not-checked' | 'invalid'; key: string | null; reason?: string };
  hops: LogHopReport[];
  witnesses: { required: number; cosigned: number; list: WitnessReport[] };
  consistency: ConsistencyReport;
  failures: LogFailure[];
  /** The signed checkpoint to remember as the last one seen, when this one may replace it. */
  latest: string | null;
}

export interface LogPolicy {
  /** The log's vkey (`<origin>+<id>+<base64(0x01||key)>`); without it the signature is not checked. */
  logKey?: string | null;
  /** Witness vkeys (`<name>+<id>+<base64(0x04||key)>`). */
  witnesses?: readonly string[];
  /** k of the n witnesses; defaults to all of them. */
  witnessesRequired?: number;
  /** A signed checkpoint of the same log seen earlier. */
  trustedCheckpoint?: string | null;
  /** `{"from","to","hashes":[base64]}` as the proof route returns it, or a saved proof file. */
  consistencyProof?: unknown;
}

interface SignedCheckpoint {
  checkpoint: Checkpoint;
  note: Note;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const headOf = (c: Checkpoint): Head => ({ origin: c.origin, size: c.size, root: c.rootBase64 });

/** A checkpoint with its signature lines; bare note text (no signatures) parses with none. */
export function parseSignedCheckpoint(text: unknown): { ok: true; value: SignedCheckpoint } | { ok: false; reason: string } {
  if (typeof text !== 'string') return { ok: false, reason: 'checkpoint is not a string' };
  let note: Note;
  if (text.includes('\n\n')) {
    const parsed = parseNote(text);
    if (!parsed.ok) return parsed;
    note = parsed.value;
  } else {
    note = { text, signatures: [] };
  }
  const checkpoint = parseCheckpoint(note.text);
  return checkpoint.ok ? { ok: true, value: { checkpoint: checkpoint.value, note } } : checkpoint;
}

/** Sizes of the consistency proof the bundle and the trusted checkpoint call for, or null when none is needed. */
export function consistencyNeeded(bundle: unknown, trustedCheckpoint: string | null | undefined): { from: number; to: number } | null {
  if (!trustedCheckpoint || !isObject(bundle) || !isObject(bundle.log)) return null;
  const current = parseSignedCheckpoint(bundle.log.checkpoint);
  const trusted = parseSignedCheckpoint(trustedCheckpoint);
  if (!current.ok || !trusted.ok) return null;
  const [a, b] = [trusted.value.checkpoint, current.value.checkpoint];
  if (a.origin !== b.origin || a.size === b.size || Math.min(a.size, b.size) === 0) return null;
  return { from: Math.min(a.size, b.size), to: Math.max(a.size, b.size) };
}

function decodeHashes(value: unknown, what: string): Hash[] | string {
  if (!Array.isArray(value)) return `${what} is not an array of base64 hashes`;
  if (value.length > 63) return `${what} has ${value.length} hashes, more than any tree needs (63)`;
  const out: Hash[] = [];
  for (const [i, item] of value.entries()) {
    const bytes = typeof item === 'string' ? decodeBase64(item) : null;
    if (!bytes || bytes.length !== 32) return `${what}: hash #${i + 1} is not base64 of 32 bytes`;
    out.push(bytes);
  }
  return out;
}

export function verifyBundleLog(bundle: unknown, policy: LogPolicy = {}): LogReport {
  const failures: LogFailure[] = [];
  const fail = (code: LogFailureCode, message: string) => failures.push({ code, message });
  const report: LogReport = {
    present: false,
    valid: true,
    fork: false,
    checkpoint: null,
    signature: { status: 'not-checked', key: null },
    hops: [],
    witnesses: { required: 0, cosigned: 0, list: [] },
    consistency: { status: 'not-checked', trusted: null },
    failures,
    latest: null,
  };
  const done = () => {
    report.valid = failures.length === 0;
    return report;
  };
  if (!isObject(bundle) || !('log' in bundle)) return report;
  report.present = true;

  // The verifier's policy first: a bad key is the verifier's mistake, said as such.
  let logKey: VerifierKey | null = null;
  if (policy.logKey) {
    const parsed = parseVerifierKey(policy.logKey);
    if (!parsed.ok) fail('LOG_POLICY', `log key: ${parsed.reason}`);
    else if (parsed.value.type !== SIG_ED25519) fail('LOG_POLICY', `log key ${parsed.value.name} is not an Ed25519 (0x01) key`);
    else logKey = parsed.value;
  }
  const witnesses: VerifierKey[] = [];
  for (const vkey of policy.witnesses ?? []) {
    const parsed = parseVerifierKey(vkey);
    if (!parsed.ok) fail('LOG_POLICY', `witness key: ${parsed.reason}`);
    else if (parsed.value.type !== SIG_COSIGNATURE_V1) fail('LOG_POLICY', `witness key ${parsed.value.name} is not a cosignature/v1 (0x04) key`);
    else witnesses.push(parsed.value);
  }
  const required = policy.witnessesRequired ?? witnesses.length;
  report.witnesses.required = required;
  if (!Number.isSafeInteger(required) || required < 0 || required > (policy.witnesses?.length ?? 0)) {
    fail('LOG_POLICY', `${required} witnesses required, but ${policy.witnesses?.length ?? 0} witness key(s) given`);
  }

  const log = bundle.log;
  if (!isObject(log)) {
    fail('LOG_MALFORMED', "bundle field 'log' is not an object {checkpoint, proofs}");
    return done();
  }
  const signed = parseSignedCheckpoint(log.checkpoint);
  if (!signed.ok) {
    fail('LOG_MALFORMED', `log.checkpoint: ${signed.reason}`);
    return done();
  }
  const { checkpoint, note } = signed.value;
  report.checkpoint = headOf(checkpoint);

  // The log's signature.
  if (logKey) {
    report.signature.key = `${logKey.name}+${logKey.keyId}`;
    const reason =
      checkpoint.origin !== logKey.name
        ? `checkpoint origin ${checkpoint.origin} is not the log key's name ${logKey.name}`
        : checkSignature(note, logKey);
    if (reason) {
      report.signature = { status: 'invalid', key: report.signature.key, reason };
      fail('LOG_SIGNATURE_INVALID', `log.checkpoint: ${reason}`);
    } else {
      report.signature.status = 'verified';
    }
  }

  // Witness cosignatures, the verifier's k of n.
  for (const key of witnesses) {
    const sig = note.signatures.find((s) => s.name === key.name && s.keyId === key.keyId);
    if (!sig) {
      report.witnesses.list.push({ name: key.name, keyId: key.keyId, timestamp: null, status: 'missing' });
      continue;
    }
    const check = verifyCosignature(checkpoint.text, sig, key);
    if (check.ok) {
      report.witnesses.cosigned++;
      report.witnesses.list.push({ name: key.name, keyId: key.keyId, timestamp: check.timestamp, status: 'cosigned' });
    } else {
      report.witnesses.list.push({ name: key.name, keyId: key.keyId, timestamp: check.timestamp ?? null, status: 'invalid', reason: check.reason });
      fail('COSIGNATURE_INVALID', `log.checkpoint: ${check.reason}`);
    }
  }
  if (report.witnesses.cosigned < required) {
    fail('WITNESS_QUORUM', `log.checkpoint: cosigned by ${report.witnesses.cosigned} of the ${required} required witness(es)`);
  }

  checkInclusion(bundle.chain, log.proofs, checkpoint, report, fail);
  checkConsistency(checkpoint, policy, logKey, report, fail);

  const trustworthy = report.signature.status === 'verified' && !report.fork && report.consistency.status !== 'unavailable';
  if (trustworthy && typeof log.checkpoint === 'string') {
    const trustedSize = report.consistency.trusted?.size ?? -1;
    report.latest = checkpoint.size >= trustedSize ? log.checkpoint : (policy.trustedCheckpoint ?? null);
  }
  return done();
}

function checkSignature(note: Note, key: VerifierKey): string | null {
  const lines = note.signatures.filter((s) => s.name === key.name && s.keyId === key.keyId);
  if (lines.length === 0) return `no signature by the log key ${key.name}+${key.keyId}`;
  const message = utf8ToBytes(note.text);
  const bad = lines.find((s) => !key.verify(s.signature, message));
  return bad ? `the signature of ${key.name} (key ${key.keyId}) does not verify over the checkpoint` : null;
}

type Fail = (code: LogFailureCode, message: string) => void;

function checkInclusion(chain: unknown, proofs: unknown, checkpoint: Checkpoint, report: LogReport, fail: Fail): void {
  const receipts = Array.isArray(chain) ? chain : [];
  if (!Array.isArray(proofs)) {
    fail('LOG_MALFORMED', "log.proofs is not an array of {hop, leaf_index, hashes}");
    return;
  }
  const byHop = new Map<number, Record<string, unknown>>();
  for (const [i, proof] of proofs.entries()) {
    if (!isObject(proof) || !Number.isSafeInteger(proof.hop)) {
      fail('LOG_MALFORMED', `log.proofs[${i}] is not {hop, leaf_index, hashes}`);
      continue;
    }
    const hop = proof.hop as number;
    if (byHop.has(hop)) fail('LOG_MALFORMED', `log.proofs has two proofs for hop ${hop}`);
    byHop.set(hop, proof);
  }
  const hopsInChain = new Set<number>();
  const inclusion = new InclusionVerifier(checkpoint.size, checkpoint.root);
  for (const [index, receipt] of receipts.entries()) {
    const hop = isObject(receipt) && Number.isSafeInteger(receipt.hop) ? (receipt.hop as number) : null;
    if (hop !== null) hopsInChain.add(hop);
    const proof = hop !== null ? byHop.get(hop) : undefined;
    const label = hop !== null ? `hop ${hop}` : `receipt #${index + 1}`;
    if (!proof) {
      report.hops.push({ index, hop, status: 'not-in-log', leaf_index: null });
      continue;
    }
    const leafIndex = Number.isSafeInteger(proof.leaf_index) && (proof.leaf_index as number) >= 0 ? (proof.leaf_index as number) : null;
    const invalid = (reason: string) => {
      report.hops.push({ index, hop, status: 'invalid', leaf_index: leafIndex, reason });
      fail('INCLUSION_INVALID', `${label}: ${reason}`);
    };
    const receiptHash = isObject(receipt) ? receipt.receipt_hash : undefined;
    if (typeof receiptHash !== 'string') {
      invalid('the receipt has no receipt_hash to look up in the log');
      continue;
    }
    if (leafIndex === null) {
      invalid(`leaf_index ${JSON.stringify(proof.leaf_index)} is not a non-negative integer`);
      continue;
    }
    const hashes = decodeHashes(proof.hashes, 'inclusion proof');
    if (typeof hashes === 'string') {
      invalid(hashes);
      continue;
    }
    const result = inclusion.verify(receiptLeafHash(receiptHash), leafIndex, hashes);
    if (!result.ok) invalid(`inclusion proof at index ${leafIndex} in the tree of size ${checkpoint.size}: ${result.reason}`);
    else report.hops.push({ index, hop, status: 'included', leaf_index: leafIndex });
  }
  for (const hop of byHop.keys()) {
    if (!hopsInChain.has(hop)) fail('LOG_MALFORMED', `log.proofs has a proof for hop ${hop}, which is not in the chain`);
  }
}

function checkConsistency(current: Checkpoint, policy: LogPolicy, logKey: VerifierKey | null, report: LogReport, fail: Fail): void {
  if (!policy.trustedCheckpoint) return;
  const parsed = parseSignedCheckpoint(policy.trustedCheckpoint);
  if (!parsed.ok) {
    fail('LOG_POLICY', `trusted checkpoint: ${parsed.reason}`);
    return;
  }
  const trusted = parsed.value.checkpoint;
  report.consistency.trusted = headOf(trusted);
  if (trusted.origin !== current.origin) {
    fail('LOG_POLICY', `trusted checkpoint is for the log ${trusted.origin}, the bundle's for ${current.origin}`);
    return;
  }
  if (logKey) {
    const reason = checkSignature(parsed.value.note, logKey);
    if (reason) {
      fail('LOG_SIGNATURE_INVALID', `trusted checkpoint: ${reason}`);
      return;
    }
  }
  const fork = (reason: string) => {
    report.fork = true;
    report.consistency = { status: 'fork', trusted: headOf(trusted), reason };
    fail('LOG_FORK', `fork: the checkpoint seen earlier (size ${trusted.size}, root ${trusted.rootBase64}) and the bundle's (size ${current.size}, root ${current.rootBase64}) are not consistent: ${reason}`);
  };
  if (trusted.size === current.size) {
    if (trusted.rootBase64 === current.rootBase64) report.consistency.status = 'same';
    else fork(`two different roots for the same size ${current.size}`);
    return;
  }
  const [older, newer] = trusted.size < current.size ? [trusted, current] : [current, trusted];
  if (older.size === 0) {
    report.consistency.status = 'consistent';
    return;
  }
  const proof = policy.consistencyProof;
  if (proof === undefined || proof === null) {
    report.consistency = { status: 'unavailable', trusted: headOf(trusted), reason: `no consistency proof from size ${older.size} to ${newer.size}` };
    return;
  }
  if (!isObject(proof) || proof.from !== older.size || proof.to !== newer.size) {
    fail('LOG_MALFORMED', `consistency proof: expected {"from": ${older.size}, "to": ${newer.size}, "hashes": […]}`);
    return;
  }
  const hashes = decodeHashes(proof.hashes, 'consistency proof');
  if (typeof hashes === 'string') {
    fail('LOG_MALFORMED', hashes);
    return;
  }
  const result = verifyConsistency(older.size, newer.size, hashes, older.root, newer.root);
  if (result.ok) report.consistency.status = 'consistent';
  else fork(result.reason);
}
