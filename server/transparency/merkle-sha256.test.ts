// The fixed-size SHA-256 of the Merkle tree against two independent implementations
// (@noble/hashes and node:crypto) on the same inputs, random and chosen.
import { createHash } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Node, sha256ReceiptLeaf } from './merkle-sha256';
import { leafHash, nodeHash, receiptLeafHash } from './merkle';

const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const nodeCrypto = (bytes: Uint8Array) => new Uint8Array(createHash('sha256').update(bytes).digest());
const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('SHA-256 of a Merkle node (0x01 || left || right)', () => {
  it('equals @noble/hashes and node:crypto on random hashes, call after call', () => {
    fc.assert(
      fc.property(hash32, hash32, (left, right) => {
        const message = concat(Uint8Array.of(1), left, right);
        const fixed = sha256Node(left, right);
        expect(fixed).toEqual(sha256(message));
        expect(fixed).toEqual(nodeCrypto(message));
      }),
      { numRuns: 2_000 },
    );
  });

  it('equals them on all-zero and all-0xff bytes, and on subarrays of a larger buffer', () => {
    for (const byte of [0x00, 0xff]) {
      const h = new Uint8Array(32).fill(byte);
      expect(sha256Node(h, h)).toEqual(sha256(concat(Uint8Array.of(1), h, h)));
    }
    const tile = new Uint8Array(96).map((_, i) => i * 7);
    const [left, right] = [tile.subarray(16, 48), tile.subarray(48, 80)];
    expect(sha256Node(left, right)).toEqual(nodeCrypto(concat(Uint8Array.of(1), left, right)));
  });

  it('nodeHash takes other lengths the generic way', () => {
    const [a, b] = [new Uint8Array(31).fill(3), new Uint8Array(33).fill(4)];
    expect(nodeHash(a, b)).toEqual(sha256(concat(Uint8Array.of(1), a, b)));
  });
});

describe('SHA-256 of a receipt leaf (0x00 || receipt_hash)', () => {
  it('equals @noble/hashes and node:crypto on random receipt hashes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const entry = `sha256:${Buffer.from(bytes).toString('hex')}`;
        const message = concat(Uint8Array.of(0), new TextEncoder().encode(entry));
        const fixed = sha256ReceiptLeaf(entry);
        expect(fixed).toEqual(sha256(message));
        expect(fixed).toEqual(nodeCrypto(message));
      }),
      { numRuns: 2_000 },
    );
  });

  it('takes any 71 ASCII characters, and refuses (null) other lengths and non-ASCII text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), minLength: 71, maxLength: 71 }), (entry) => {
        expect(sha256ReceiptLeaf(entry)).toEqual(sha256(concat(Uint8Array.of(0), new TextEncoder().encode(entry))));
      }),
      { numRuns: 500 },
    );
    const ascii = `sha256:${'a'.repeat(64)}`;
    expect(sha256ReceiptLeaf(ascii.slice(1))).toBeNull();
    expect(sha256ReceiptLeaf(`${ascii}0`)).toBeNull();
    const accented = `sha256:${'é'.repeat(64)}`;
    expect(sha256ReceiptLeaf(accented)).toBeNull();
    // receiptLeafHash falls back to the UTF-8 bytes for such entries.
    expect(receiptLeafHash(accented)).toEqual(leafHash(new TextEncoder().encode(accented)));
    expect(receiptLeafHash(accented)).toEqual(sha256(concat(Uint8Array.of(0), new TextEncoder().encode(accented))));
  });
});
