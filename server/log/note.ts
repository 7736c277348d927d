// C2SP signed-note, tlog-checkpoint and tlog-cosignature (Ed25519) as SPEC §7 fixes them: the
// log's signature lines, its vkey, checkpoint text, and checking a witness's cosignature line.
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { sha256, type Hash } from './merkle';

export const SIG_ED25519 = 0x01;
export const SIG_COSIGNATURE = 0x04;

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function keyId(name: string, type: number, publicKey: Uint8Array): Uint8Array {
  return sha256(Buffer.from(`${name}\n`, 'utf8'), Uint8Array.of(type), publicKey).subarray(0, 4);
}

export function vkey(name: string, type: number, publicKey: Uint8Array): string {
  return `${name}+${Buffer.from(keyId(name, type, publicKey)).toString('hex')}+${Buffer.concat([Uint8Array.of(type), publicKey]).toString('base64')}`;
}

export interface ParsedVkey {
  name: string;
  keyId: Uint8Array;
  type: number;
  publicKey: Uint8Array;
}

export function parseVkey(text: string): ParsedVkey {
  // <name>+<hex id>+<base64>: the name has no '+', the base64 may.
  const parts = text.trim().split('+');
  const encoded = parts.slice(2).join('+');
  if (parts.length < 3 || !parts[0] || !/^[0-9a-f]{8}$/.test(parts[1]!) || !/^[A-Za-z0-9+/]+=*$/.test(encoded)) throw new Error(`not a note verifier key: ${text}`);
  const material = Buffer.from(encoded, 'base64');
  if (material.length !== 33) throw new Error(`verifier key ${parts[0]}: expected a type byte and a 32-byte Ed25519 key`);
  const parsed = { name: parts[0], keyId: new Uint8Array(Buffer.from(parts[1]!, 'hex')), type: material[0]!, publicKey: new Uint8Array(material.subarray(1)) };
  if (!Buffer.from(keyId(parsed.name, parsed.type, parsed.publicKey)).equals(parsed.keyId)) throw new Error(`verifier key ${parsed.name}: key id does not match the key`);
  return parsed;
}

/** An Ed25519 note signer (signature type 0x01) named `name`. */
export interface NoteSigner {
  name: string;
  publicKey: Uint8Array;
  vkey: string;
  /** The signature line for `text` (which ends in a newline), newline included. */
  signatureLine(text: string): string;
}

export function noteSigner(name: string, seed: Uint8Array): NoteSigner {
  if (seed.length !== 32) throw new Error(`Ed25519 seed must be 32 bytes, got ${seed.length}`);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519_PREFIX.length));
  const id = keyId(name, SIG_ED25519, publicKey);
  return {
    name,
    publicKey,
    vkey: vkey(name, SIG_ED25519, publicKey),
    signatureLine(text) {
      const sig = sign(null, Buffer.from(text, 'utf8'), privateKey);
      return `— ${name} ${Buffer.concat([id, sig]).toString('base64')}\n`;
    },
  };
}

export function publicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** The note text of a checkpoint: origin, size, base64 root hash, each line newline-terminated. */
export function checkpointText(origin: string, size: number, root: Hash): string {
  return `${origin}\n${size}\n${Buffer.from(root).toString('base64')}\n`;
}

/** A signed note: the text, a blank line, the signature lines. */
export function signedNote(text: string, lines: string[]): string {
  return `${text}\n${lines.join('')}`;
}

/** The note text of a signed note (up to the last blank line, final newline included). */
export function noteText(note: string): string {
  const at = note.lastIndexOf('\n\n');
  if (at < 0) throw new Error('not a signed note: no blank line before the signatures');
  return note.slice(0, at + 1);
}

export function cosignedMessage(text: string, timestamp: bigint): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${text}`, 'utf8');
}

/**
 * The cosignature line by `witness` over the checkpoint `text` among `lines` (a witness's
 * add-checkpoint answer), verified; null when absent or not valid.
 */
export function verifiedCosignature(witness: ParsedVkey, text: string, lines: string): string | null {
  if (witness.type !== SIG_COSIGNATURE) return null;
  const key = publicKeyObject(witness.publicKey);
  for (const line of lines.split('\n')) {
    const m = /^— (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!m || m[1] !== witness.name) continue;
    const sig = Buffer.from(m[2]!, 'base64');
    if (sig.length !== 4 + 8 + 64 || !sig.subarray(0, 4).equals(witness.keyId)) continue;
    const timestamp = sig.readBigUInt64BE(4);
    if (timestamp === 0n) continue;
    if (verify(null, cosignedMessage(text, timestamp), key, sig.subarray(12))) return `${line}\n`;
  }
  return null;
}
