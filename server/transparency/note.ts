/**
 * C2SP signed-note: parsing, verifier keys (vkeys), signer keys and Ed25519 note signatures.
 * Isomorphic. Parsers return `{ ok: false, reason }` naming what is wrong; nothing throws.
 */
import * as ed from '@noble/ed25519';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { createVerifier } from '../receipts/ed25519';
import { decodeBase64, encodeBase64 } from './base64';

/** Signature type bytes of signed-note §"Signature types". */
export const SIG_ED25519 = 0x01;
export const SIG_COSIGNATURE_V1 = 0x04;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const EM_DASH = '\u2014';
/** More than C2SP's minimum of 16; bounds the work a hostile note can cause. */
export const MAX_SIGNATURES = 64;

export interface NoteSignature {
  name: string;
  /** 8 lowercase hex digits. */
  keyId: string;
  /** The bytes after the 4-byte key id. */
  signature: Uint8Array;
}

export interface Note {
  /** The signed text, final newline included. */
  text: string;
  signatures: NoteSignature[];
}

export interface VerifierKey {
  name: string;
  keyId: string;
  type: number;
  publicKey: Uint8Array;
  /** The vkey string. */
  vkey: string;
  /** Plain Ed25519 over `message`. */
  verify(signature: Uint8Array, message: Uint8Array): boolean;
}

export interface NoteSigner {
  name: string;
  keyId: string;
  type: number;
  publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** key ID = SHA-256(name || 0x0A || type || public key)[:4], as hex. */
export function computeKeyId(name: string, type: number, publicKey: Uint8Array): string {
  return bytesToHex(sha256(concatBytes(utf8ToBytes(name), Uint8Array.of(0x0a, type), publicKey)).subarray(0, 4));
}

export function isKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+\u2028\u2029\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/u.test(name);
}

function textProblem(note: string): string | null {
  if (/\p{Surrogate}/u.test(note)) return 'is not valid UTF-8 (lone surrogate)';
  for (let i = 0; i < note.length; i++) {
    const code = note.charCodeAt(i);
    if (code < 0x20 && code !== 0x0a) return `contains the control character U+${code.toString(16).padStart(4, '0').toUpperCase()} at offset ${i}`;
  }
  return null;
}

/** Splits a signed note into its text and signature lines (signed-note §Format). */
export function parseNote(note: string): Parsed<Note> {
  if (typeof note !== 'string') return { ok: false, reason: 'note is not a string' };
  const problem = textProblem(note);
  if (problem) return { ok: false, reason: `note ${problem}` };
  const split = note.lastIndexOf('\n\n');
  if (split === -1) return { ok: false, reason: 'note has no blank line between its text and its signatures' };
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (!block.endsWith('\n')) return { ok: false, reason: 'note does not end with a newline after its last signature' };
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) return { ok: false, reason: `note has ${lines.length} signatures, more than ${MAX_SIGNATURES}` };
  const signatures: NoteSignature[] = [];
  for (const [i, line] of lines.entries()) {
    const parsed = parseSignatureLine(line);
    if (!parsed.ok) return { ok: false, reason: `signature line ${i + 1}: ${parsed.reason}` };
    signatures.push(parsed.value);
  }
  return { ok: true, value: { text, signatures } };
}

/** `— <name> <base64(key id || signature)>`, without its newline. */
export function parseSignatureLine(line: string): Parsed<NoteSignature> {
  const match = /^\u2014 (\S+) (\S+)$/u.exec(line);
  if (!match) return { ok: false, reason: `not "${EM_DASH} <key name> <base64 signature>": ${JSON.stringify(line.slice(0, 60))}` };
  const [, name, encoded] = match as unknown as [string, string, string];
  if (!isKeyName(name)) return { ok: false, reason: `key name ${JSON.stringify(name)} contains a space or '+'` };
  const bytes = decodeBase64(encoded);
  if (!bytes) return { ok: false, reason: `signature of ${name} is not canonical padded base64` };
  if (bytes.length < 5) return { ok: false, reason: `signature of ${name} is ${bytes.length} bytes, shorter than a key id and a signature` };
  return { ok: true, value: { name, keyId: bytesToHex(bytes.subarray(0, 4)), signature: bytes.subarray(4) } };
}

export function formatSignatureLine(name: string, keyId: string, signature: Uint8Array): string {
  return `${EM_DASH} ${name} ${encodeBase64(concatBytes(hexToBytes(keyId), signature))}\n`;
}

/** `<name>+<hex key id>+<base64(type || public key)>`: Ed25519 (0x01) or cosignature/v1 (0x04) keys. */
export function parseVerifierKey(vkey: string): Parsed<VerifierKey> {
  if (typeof vkey !== 'string') return { ok: false, reason: 'verifier key is not a string' };
  // Names hold no '+', base64 may: the key is everything after the second '+'.
  const match = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(vkey.trim());
  if (!match) return { ok: false, reason: `verifier key ${JSON.stringify(vkey.slice(0, 80))} is not <name>+<key id>+<key>` };
  const [, name, keyId, encoded] = match as unknown as [string, string, string, string];
  if (!isKeyName(name)) return { ok: false, reason: `verifier key name ${JSON.stringify(name)} is empty or contains a space` };
  if (!/^[0-9a-f]{8}$/.test(keyId)) return { ok: false, reason: `verifier key id ${JSON.stringify(keyId)} is not 8 lowercase hex digits` };
  const bytes = decodeBase64(encoded);
  if (!bytes) return { ok: false, reason: `verifier key of ${name} is not canonical padded base64` };
  const type = bytes[0];
  if (type !== SIG_ED25519 && type !== SIG_COSIGNATURE_V1) {
    return { ok: false, reason: `verifier key of ${name} has signature type ${type === undefined ? 'none' : `0x${type.toString(16).padStart(2, '0')}`}; only Ed25519 (0x01) and cosignature/v1 (0x04) are supported` };
  }
  const publicKey = bytes.subarray(1);
  if (publicKey.length !== 32) return { ok: false, reason: `verifier key of ${name} has a ${publicKey.length}-byte public key, Ed25519 needs 32` };
  const expected = computeKeyId(name, type, publicKey);
  if (expected !== keyId) return { ok: false, reason: `verifier key of ${name} claims key id ${keyId}, its key hashes to ${expected}` };
  let verifier: ReturnType<typeof createVerifier>;
  try {
    verifier = createVerifier(publicKey);
  } catch (error) {
    return { ok: false, reason: `verifier key of ${name}: ${(error as Error).message}` };
  }
  return { ok: true, value: { name, keyId, type, publicKey: verifier.publicKey, vkey: `${name}+${keyId}+${encoded}`, verify: verifier.verify } };
}

export function formatVerifierKey(name: string, type: number, publicKey: Uint8Array): string {
  return `${name}+${computeKeyId(name, type, publicKey)}+${encodeBase64(concatBytes(Uint8Array.of(type), publicKey))}`;
}

/** A note signer from a 32-byte Ed25519 seed (RFC 8032 private key). */
export function signerFromSeed(name: string, type: number, seed: Uint8Array): NoteSigner {
  const key = Uint8Array.from(seed);
  const publicKey = ed.getPublicKey(key);
  return { name, type, publicKey, keyId: computeKeyId(name, type, publicKey), sign: (message) => ed.sign(message, key) };
}

/** `PRIVATE+KEY+<name>+<hex key id>+<base64(type || seed)>`, the Go note package's signer key format. */
export function parseSignerKey(skey: string): Parsed<NoteSigner> {
  const match = /^PRIVATE\+KEY\+([^+]*)\+([^+]*)\+(.*)$/s.exec(skey.trim());
  if (!match) return { ok: false, reason: 'signer key is not PRIVATE+KEY+<name>+<key id>+<key>' };
  const [, name, keyId, encoded] = match as unknown as [string, string, string, string];
  const bytes = decodeBase64(encoded);
  if (!isKeyName(name) || !bytes || bytes.length !== 33) return { ok: false, reason: 'signer key has a bad name or is not base64(type || 32-byte seed)' };
  const signer = signerFromSeed(name, bytes[0]!, bytes.subarray(1));
  if (signer.keyId !== keyId) return { ok: false, reason: `signer key claims key id ${keyId}, its key hashes to ${signer.keyId}` };
  return { ok: true, value: signer };
}

export function formatSignerKey(name: string, type: number, seed: Uint8Array): string {
  const signer = signerFromSeed(name, type, seed);
  return `PRIVATE+KEY+${name}+${signer.keyId}+${encodeBase64(concatBytes(Uint8Array.of(type), seed))}`;
}

/** The note text with one Ed25519 signature line appended (after the blank line). */
export function signNote(text: string, signer: NoteSigner): string {
  return `${text}\n${formatSignatureLine(signer.name, signer.keyId, signer.sign(utf8ToBytes(text)))}`;
}

export type NoteVerification = { ok: true; note: Note; verifiedBy: VerifierKey[] } | { ok: false; reason: string; note?: Note };

/**
 * signed-note §Signatures for Ed25519 (0x01) keys: signatures from unknown keys are ignored, a
 * known key's signature must verify, and at least one must.
 */
export function verifyNote(note: string, keys: readonly VerifierKey[]): NoteVerification {
  const parsed = parseNote(note);
  if (!parsed.ok) return parsed;
  const message = utf8ToBytes(parsed.value.text);
  const verifiedBy: VerifierKey[] = [];
  for (const sig of parsed.value.signatures) {
    const key = keys.find((k) => k.type === SIG_ED25519 && k.name === sig.name && k.keyId === sig.keyId);
    if (!key) continue;
    if (!key.verify(sig.signature, message)) {
      return { ok: false, note: parsed.value, reason: `the signature of ${sig.name} (key ${sig.keyId}) does not verify over the note text` };
    }
    verifiedBy.push(key);
  }
  if (verifiedBy.length === 0) {
    const names = keys.filter((k) => k.type === SIG_ED25519).map((k) => `${k.name}+${k.keyId}`);
    return { ok: false, note: parsed.value, reason: `no signature from a trusted key (${names.join(', ') || 'none configured'}); signed by ${parsed.value.signatures.map((s) => `${s.name}+${s.keyId}`).join(', ')}` };
  }
  return { ok: true, note: parsed.value, verifiedBy };
}
