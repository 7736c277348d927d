/** Turns a JWKS (SPEC §1) into per-kid Ed25519 verifiers; hostile or broken keys become lookup errors. */
import { decodeBase64url } from './base64url';
import { createVerifier, keyPolicyFailure, type Ed25519Verifier } from './ed25519';
import { isPlainObject } from './shape';

export type KeyLookup = { verifier: Ed25519Verifier } | { error: string };

export interface Keyring {
  lookup(kid: string): KeyLookup;
}

const cache = new WeakMap<object, Keyring>();

/** The keyring for a JWKS object; reused while the same object is passed (key tables cost ~5 ms each). */
export function keyringFor(jwks: unknown): Keyring {
  if (typeof jwks !== 'object' || jwks === null) return createKeyring(jwks);
  let keyring = cache.get(jwks);
  if (!keyring) {
    keyring = createKeyring(jwks);
    cache.set(jwks, keyring);
  }
  return keyring;
}

export function createKeyring(jwks: unknown): Keyring {
  const entries = new Map<string, unknown[]>();
  const jwksError = !isPlainObject(jwks) || !Array.isArray(jwks.keys) ? 'the JWKS is not an object with a "keys" array' : null;
  if (!jwksError) {
    for (const jwk of (jwks as { keys: unknown[] }).keys) {
      if (isPlainObject(jwk) && typeof jwk.kid === 'string') entries.set(jwk.kid, [...(entries.get(jwk.kid) ?? []), jwk]);
    }
  }
  const resolved = new Map<string, KeyLookup>();

  return {
    lookup(kid) {
      let found = resolved.get(kid);
      if (!found) {
        found = jwksError ? { error: jwksError } : resolve(kid, entries.get(kid) ?? []);
        resolved.set(kid, found);
      }
      return found;
    },
  };
}

function resolve(kid: string, candidates: unknown[]): KeyLookup {
  if (candidates.length === 0) return { error: `no key with kid '${kid}' in the JWKS` };
  if (candidates.length > 1) return { error: `the JWKS lists kid '${kid}' ${candidates.length} times` };
  const jwk = candidates[0] as Record<string, unknown>;
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') return { error: `JWKS key '${kid}' is not an OKP Ed25519 key` };
  if (jwk.alg !== undefined && jwk.alg !== 'EdDSA') return { error: `JWKS key '${kid}' has alg ${JSON.stringify(jwk.alg)}, expected "EdDSA"` };
  if (jwk.use !== undefined && jwk.use !== 'sig') return { error: `JWKS key '${kid}' has use ${JSON.stringify(jwk.use)}, expected "sig"` };
  if (typeof jwk.x !== 'string') return { error: `JWKS key '${kid}' has no "x" public key` };
  try {
    const publicKey = decodeBase64url(jwk.x);
    const refused = keyPolicyFailure(publicKey);
    if (refused) return { error: `JWKS key '${kid}' is unusable: ${refused}` };
    return { verifier: createVerifier(publicKey) };
  } catch (error) {
    return { error: `JWKS key '${kid}' is unusable: ${(error as Error).message}` };
  }
}
