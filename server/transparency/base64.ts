/** Strict standard base64 with padding (RFC 4648 §4), as C2SP notes and proofs use it. Isomorphic. */

const ALPHABET = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

// Node's Buffer where the runtime has one: a verifier decodes megabytes of tile hashes, and the
// byte-by-byte string building below is the slow part of that.
const NodeBuffer = (globalThis as { Buffer?: typeof import('node:buffer').Buffer }).Buffer;

export function encodeBase64(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The bytes, or null for anything but the one canonical padded encoding (no whitespace, zero trailing bits). */
export function decodeBase64(text: string): Uint8Array | null {
  if (!ALPHABET.test(text)) return null;
  const bytes = NodeBuffer ? new Uint8Array(NodeBuffer.from(text, 'base64')) : Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
  return encodeBase64(bytes) === text ? bytes : null;
}
