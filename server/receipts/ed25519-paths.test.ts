// One acceptance rule for Ed25519 on every verification path: the pure-JS verifier (CLI, old
// browsers), WebCrypto (the auditor page's worker) and the keyring in front of both answer as
// Node's crypto.verify (OpenSSL) answers, on Wycheproof's vectors and on crafted cofactor and
// encoding edge cases where Ed25519 implementations are known to disagree.
import { createPublicKey, verify as opensslVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { encodeBase64url } from './base64url';
import { CURVE_ORDER, createVerifier, keyPolicyFailure } from './ed25519';
import { jwksOf, signedBundle, signedChain, testSigner } from './fixtures';
import { createKeyring } from './keyring';
import { verifyBundle } from './verify';
import { NODE_ANSWERS, nativeAgreesWithNode, nativeVerify, verifyBundleNative } from './verify-native';

interface Vector {
  name: string;
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

const hex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const le = (bytes: Uint8Array) => BigInt('0x' + toHex(Uint8Array.from(bytes).reverse()));
const scalarBytes = (n: bigint) => hex(n.toString(16).padStart(64, '0')).reverse();

/** The reference: Node's crypto.verify, a key it cannot import being a "no". */
function node({ publicKey, message, signature }: Vector): boolean {
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: encodeBase64url(publicKey) }, format: 'jwk' });
    return opensslVerify(null, message, key, signature);
  } catch {
    return false;
  }
}

function pure({ publicKey, message, signature }: Vector): boolean {
  try {
    return createVerifier(publicKey).verify(signature, message);
  } catch {
    return false;
  }
}

async function webcrypto({ publicKey, message, signature }: Vector): Promise<boolean> {
  const key = await crypto.subtle.importKey('raw', publicKey as BufferSource, { name: 'Ed25519' }, false, ['verify']);
  return nativeVerify(key, signature, message);
}

const wycheproof = JSON.parse(readFileSync(new URL('./testdata/wycheproof-ed25519_test.json', import.meta.url), 'utf8')) as {
  testGroups: Array<{ publicKey: { pk: string }; tests: Array<{ tcId: number; comment: string; msg: string; sig: string; result: 'valid' | 'invalid' }> }>;
};
const wycheproofVectors = wycheproof.testGroups.flatMap((group) =>
  group.tests.map((t) => ({
    name: `tcId ${t.tcId} ${t.comment}`.trim(),
    publicKey: hex(group.publicKey.pk),
    message: hex(t.msg),
    signature: hex(t.sig),
    valid: t.result === 'valid',
  })),
);

// Crafted with the secret scalar of a fixed key: each vector is valid under some Ed25519
// verifiers and not under others (cofactored vs cofactorless, strict vs lax decoding).
const seed = new Uint8Array(32).fill(0x5e);
const { scalar: a, pointBytes: A } = ed.utils.getExtendedPublicKey(seed);
const { Point } = ed;
/** A point of order 8 (the torsion component a malicious signer adds). */
const T8 = Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');
const challenge = (R: Uint8Array, key: Uint8Array, message: Uint8Array) => le(sha512(Uint8Array.of(...R, ...key, ...message))) % CURVE_ORDER;
const p = 2n ** 255n - 19n;

function signWith(R: Uint8Array, r: bigint, key: Uint8Array, secret: bigint, message: Uint8Array): Uint8Array {
  return Uint8Array.of(...R, ...scalarBytes((r + challenge(R, key, message) * secret) % CURVE_ORDER));
}

function craftedVectors(): Vector[] {
  const vectors: Vector[] = [];
  const msg = (i: number) => new TextEncoder().encode(`edge case ${i}`);
  for (let i = 0; i < 8; i++) {
    const r = 1000n + BigInt(i);
    // R with a small-torsion component under a prime-order key: cofactored verifiers accept.
    const R = Point.BASE.multiply(r).add(T8).toBytes();
    vectors.push({ name: `small-torsion R #${i}`, publicKey: A, message: msg(i), signature: signWith(R, r, A, a, msg(i)) });
    // A mixed-order key A + T8, honestly signed: cofactored verifiers accept, Node only when 8 | k.
    const mixed = Point.fromBytes(A).add(T8).toBytes();
    const honestR = Point.BASE.multiply(r).toBytes();
    vectors.push({ name: `mixed-order key #${i}`, publicKey: mixed, message: msg(i), signature: signWith(honestR, r, mixed, a, msg(i)) });
  }
  // The identity as R with S = k·a, in canonical and two non-canonical encodings.
  const identity = Point.ZERO.toBytes();
  const identityPlusP = scalarBytes(p + 1n);
  const negativeZero = Uint8Array.from(identity, (b, i) => (i === 31 ? b | 0x80 : b));
  for (const [name, R] of Object.entries({ identity, identityPlusP, negativeZero })) {
    vectors.push({ name: `R = ${name}, S = k·a`, publicKey: A, message: msg(99), signature: signWith(R, 0n, A, a, msg(99)) });
  }
  // Small-order keys: R = identity and S = 0 verifies any message under the identity key.
  for (const [name, key] of Object.entries({ identity, identityPlusP, negativeZero, order8: T8.toBytes() })) {
    vectors.push({ name: `small-order key ${name}, S = 0`, publicKey: key, message: msg(7), signature: Uint8Array.of(...identity, ...new Uint8Array(32)) });
  }
  // Non-canonical S (S + L) on a valid signature.
  const good = ed.sign(msg(5), seed);
  vectors.push({ name: 'S + L', publicKey: A, message: msg(5), signature: Uint8Array.of(...good.subarray(0, 32), ...scalarBytes(le(good.subarray(32)) + CURVE_ORDER)) });
  vectors.push({ name: 'valid', publicKey: A, message: msg(5), signature: good });
  return vectors;
}

describe('Ed25519 on every path answers as Node’s crypto.verify', () => {
  it.each(wycheproofVectors)('Wycheproof $name', async (vector) => {
    expect(node(vector)).toBe(vector.valid);
    expect(pure(vector)).toBe(vector.valid);
    expect(await webcrypto(vector)).toBe(vector.valid);
  });

  it.each(craftedVectors())('$name', async (vector) => {
    const expected = node(vector);
    expect(pure(vector)).toBe(expected);
    expect(await webcrypto(vector)).toBe(expected);
  });

  it('crafted vectors include cases a cofactored verifier accepts and Node refuses', () => {
    const cofactoredOnly = craftedVectors().filter((v) => ed.verify(v.signature, v.message, v.publicKey, { zip215: false }) && !node(v));
    expect(cofactoredOnly.map((v) => v.name)).toEqual(expect.arrayContaining(['small-torsion R #0', 'small-torsion R #7']));
  });

  it('holds the native gate’s known answers to Node’s, and this platform passes the gate', async () => {
    for (const v of NODE_ANSWERS) {
      expect(node({ name: v.name, publicKey: hex(v.publicKey), message: hex(v.message), signature: hex(v.signature) }), v.name).toBe(v.valid);
    }
    expect(await nativeAgreesWithNode()).toBe(true);
  });
});

describe('the keyring refuses keys where implementations disagree, on every path', () => {
  it.each([
    ['a small-order key', T8.toBytes(), /small order/],
    ['a mixed-order key', Point.fromBytes(A).add(T8).toBytes(), /torsion/],
    ['a non-canonical encoding (the identity as y = p + 1)', scalarBytes(p + 1n), /canonical/],
  ])('refuses %s', (_name, key, reason) => {
    expect(keyPolicyFailure(key)).toMatch(reason);
    const jwks = { keys: [{ kty: 'OKP', crv: 'Ed25519', kid: 'k', x: encodeBase64url(key) }] };
    expect(createKeyring(jwks).lookup('k')).toEqual({ error: expect.stringMatching(reason) });
  });

  it('accepts Signet’s own keys', () => {
    expect(keyPolicyFailure(A)).toBeNull();
  });
});

describe('a receipt signed with a small-torsion R', () => {
  const signer = testSigner('k1', 0x5e); // seed 0x5e…: the scalar `a` above
  const jwks = jwksOf(signer);
  const bundle = signedBundle(signedChain(3, signer), signer);
  const forged = structuredClone(bundle);
  const message = new TextEncoder().encode(forged.chain[1]!.receipt_hash);
  const R = Point.BASE.multiply(4242n).add(T8).toBytes();
  const forgedSig = signWith(R, 4242n, A, a, message);
  forged.chain[1]!.sig = encodeBase64url(forgedSig);

  it('is refused by the pure-JS and the native bundle verifier alike, naming the hop', async () => {
    expect(opensslVerify(null, message, createPublicKey({ key: { ...jwks.keys[0]! }, format: 'jwk' }), forgedSig)).toBe(false);
    for (const report of [verifyBundle(forged, jwks), await verifyBundleNative(forged, jwks)]) {
      expect(report.valid).toBe(false);
      expect(report.firstFailure).toMatchObject({ index: 1, hop: 2, code: 'SIGNATURE_INVALID' });
    }
  });
});
