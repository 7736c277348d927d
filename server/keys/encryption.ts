// At-rest encryption of signing-key seeds (AES-256-GCM) when SP_KEY_ENCRYPTION_KEY is set.
// The key-encryption key may be any string; it is stretched with SHA-256 to 32 bytes.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';

function kek(secret: string) {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function encryptSeed(seed: Uint8Array, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek(secret), iv);
  const ct = Buffer.concat([cipher.update(seed), cipher.final()]);
  return [VERSION, iv.toString('base64url'), ct.toString('base64url'), cipher.getAuthTag().toString('base64url')].join(':');
}

export function decryptSeed(stored: string, secret: string): Uint8Array {
  const [version, iv, ct, tag] = stored.split(':');
  if (version !== VERSION || !iv || !ct || !tag) throw new Error('signing key ciphertext is malformed');
  const decipher = createDecipheriv('aes-256-gcm', kek(secret), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return new Uint8Array(Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]));
  } catch {
    throw new Error('cannot decrypt signing key: SP_KEY_ENCRYPTION_KEY is wrong');
  }
}
