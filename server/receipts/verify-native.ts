/**
 * Bundle verification with the platform's native Ed25519 (WebCrypto: Chromium, Node): every
 * signature is checked natively and concurrently first, then the ordinary synchronous
 * verifier runs with those answers, so reports and rules are exactly verify.ts's. A 1,000-hop
 * bundle then costs hashing plus native verifies instead of 1,000 pure-JS curve operations.
 *
 * Native answers must be Node's answers (ed25519.ts): keys pass the keyring's policy first,
 * signatures whose R is not a canonical point encoding or whose S is not below L are refused
 * without asking, and the platform is asked only after it answered known vectors as Node does
 * (a cofactored implementation would accept a small-torsion R). Otherwise the pure-JS
 * verifier answers.
 */
import { decodeBase64url } from './base64url';
import { isCanonicalSignature } from './ed25519';
import { keyringFor, type Keyring } from './keyring';
import type { BundleReport } from './report';
import { isPlainObject } from './shape';
import { verifyBundle, type VerifyOptions } from './verify';

const hex = (text: string) => Uint8Array.from(text.match(/../g) ?? [], (byte) => parseInt(byte, 16));

/** Known answers of Node's `crypto.verify` (checked against Node in ed25519-paths.test.ts). */
export const NODE_ANSWERS = [
  {
    name: 'RFC 8032 test 1',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    valid: true,
  },
  {
    name: 'small-torsion R under a prime-order key (accepted by cofactored verifiers)',
    publicKey: '8146640f02493af4fbc54fe33388e75dc2c937ae0b7727cc2b2afb1b75199a3e',
    message: '736d616c6c2d746f7273696f6e2052',
    signature: 'c2ecc2af9bfefd06ee0f9cbb9adf4abda71f6a01db3f1a78458754856f6bd5c4141823a9f258095756994dcded069f791cdad20d1538777b433a93f844eeeb0c',
    valid: false,
  },
] as const;

/** The platform's Ed25519 behind the same gate as the bundle verifier: exported for the vector tests. */
export async function nativeVerify(key: CryptoKey, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  if (!isCanonicalSignature(signature)) return false;
  return crypto.subtle.verify({ name: 'Ed25519' }, key, signature as BufferSource, message as BufferSource);
}

let agreement: Promise<boolean> | undefined;

/** Whether this platform's WebCrypto Ed25519 exists and answers the known vectors as Node does. */
export function nativeAgreesWithNode(): Promise<boolean> {
  agreement ??= (async () => {
    if (typeof crypto === 'undefined' || !crypto.subtle) return false;
    try {
      for (const vector of NODE_ANSWERS) {
        const key = await crypto.subtle.importKey('raw', hex(vector.publicKey) as BufferSource, { name: 'Ed25519' }, false, ['verify']);
        if ((await nativeVerify(key, hex(vector.signature), hex(vector.message))) !== vector.valid) return false;
      }
      return true;
    } catch {
      return false; // no Ed25519 in this WebCrypto
    }
  })();
  return agreement;
}

const ascii = new TextDecoder();
// Answers by key and signed message, with the signature bytes they were given for: the
// synchronous verifier hands over decoded bytes, and comparing them costs less than encoding
// them again for a lookup.
const memoKey = (kid: string, message: string) => `${kid}\n${message}`;
type Answer = { signature: Uint8Array; valid: boolean };

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

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

async function importKeys(jwks: unknown, kids: Set<string>): Promise<Map<string, CryptoKey>> {
  const keys = new Map<string, CryptoKey>();
  const list = isPlainObject(jwks) && Array.isArray(jwks.keys) ? jwks.keys : [];
  for (const jwk of list) {
    if (!isPlainObject(jwk) || typeof jwk.kid !== 'string' || !kids.has(jwk.kid) || typeof jwk.x !== 'string' || jwk.crv !== 'Ed25519') continue;
    try {
      const raw = decodeBase64url(jwk.x);
      if (raw.length !== 32) continue;
      keys.set(jwk.kid, await crypto.subtle.importKey('raw', raw as BufferSource, { name: 'Ed25519' }, false, ['verify']));
    } catch {
      // A malformed key is reported by the synchronous verifier.
    }
  }
  return keys;
}

export interface NativeVerifyOptions extends VerifyOptions {
  /** Other work for this thread while the platform checks the signatures (it runs them elsewhere). */
  alongside?: () => Promise<void>;
}

export async function verifyBundleNative(bundle: unknown, jwks: unknown, opts: NativeVerifyOptions = {}): Promise<BundleReport> {
  const { alongside, ...verifyOpts } = opts;
  if (!(await nativeAgreesWithNode())) {
    await alongside?.();
    return verifyBundle(bundle, jwks, verifyOpts);
  }
  const claims = claimsOf(bundle);
  const keys = await importKeys(jwks, new Set(claims.map((c) => c.kid)));

  const answers = new Map<string, Answer[]>();
  const encoder = new TextEncoder();
  const checked = Promise.all(
    claims.map(async ({ kid, sig, message }) => {
      const key = keys.get(kid);
      if (!key) return;
      let signature: Uint8Array;
      try {
        signature = decodeBase64url(sig);
      } catch {
        return; // undecodable: the synchronous verifier reports it
      }
      const valid = await nativeVerify(key, signature, encoder.encode(message));
      const at = memoKey(kid, message);
      answers.set(at, [...(answers.get(at) ?? []), { signature, valid }]);
    }),
  );
  await alongside?.();
  await checked;

  const base = keyringFor(jwks);
  const keyring: Keyring = {
    lookup(kid) {
      const found = base.lookup(kid);
      if (!('verifier' in found)) return found;
      return {
        verifier: {
          ...found.verifier,
          verify: (signature, message) => answers.get(memoKey(kid, ascii.decode(message)))?.find((a) => sameBytes(a.signature, signature))?.valid ?? found.verifier.verify(signature, message),
        },
      };
    },
  };
  return verifyBundle(bundle, jwks, { ...verifyOpts, keyring });
}
