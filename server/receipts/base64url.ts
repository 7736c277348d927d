/** Strict base64url without padding (RFC 4648 §5), isomorphic (atob/btoa exist in Node 20 and browsers). */

const ALPHABET = /^[A-Za-z0-9_-]*$/;

export function encodeBase64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Decodes base64url; throws on padding, foreign characters, impossible lengths and
 * non-zero trailing bits, so every byte string has exactly one accepted encoding.
 */
export function decodeBase64url(text: string): Uint8Array {
  if (!ALPHABET.test(text)) throw new Error('not base64url (allowed: A-Z a-z 0-9 - _, no padding)');
  if (text.length % 4 === 1) throw new Error(`not base64url (length ${text.length} is impossible)`);
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  if (encodeBase64url(bytes) !== text) throw new Error('not canonical base64url (non-zero trailing bits)');
  return bytes;
}
