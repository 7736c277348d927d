/**
 * C2SP tlog-cosignature, Ed25519 `cosignature/v1` (signature type 0x04): the signed message,
 * signing and verification. Isomorphic.
 */
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { formatSignatureLine, parseSignatureLine, SIG_COSIGNATURE_V1, type NoteSignature, type NoteSigner, type VerifierKey } from './note';

const TIMESTAMP_BYTES = 8;
const MAX_TIMESTAMP = 2n ** 63n - 1n;

/** `cosignature/v1\ntime <t>\n` followed by the checkpoint's note text. */
export function cosignatureMessage(checkpointText: string, timestamp: number): Uint8Array {
  return utf8ToBytes(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`);
}

/** A signature line for `checkpointText`, timestamped `timestamp` (POSIX seconds). */
export function cosign(checkpointText: string, signer: NoteSigner, timestamp: number): string {
  if (signer.type !== SIG_COSIGNATURE_V1) throw new Error('a cosignature/v1 signer needs a 0x04 key');
  const ts = new Uint8Array(TIMESTAMP_BYTES);
  new DataView(ts.buffer).setBigUint64(0, BigInt(timestamp));
  return formatSignatureLine(signer.name, signer.keyId, concatBytes(ts, signer.sign(cosignatureMessage(checkpointText, timestamp))));
}

export type CosignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string; timestamp?: number };

/** Checks one signature line already matched to `key` by name and key id. */
export function verifyCosignature(checkpointText: string, sig: NoteSignature, key: VerifierKey): CosignatureCheck {
  if (key.type !== SIG_COSIGNATURE_V1) return { ok: false, reason: `${key.name} is not a cosignature/v1 (0x04) key` };
  if (sig.signature.length !== TIMESTAMP_BYTES + 64) {
    return { ok: false, reason: `cosignature of ${key.name} is ${sig.signature.length + 4} bytes, cosignature/v1 has ${4 + TIMESTAMP_BYTES + 64}` };
  }
  const big = new DataView(sig.signature.buffer, sig.signature.byteOffset, TIMESTAMP_BYTES).getBigUint64(0);
  if (big > MAX_TIMESTAMP || big > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: `cosignature of ${key.name} has an impossible timestamp ${big}` };
  const timestamp = Number(big);
  if (!key.verify(sig.signature.subarray(TIMESTAMP_BYTES), cosignatureMessage(checkpointText, timestamp))) {
    return { ok: false, timestamp, reason: `cosignature of ${key.name} (key ${key.keyId}, time ${timestamp}) does not verify over the checkpoint` };
  }
  return { ok: true, timestamp };
}

/**
 * The line by `key` among `lines` (a witness's add-checkpoint answer: signature lines) that
 * verifies as its cosignature over `checkpointText`, newline included; null when there is none.
 */
export function findCosignature(checkpointText: string, key: VerifierKey, lines: string): string | null {
  for (const line of lines.split('\n')) {
    const sig = parseSignatureLine(line);
    if (!sig.ok || sig.value.name !== key.name || sig.value.keyId !== key.keyId) continue;
    if (verifyCosignature(checkpointText, sig.value, key).ok) return `${line}\n`;
  }
  return null;
}
