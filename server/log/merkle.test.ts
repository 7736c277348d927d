// The log's tree, tiles and proofs against an independent naive reference: RFC 6962 §2.1's
// MTH, PATH and PROOF written directly over the list of leaves, with no tiles.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT,
  consistencyProof,
  entryBytes,
  inclusionProof,
  leafHash,
  rootHash,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from './merkle';
import { encodeTileIndex, parseTilePath, tilePath, TileSet, tileWidth, TreeBuilder } from './tiles';

// ---- the reference, from RFC 6962 §2.1 and nothing of ./merkle ----
const H = (...parts: (Uint8Array | number[])[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(Uint8Array.from(p));
  return new Uint8Array(h.digest());
};
const hex = (h: Uint8Array) => Buffer.from(h).toString('hex');

function naive(leaves: Uint8Array[]) {
  const memo = new Map<string, Uint8Array>();
  const k = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
  const mth = (a: number, b: number): Uint8Array => {
    const key = `${a}:${b}`;
    let v = memo.get(key);
    if (!v) {
      if (b - a === 0) v = H([]);
      else if (b - a === 1) v = H([0], leaves[a]!);
      else v = H([1], mth(a, a + k(b - a)), mth(a + k(b - a), b));
      memo.set(key, v);
    }
    return v;
  };
  const path = (m: number, a: number, b: number): Uint8Array[] => {
    if (b - a <= 1) return [];
    const s = k(b - a);
    return m < s ? [...path(m, a, a + s), mth(a + s, b)] : [...path(m - s, a + s, b), mth(a, a + s)];
  };
  const subproof = (m: number, a: number, b: number, whole: boolean): Uint8Array[] => {
    const n = b - a;
    if (m === n) return whole ? [] : [mth(a, b)];
    const s = k(n);
    return m <= s ? [...subproof(m, a, a + s, whole), mth(a + s, b)] : [...subproof(m - s, a + s, b, false), mth(a, a + s)];
  };
  return {
    root: (n: number) => mth(0, n),
    path: (m: number, n: number) => path(m, 0, n),
    proof: (m: number, n: number) => (m === 0 || m === n ? [] : subproof(m, 0, n, true)),
  };
}

const entries = (n: number) => Array.from({ length: n }, (_, i) => entryBytes(`sha256:${createHash('sha256').update(String(i)).digest('hex')}`));

function grow(leaves: Uint8Array[], onSize?: (size: number, tiles: TileSet) => void) {
  const tiles = new TileSet();
  const builder = new TreeBuilder(tiles, 0);
  for (const e of leaves) {
    builder.append(leafHash(e));
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
        expect(verifyInclusion(leafHash(leaves[m]!), m, n, p, root)).toBe(true);
      }
      for (let m = 0; m <= n; m++) {
        const p = consistencyProof(tiles, m, n);
        expect(p.map(hex)).toEqual(ref.proof(m, n).map(hex));
        expect(verifyConsistency(m, n, p, m === 0 ? EMPTY_ROOT : ref.root(m), root)).toBe(true);
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
    expect(tileWidth(0, 272, 70_000)).toBe(256);
    expect(tileWidth(0, 273, 70_000)).toBe(112);
    expect(tileWidth(1, 0, 70_000)).toBe(256);
    expect(tileWidth(1, 1, 70_000)).toBe(17);
    expect(tileWidth(2, 0, 70_000)).toBe(1);
    expect(tileWidth(2, 1, 70_000)).toBe(0);
    expect(tiles.get(0, 273)!.length).toBe(112 * 32);
    expect(tiles.get(1, 1)!.length).toBe(17 * 32);
    expect(tiles.get(2, 0)!.length).toBe(32);
    for (const n of [256, 257, 65_535, 65_536, 65_537, 69_999, 70_000]) {
      expect(hex(rootHash(tiles, n))).toBe(hex(ref.root(n)));
      for (const m of [0, 1, 255, 256, 4097, 65_535, n - 1].filter((m) => m < n)) {
        expect(inclusionProof(tiles, m, n).map(hex)).toEqual(ref.path(m, n).map(hex));
        expect(consistencyProof(tiles, m, n).map(hex)).toEqual(ref.proof(m, n).map(hex));
      }
    }
  }, 120_000);
});

describe('proofs (property)', () => {
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
        const leaf = leafHash(leaves[m]!);
        expect(verifyInclusion(leaf, m, n, proof, root)).toBe(true);
        if (proof.length > 0) expect(verifyInclusion(leaf, m, n, flip(proof, pi % proof.length, bit), root)).toBe(false);
        expect(verifyInclusion(leaf, (m + delta) % n === m ? m + n : (m + delta) % n, n, proof, root)).toBe(false);
        expect(verifyInclusion(flip([leaf], 0, bit)[0]!, m, n, proof, root)).toBe(false);
        // Another size, with that size's root (a size alone changes nothing but the root it needs).
        const otherSize = ((n - 1 + delta) % 3000) + 1;
        if (otherSize !== n) expect(verifyInclusion(leaf, m, otherSize, proof, ref.root(otherSize))).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('consistency proofs verify, and fail with any hash or size changed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 3000 }), fc.nat(), fc.integer({ min: 0, max: 255 }), (a, b, pi, bit) => {
        const [m, n] = a <= b ? [a, b] : [b, a];
        const proof = consistencyProof(tiles, m, n);
        expect(verifyConsistency(m, n, proof, ref.root(m), ref.root(n))).toBe(true);
        if (m === n) return;
        expect(verifyConsistency(m, n, flip(proof, pi % proof.length, bit), ref.root(m), ref.root(n))).toBe(false);
        expect(verifyConsistency(m, n, proof, flip([ref.root(m)], 0, bit)[0]!, ref.root(n))).toBe(false);
        expect(verifyConsistency(m, n, proof, ref.root(m), flip([ref.root(n)], 0, bit)[0]!)).toBe(false);
        if (n < 3000) expect(verifyConsistency(m, n + 1, proof, ref.root(m), ref.root(n + 1))).toBe(false);
        if (m > 1) expect(verifyConsistency(m - 1, n, proof, ref.root(m - 1), ref.root(n))).toBe(false);
      }),
      { numRuns: 400 },
    );
  });
});

describe('tlog-tiles paths', () => {
  it('encode N in 3-digit groups, all but the last prefixed by x', () => {
    expect(encodeTileIndex(0)).toBe('000');
    expect(encodeTileIndex(67)).toBe('067');
    expect(encodeTileIndex(1000)).toBe('x001/000');
    expect(encodeTileIndex(1_234_067)).toBe('x001/x234/067');
    expect(tilePath(0, 1_234_067)).toBe('tile/0/x001/x234/067');
    expect(tilePath(2, 5, 17)).toBe('tile/2/005.p/17');
    expect(tilePath('entries', 1000, 255)).toBe('tile/entries/x001/000.p/255');
    expect(tilePath(1, 3, 256)).toBe('tile/1/003');
  });

  it('parse back exactly what they encode, and nothing else', () => {
    expect(parseTilePath('0/x001/x234/067')).toEqual({ level: 0, index: 1_234_067 });
    expect(parseTilePath('entries/x001/000.p/255')).toEqual({ level: 'entries', index: 1000, width: 255 });
    expect(parseTilePath('63/000.p/1')).toEqual({ level: 63, index: 0, width: 1 });
    for (const bad of ['64/000', '00/000', '01/000', '0/1', '0/0001', '0/x1/000', '0/001/000', '0/x001', '0/000.p/0', '0/000.p/256', '0/000.p/01', '0/000.p', 'x/000', '0/', '0/000.p/1/2', 'entries/abc']) {
      expect(parseTilePath(bad), bad).toBeNull();
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 63 }), fc.nat({ max: 2 ** 40 }), fc.option(fc.integer({ min: 1, max: 255 }), { nil: undefined }), (level, index, width) => {
        const path = tilePath(level, index, width).slice('tile/'.length);
        expect(parseTilePath(path)).toEqual({ level, index, ...(width !== undefined && { width }) });
      }),
    );
  });
});
