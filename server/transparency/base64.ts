/** Strict standard base64 with padding (RFC 4648 §4), as C2SP notes and proofs use it. Isomorphic. */

const ALPHABET = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The bytes, or null for anything but the one canonical padded encoding (no whitespace, zero trailing bits). */
export function decodeBase64(text: string): Uint8Array | null {
  if (!ALPHABET.test(text)) return null;
  const bytes = Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
  return encodeBase64(bytes) === text ? bytes : null;
}
