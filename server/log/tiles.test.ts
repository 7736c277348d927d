// Proofs built from the log's tiles against the independent naive reference of
// transparency/testing/naive-log.ts (RFC 6962 §2.1's MTH, PATH and PROOF over the list of
// leaves, node:crypto, no tiles): every tree size up to 300, several tile levels, and random
// sizes and indexes (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, consistencyProof, inclusionProof, receiptLeafHash, rootHash, verifyConsistency, verifyInclusion, type Hash } from '../transparency/merkle';
import { NaiveTree } from '../transparency/testing/naive-log';
import { rightEdgeTiles, tileKey, TileSet, TreeBuilder } from './tiles';

const hex = (h: Uint8Array) => Buffer.from(h).toString('hex');

function naive(leaves: string[]) {
  const tree = new NaiveTree();
  for (const e of leaves) tree.append(e);
  return { root: (n: number) => new Uint8Array(tree.root(n)), path: (m: number, n: number) => tree.inclusion(m, n), proof: (m: number, n: number) => tree.consistency(m, n) };
}

const entries = (n: number) => Array.from({ length: n }, (_, i) => `sha256:${i.toString(16).padStart(64, '0')}`);

function grow(leaves: string[], onSize?: (size: number, tiles: TileSet) => void) {
  const tiles = new TileSet();
  const builder = new TreeBuilder(tiles, 0);
  for (const e of leaves) {
    builder.append(receiptLeafHash(e));
    onSize?.(builder.size, tiles);
  }
  return tiles;
}

describe('RFC 9162 proofs from tiles', () => {
  it('match the naive reference for every tree size up to 300, every leaf and every older size', () => {
    const leaves = entries(300);
    const ref = naive(leaves);
    expect(hex(rootHash(new TileSet(), 0))).toBe(hex(EMPTY_ROOT));
    expect(hex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    let checked = 0;
    grow(leaves, (n, tiles) => {
      const root = rootHash(tiles, n);
      expect(hex(root)).toBe(hex(ref.root(n)));
      for (let m = 0; m < n; m++) {
        const p = inclusionProof(tiles, m, n);
        expect(p.map(hex)).toEqual(ref.path(m, n).map(hex));
        expect(verifyInclusion(receiptLeafHash(leaves[m]!), m, n, p, root).ok).toBe(true);
      }
      for (let m = 0; m <= n; m++) {
        const p = consistencyProof(tiles, m, n);
        expect(p.map(hex)).toEqual(ref.proof(m, n).map(hex));
        expect(verifyConsistency(m, n, p, m === 0 ? EMPTY_ROOT : ref.root(m), root).ok).toBe(true);
        checked++;
      }
    });
    expect(checked).toBe((300 * 303) / 2);
  }, 120_000);

  it('cover several tile levels: the 70,000-leaf tree of tlog-tiles, spot-checked', () => {
    const leaves = entries(70_000);
    const ref = naive(leaves);
    const tiles = grow(leaves);
    // "273 full level 0 tiles, one partial level 0 tile of width 112, one full level 1 tile,
    // one partial level 1 tile of width 17, and one partial level 2 tile of width 1."
    expect(tiles.get(0, 272)!.length).toBe(256 * 32);
    expect(tiles.get(0, 273)!.length).toBe(112 * 32);
    expect(tiles.get(1, 1)!.length).toBe(17 * 32);
    expect(tiles.get(2, 0)!.length).toBe(32);
    expect(tiles.get(2, 1)).toBeUndefined();
    for (const n of [256, 257, 65_535, 65_536, 65_537, 69_999, 70_000]) {
      expect(hex(rootHash(tiles, n))).toBe(hex(ref.root(n)));
      for (const m of [0, 1, 255, 256, 4097, 65_535, n - 1].filter((m) => m < n)) {
        expect(inclusionProof(tiles, m, n).map(hex)).toEqual(ref.path(m, n).map(hex));
        expect(consistencyProof(tiles, m, n).map(hex)).toEqual(ref.proof(m, n).map(hex));
      }
    }
  }, 120_000);
});

describe('proofs from tiles (property: random sizes and indexes)', () => {
  const leaves = entries(3000);
  const tiles = grow(leaves);
  const ref = naive(leaves);
  const flip = (hs: Hash[], i: number, bit: number) => hs.map((h, j) => (j === i ? h.map((b, x) => (x === bit >> 3 ? b ^ (1 << (bit & 7)) : b)) : h));

  it('inclusion proofs verify, and fail with any hash, index or size changed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 3000 }), (n, mi, pi, bit, delta) => {
        const m = mi % n;
        const root = ref.root(n);
        const proof = inclusionProof(tiles, m, n);
        const leaf = receiptLeafHash(leaves[m]!);
        expect(verifyInclusion(leaf, m, n, proof, root).ok).toBe(true);
        if (proof.length > 0) expect(verifyInclusion(leaf, m, n, flip(proof, pi % proof.length, bit), root).ok).toBe(false);
        expect(verifyInclusion(leaf, (m + delta) % n === m ? m + n : (m + delta) % n, n, proof, root).ok).toBe(false);
        expect(verifyInclusion(flip([leaf], 0, bit)[0]!, m, n, proof, root).ok).toBe(false);
        // Another size, with that size's root (a size alone changes nothing but the root it needs).
        const otherSize = ((n - 1 + delta) % 3000) + 1;
        if (otherSize !== n) expect(verifyInclusion(leaf, m, otherSize, proof, ref.root(otherSize)).ok).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('consistency proofs verify, and fail with any hash or size changed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 3000 }), fc.nat(), fc.integer({ min: 0, max: 255 }), (a, b, pi, bit) => {
        const [m, n] = a <= b ? [a, b] : [b, a];
        const proof = consistencyProof(tiles, m, n);
        expect(verifyConsistency(m, n, proof, ref.root(m), ref.root(n)).ok).toBe(true);
        if (m === n) return;
        expect(verifyConsistency(m, n, flip(proof, pi % proof.length, bit), ref.root(m), ref.root(n)).ok).toBe(false);
        expect(verifyConsistency(m, n, proof, flip([ref.root(m)], 0, bit)[0]!, ref.root(n)).ok).toBe(false);
        expect(verifyConsistency(m, n, proof, ref.root(m), flip([ref.root(n)], 0, bit)[0]!).ok).toBe(false);
        if (n < 3000) expect(verifyConsistency(m, n + 1, proof, ref.root(m), ref.root(n + 1)).ok).toBe(false);
        if (m > 1) expect(verifyConsistency(m - 1, n, proof, ref.root(m - 1), ref.root(n)).ok).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps folded nodes across batches while the tiles left of the right edge are dropped, as the sequencer does', () => {
    const leaves = entries(5_000);
    const ref = naive(leaves);
    const tiles = new TileSet();
    const builder = new TreeBuilder(tiles, 0);
    let last = 0;
    while (builder.size < leaves.length) {
      for (const e of leaves.slice(builder.size, builder.size + 97)) builder.append(receiptLeafHash(e));
      const n = builder.size;
      const root = rootHash(tiles, n);
      expect(hex(root)).toBe(hex(ref.root(n)));
      expect(verifyConsistency(last, n, consistencyProof(tiles, last, n), last === 0 ? EMPTY_ROOT : ref.root(last), root).ok).toBe(true);
      const keep = new Set(rightEdgeTiles(n).map((t) => tileKey(t.level, t.index)));
      for (const key of [...tiles.tiles.keys()]) if (!keep.has(key)) tiles.delete(key);
      last = n;
    }
  });
});
