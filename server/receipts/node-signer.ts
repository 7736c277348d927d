/**
 * Server-side Ed25519 signing with node:crypto (OpenSSL).
 * Measured by sign-bench.ts on this 2-core machine (Node 20), signing a 71-byte receipt_hash:
 *   node:crypto 22,700–29,900 signatures/s, @noble/ed25519 3,100–3,300 (two runs), so node:crypto.
 */
import { createPrivateKey, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { Jwk, Signer } from './types';

// PKCS#8 DER header for an Ed25519 private key (RFC 8410); the 32-byte seed follows it.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The node:crypto private key of a 32-byte Ed25519 seed. */
export function ed25519PrivateKey(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new Error(`Ed25519 seed must be 32 bytes, got ${seed.length}`);
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

export function createSigner(seed: Uint8Array, kid: string): Signer & { publicKey: string } {
  if (typeof kid !== 'string' || kid === '') throw new Error('kid must be a non-empty string');
  const privateKey = ed25519PrivateKey(seed);
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' });
  if (!x) throw new Error('node:crypto returned no public key for the seed');
  return {
    kid,
    publicKey: x,
    sign: (message) => sign(null, message, privateKey).toString('base64url'),
  };
}

export function generateSeed(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}

export function publicJwk(publicKeyB64url: string, kid: string): Jwk {
  return { kty: 'OKP', crv: 'Ed25519', x: publicKeyB64url, kid, use: 'sig', alg: 'EdDSA' };
}
