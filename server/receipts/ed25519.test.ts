import { createPublicKey, verify } from 'node:crypto';
import * as ed from '@noble/ed25519';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURVE_ORDER, createVerifier, keyPolicyFailure } from './ed25519';

// Importing ./ed25519 configures noble's synchronous SHA-512.
const nodeVerify = (sig: Uint8Array, msg: Uint8Array, pub: Uint8Array) =>
  verify(null, msg, createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(pub).toString('base64url') }, format: 'jwk' }), sig);

describe('createVerifier', () => {
  it('uses the prime-subgroup order L', () => {
    expect(ed.Point.BASE.multiply(CURVE_ORDER - 1n).add(ed.Point.BASE).is0()).toBe(true);
  });

  it('accepts exactly what Node’s crypto.verify accepts (valid, tampered, malformed signatures)', () => {
    const tamper = fc.oneof(
      fc.constant('none'),
      fc.constant('message'),
      fc.constant('R'),
      fc.constant('S'),
      fc.constant('S+L'),
      fc.constant('random'),
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 80 }), tamper, fc.nat(31), (seed, msg, how, at) => {
        const pub = ed.getPublicKey(seed);
        let sig: Uint8Array = ed.sign(msg, seed);
        let message = msg;
        if (how === 'message') message = Uint8Array.of(...msg, 1);
        if (how === 'R') sig = Uint8Array.from(sig, (b, i) => (i === at ? b ^ 1 : b));
        if (how === 'S') sig = Uint8Array.from(sig, (b, i) => (i === 32 + at ? b ^ 1 : b));
        if (how === 'S+L') sig = withS(sig, readS(sig) + CURVE_ORDER); // malleated, must be rejected
        if (how === 'random') sig = ed.etc.randomBytes(64);
        const expected = nodeVerify(sig, message, pub);
        expect(createVerifier(pub).verify(sig, message)).toBe(expected);
        if (how === 'none') expect(expected).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('rejects signatures of the wrong length', () => {
    const seed = new Uint8Array(32).fill(7);
    const sig = ed.sign(Uint8Array.of(1), seed);
    expect(createVerifier(ed.getPublicKey(seed)).verify(sig.subarray(0, 63), Uint8Array.of(1))).toBe(false);
  });

  it('refuses public keys it cannot decode', () => {
    expect(() => createVerifier(new Uint8Array(31))).toThrow(/32 bytes/);
    const notOnCurve = new Uint8Array(32);
    notOnCurve[0] = 2; // y = 2 has no x on Ed25519
    expect(() => createVerifier(notOnCurve)).toThrow(/not a point/);
  });

  it('leaves key policy to keyPolicyFailure, with a reason', () => {
    expect(keyPolicyFailure(new Uint8Array(31))).toMatch(/32 bytes/);
    const identity = new Uint8Array(32);
    identity[0] = 1; // encodes the neutral point (0, 1): small order
    expect(keyPolicyFailure(identity)).toMatch(/small order/);
    const notOnCurve = new Uint8Array(32);
    notOnCurve[0] = 2;
    expect(keyPolicyFailure(notOnCurve)).toMatch(/not a point/);
    expect(keyPolicyFailure(ed.getPublicKey(new Uint8Array(32).fill(7)))).toBeNull();
  });
});

function readS(sig: Uint8Array): bigint {
  return BigInt('0x' + ed.etc.bytesToHex(sig.slice(32).reverse()));
}

function withS(sig: Uint8Array, s: bigint): Uint8Array {
  const le = ed.etc.hexToBytes(s.toString(16).padStart(64, '0')).reverse();
  return Uint8Array.of(...sig.subarray(0, 32), ...le);
}
