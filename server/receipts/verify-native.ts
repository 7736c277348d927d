/**
 * Bundle verification with the platform's native Ed25519 (WebCrypto: Chromium, Node): every
 * signature is checked natively and concurrently first, then the ordinary synchronous
 * verifier runs with those answers, so reports and rules are exactly verify.ts's. A 1,000-hop
 * bundle then costs hashing plus native verifies instead of 1,000 pure-JS curve operations.
 * Falls back to the pure-JS verifier where native Ed25519 is unavailable.
 */
import { decodeBase64url, encodeBase64url } from './base64url';
import { keyringFor, type Keyring } from './keyring';
import type { BundleReport } from './report';
import { isPlainObject } from './shape';
import { verifyBundle, type VerifyOptions } from './verify';

const ascii = new TextDecoder();
const memoKey = (kid: string, sig: string, message: string) => `${kid}\n${sig}\n${message}`;

interface Claim {
  kid: string;
  sig: string;
  message: string;
}

function claimsOf(bundle: unknown): Claim[] {
  if (!isPlainObject(bundle)) return [];
  const claims: Claim[] = [];
  const add = (kid: unknown, sig: unknown, message: unknown) => {
    if (typeof kid === 'string' && typeof sig === 'string' && typeof message === 'string') claims.push({ kid, sig, message });
  };
  add(bundle.kid, bundle.signature, bundle.bundle_cid);
  if (Array.isArray(bundle.chain)) {
    for (const r of bundle.chain) if (isPlainObject(r)) add(r.kid, r.sig, r.receipt_hash);
  }
  return claims;
}

async function importKeys(jwks: unknown, kids: Set<string>): Promise<Map<string, CryptoKey> | null> {
  const keys = new Map<string, CryptoKey>();
  const list = isPlainObject(jwks) && Array.isArray(jwks.keys) ? jwks.keys : [];
  for (const jwk of list) {
    if (!isPlainObject(jwk) || typeof jwk.kid !== 'string' || !kids.has(jwk.kid) || typeof jwk.x !== 'string' || jwk.crv !== 'Ed25519') continue;
    try {
      const raw = decodeBase64url(jwk.x);
      if (raw.length !== 32) continue;
      keys.set(jwk.kid, await crypto.subtle.importKey('raw', raw as BufferSource, { name: 'Ed25519' }, false, ['verify']));
    } catch (error) {
      if ((error as Error).name === 'NotSupportedError') return null;
      // A malformed key is reported by the synchronous verifier.
    }
  }
  return keys;
}

export async function verifyBundleNative(bundle: unknown, jwks: unknown, opts: VerifyOptions = {}): Promise<BundleReport> {
  if (typeof crypto === 'undefined' || !crypto.subtle) return verifyBundle(bundle, jwks, opts);
  const claims = claimsOf(bundle);
  const keys = await importKeys(jwks, new Set(claims.map((c) => c.kid)));
  if (!keys) return verifyBundle(bundle, jwks, opts);

  const answers = new Map<string, boolean>();
  await Promise.all(
    claims.map(async ({ kid, sig, message }) => {
      const key = keys.get(kid);
      if (!key) return;
      let signature: Uint8Array;
      try {
        signature = decodeBase64url(sig);
      } catch {
        return; // undecodable: the synchronous verifier reports it
      }
      if (signature.length !== 64) return;
      const ok = await crypto.subtle.verify({ name: 'Ed25519' }, key, signature as BufferSource, new TextEncoder().encode(message));
      answers.set(memoKey(kid, sig, message), ok);
    }),
  );

  const base = keyringFor(jwks);
  const keyring: Keyring = {
    lookup(kid) {
      const found = base.lookup(kid);
      if (!('verifier' in found)) return found;
      return {
        verifier: {
          ...found.verifier,
          verify: (signature, message) => answers.get(memoKey(kid, encodeBase64url(signature), ascii.decode(message))) ?? found.verifier.verify(signature, message),
        },
      };
    },
  };
  return verifyBundle(bundle, jwks, { ...opts, keyring });
}
