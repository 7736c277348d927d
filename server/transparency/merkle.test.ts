// RFC 9162 §2.1 proofs checked against the naive recursive reference in testing/naive-log.ts
// (MTH, PATH and PROOF as the RFC defines them), for every tree size up to 300.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { naiveConsistencyRoots, naiveInclusionRoot, NaiveTree } from './testing/naive-log';
import { EMPTY_ROOT, leafHash, receiptLeafHash, verifyConsistency, verifyInclusion } from './merkle';

const MAX = 300;
const tree = new NaiveTree();
for (let i = 0; i < MAX; i++) tree.append(`sha256:${i.toString(16).padStart(64, '0')}`);
const u8 = (b: Buffer) => new Uint8Array(b);
const u8s = (bs: Buffer[]) => bs.map(u8);

describe('Merkle hashing', () => {
  it('hashes leaves and the empty tree as RFC 6962 does', () => {
    expect(Buffer.from(EMPTY_ROOT).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const entry = `sha256:${'0'.repeat(64)}`;
    expect(u8(tree.leaves[0]!)).toEqual(leafHash(new TextEncoder().encode(entry)));
    expect(u8(tree.leaves[0]!)).toEqual(receiptLeafHash(entry));
  });
});

describe('inclusion proofs, every tree size up to 300', () => {
  it('verifies every leaf of every size, and refuses the neighbouring index and size', () => {
    let checked = 0;
    for (let size = 1; size <= MAX; size++) {
      const root = u8(tree.root(size));
      for (let index = 0; index < size; index++) {
        const proof = u8s(tree.inclusion(index, size));
        const leaf = u8(tree.leaves[index]!);
        expect(verifyInclusion(leaf, index, size, proof, root), `index ${index} size ${size}`).toEqual({ ok: true });
        checked++;
        if (size > 1) expect(verifyInclusion(leaf, (index + 1) % size, size, proof, root).ok).toBe(false);
      }
      expect(verifyInclusion(u8(tree.leaves[0]!), size, size, [], root)).toMatchObject({ ok: false, reason: `leaf index ${size} is not below the tree size ${size}` });
    }
    expect(checked).toBe((MAX * (MAX + 1)) / 2);
  });
});

describe('consistency proofs, every pair of sizes up to 300', () => {
  it('verifies every (m, n) with m <= n, and refuses swapped roots', () => {
    for (let n = 1; n <= MAX; n++) {
      const rootN = u8(tree.root(n));
      for (let m = 0; m <= n; m++) {
        const proof = u8s(tree.consistency(m, n));
        const rootM = u8(tree.root(m));
        expect(verifyConsistency(m, n, proof, rootM, rootN), `m ${m} n ${n}`).toEqual({ ok: true });
        if (m > 0 && m < n) expect(verifyConsistency(m, n, proof, rootN, rootM).ok).toBe(false);
      }
    }
  });

  it('names the failure', () => {
    const root = (n: number) => u8(tree.root(n));
    expect(verifyConsistency(5, 4, [], root(5), root(4))).toEqual({ ok: false, reason: 'old size 5 is larger than new size 4' });
    expect(verifyConsistency(4, 4, [], root(4), root(5))).toMatchObject({ ok: false, reason: expect.stringMatching(/^two different roots for size 4/) });
    expect(verifyConsistency(3, 7, [], root(3), root(7))).toEqual({ ok: false, reason: 'the proof from size 3 to 7 is empty' });
    expect(verifyConsistency(0, 7, [root(1)], root(0), root(7))).toMatchObject({ ok: false });
    const proof = u8s(tree.consistency(3, 7));
    expect(verifyConsistency(3, 7, [...proof, root(1)], root(3), root(7))).toMatchObject({ ok: false, reason: expect.stringMatching(/more than sizes 3 → 7 need/) });
    expect(verifyConsistency(3, 7, proof.slice(0, -1), root(3), root(7))).toMatchObject({ ok: false });
    expect(verifyConsistency(3, 7, [proof[0]!.subarray(1)], root(3), root(7))).toEqual({ ok: false, reason: 'proof hash #1 is not 32 bytes' });
  });
});

describe('property: random proofs verify, any mutation fails', () => {
  const sizeAndIndex = fc.integer({ min: 1, max: MAX }).chain((size) => fc.tuple(fc.constant(size), fc.nat({ max: size - 1 })));

  it('inclusion: a flipped bit in any proof hash, the leaf or the root, or a changed index or size, fails', () => {
    fc.assert(
      fc.property(sizeAndIndex, fc.nat(), fc.nat({ max: 255 }), fc.integer({ min: 1, max: MAX }), (([size, index], pick, bit, other) => {
        const proof = u8s(tree.inclusion(index, size));
        const root = u8(tree.root(size));
        const leaf = u8(tree.leaves[index]!);
        expect(verifyInclusion(leaf, index, size, proof, root).ok).toBe(true);
        const flip = (h: Uint8Array) => {
          const c = Uint8Array.from(h);
          c[bit % 32]! ^= 1 << (bit % 8);
          return c;
        };
        if (proof.length > 0) {
          const i = pick % proof.length;
          expect(verifyInclusion(leaf, index, size, proof.map((h, j) => (j === i ? flip(h) : h)), root).ok).toBe(false);
          expect(verifyInclusion(leaf, index, size, proof.filter((_, j) => j !== i), root).ok).toBe(false);
        }
        expect(verifyInclusion(flip(leaf), index, size, proof, root).ok).toBe(false);
        expect(verifyInclusion(leaf, index, size, proof, flip(root)).ok).toBe(false);
        // A changed index or size fails unless the RFC's own recursion reaches the same root with
        // it (sizes whose paths have the same shape): the signed checkpoint binds the size, not the proof.
        const otherIndex = (index + 1 + (pick % size)) % size;
        const buf = (h: Uint8Array[]) => h.map((x) => Buffer.from(x));
        const naiveOk = (i: number, n: number) => naiveInclusionRoot(i, n, Buffer.from(leaf), buf(proof))?.equals(Buffer.from(root)) ?? false;
        if (otherIndex !== index) expect(verifyInclusion(leaf, otherIndex, size, proof, root).ok).toBe(naiveOk(otherIndex, size));
        if (other !== size) expect(verifyInclusion(leaf, index, other, proof, root).ok).toBe(naiveOk(index, other));
        expect(naiveOk(index, size)).toBe(true);
        if (other !== size && tree.inclusion(index, Math.max(other, index + 1)).length !== proof.length) {
          expect(verifyInclusion(leaf, index, other, proof, root).ok).toBe(false);
        }
      })),
      { numRuns: 2000 },
    );
  });

  it('consistency: a flipped bit in any proof hash or either root, or another size, fails', () => {
    const sizes = fc.integer({ min: 2, max: MAX }).chain((n) => fc.tuple(fc.integer({ min: 1, max: n - 1 }), fc.constant(n)));
    fc.assert(
      fc.property(sizes, fc.nat(), fc.nat({ max: 255 }), fc.integer({ min: 1, max: MAX }), ([m, n], pick, bit, other) => {
        const proof = u8s(tree.consistency(m, n));
        const [r1, r2] = [u8(tree.root(m)), u8(tree.root(n))];
        expect(verifyConsistency(m, n, proof, r1, r2).ok).toBe(true);
        const flip = (h: Uint8Array) => {
          const c = Uint8Array.from(h);
          c[bit % 32]! ^= 1 << (bit % 8);
          return c;
        };
        const i = pick % proof.length;
        expect(verifyConsistency(m, n, proof.map((h, j) => (j === i ? flip(h) : h)), r1, r2).ok).toBe(false);
        expect(verifyConsistency(m, n, proof, flip(r1), r2).ok).toBe(false);
        expect(verifyConsistency(m, n, proof, r1, flip(r2)).ok).toBe(false);
        const naiveOk = (a: number, b: number) => {
          const roots = naiveConsistencyRoots(a, b, proof.map((h) => Buffer.from(h)), Buffer.from(r1));
          return roots !== null && roots[0].equals(Buffer.from(r1)) && roots[1].equals(Buffer.from(r2));
        };
        expect(naiveOk(m, n)).toBe(true);
        if (other !== m && other < n) expect(verifyConsistency(other, n, proof, r1, r2).ok).toBe(naiveOk(other, n));
        if (other !== n && other > m) expect(verifyConsistency(m, other, proof, r1, r2).ok).toBe(naiveOk(m, other));
      }),
      { numRuns: 2000 },
    );
  });
});
