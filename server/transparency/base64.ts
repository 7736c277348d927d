/** Strict standard base64 with padding (RFC 4648 §4), as C2SP notes and proofs use it. Isomorphic. */

// With the length a multiple of 4, this is /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
// in one linear pass (the grouped form cost 5 % of verifying a usage bundle's tiles).
const ALPHABET = /^[A-Za-z0-9+/]*={0,2}$/;
const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

// Node's Buffer where the runtime has one: a verifier decodes megabytes of tile hashes.
const NodeBuffer = (globalThis as { Buffer?: typeof import('node:buffer').Buffer }).Buffer;

export function encodeBase64(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x2000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  return btoa(binary);
}

/** The bits after the last byte are zero: the digit before `=` leaves 2 of them, before `==` 4. */
function zeroTrailingBits(text: string): boolean {
  if (!text.endsWith('=')) return true;
  const pad = text.endsWith('==') ? 2 : 1;
  return (DIGITS.indexOf(text[text.length - pad - 1]!) & (pad === 2 ? 0b1111 : 0b11)) === 0;
}

/** The bytes, or null for anything but the one canonical padded encoding (no whitespace, zero trailing bits). */
export function decodeBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0 || !ALPHABET.test(text) || !zeroTrailingBits(text)) return null;
  if (NodeBuffer) return new Uint8Array(NodeBuffer.from(text, 'base64'));
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
