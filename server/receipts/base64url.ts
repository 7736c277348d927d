/** Strict base64url without padding (RFC 4648 §5), isomorphic (atob/btoa exist in Node 20 and browsers). */

const ALPHABET = /^[A-Za-z0-9_-]*$/;

export function encodeBase64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < DIGITS.length; i++) VALUE[DIGITS.charCodeAt(i)] = i;

/**
 * Decodes base64url; throws on padding, foreign characters, impossible lengths and
 * non-zero trailing bits, so every byte string has exactly one accepted encoding. Decoded
 * digit by digit (a verifier decodes thousands of signatures; atob and encoding back to
 * compare cost several times more).
 */
export function decodeBase64url(text: string): Uint8Array {
  if (!ALPHABET.test(text)) throw new Error('not base64url (allowed: A-Z a-z 0-9 - _, no padding)');
  if (text.length % 4 === 1) throw new Error(`not base64url (length ${text.length} is impossible)`);
  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let held = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    held = ((held << 6) | VALUE[text.charCodeAt(i)]!) & 0xfff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[at++] = held >> bits;
    }
  }
  if ((held & ((1 << bits) - 1)) !== 0) throw new Error('not canonical base64url (non-zero trailing bits)');
  return bytes;
}
