import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from './base64url';
import { createSigner, generateSeed, publicJwk } from './node-signer';

ed.hashes.sha512 ??= sha512;
const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

describe('createSigner', () => {
  // RFC 8032 §7.1, TEST 1 and TEST 2.
  it.each([
    {
      seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
      pub: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
      msg: '',
      sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    },
    {
      seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
      pub: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
      msg: '72',
      sig: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
    },
  ])('reproduces the RFC 8032 test vector for public key $pub', ({ seed, pub, msg, sig }) => {
    const signer = createSigner(hex(seed), 'rfc8032');
    expect(decodeBase64url(signer.publicKey)).toEqual(hex(pub));
    expect(decodeBase64url(signer.sign(hex(msg)))).toEqual(hex(sig));
  });

  it('signs byte-for-byte like @noble/ed25519 for the same seed and message', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 200 }), (seed, msg) => {
        const signer = createSigner(seed, 'k');
        expect(signer.sign(msg)).toBe(encodeBase64url(ed.sign(msg, seed)));
        expect(signer.publicKey).toBe(encodeBase64url(ed.getPublicKey(seed)));
      }),
      { numRuns: 100 },
    );
  });

  it('refuses seeds that are not 32 bytes and empty kids', () => {
    expect(() => createSigner(new Uint8Array(31), 'k')).toThrow(/32 bytes, got 31/);
    expect(() => createSigner(new Uint8Array(32), '')).toThrow(/kid/);
  });
});

describe('generateSeed / publicJwk', () => {
  it('generates distinct 32-byte seeds', () => {
    const a = generateSeed();
    expect(a).toHaveLength(32);
    expect(a).not.toEqual(generateSeed());
  });

  it('publishes the SPEC JWK shape', () => {
    const { publicKey } = createSigner(generateSeed(), 'k1');
    expect(publicJwk(publicKey, 'k1')).toEqual({ kty: 'OKP', crv: 'Ed25519', x: publicKey, kid: 'k1', use: 'sig', alg: 'EdDSA' });
  });
});
