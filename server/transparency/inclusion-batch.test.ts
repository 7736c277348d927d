// The batch verifier must answer exactly as verifyInclusion does, proof by proof, whatever was
// verified before it: its shortcut (stop hashing where an earlier proof proved the rest) is
// checked against the plain verifier on valid proofs and on every kind of tampering, late in a
// batch, when most of each path is already proven.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NaiveTree } from './testing/naive-log';
import { InclusionVerifier } from './inclusion-batch';
import { verifyInclusion } from './merkle';

const MAX = 300;
const tree = new NaiveTree();
for (let i = 0; i < MAX; i++) tree.append(`sha256:${i.toString(16).padStart(64, '0')}`);
const u8 = (b: Buffer) => new Uint8Array(b);

type Tamper = { kind: 'none' } | { kind: 'hash'; at: number; byte: number } | { kind: 'index'; by: number } | { kind: 'drop' } | { kind: 'extra' } | { kind: 'leaf' };

function tampered(index: number, size: number, t: Tamper) {
  let proof = tree.inclusion(index, size).map(u8);
  let leaf = u8(tree.leaves[index]!);
  let at = index;
  if (t.kind === 'hash' && proof.length > 0) {
    proof = proof.map((h) => h.slice());
    proof[t.at % proof.length]![t.byte % 32]! ^= 1;
  }
  if (t.kind === 'index') at = index + t.by;
  if (t.kind === 'drop') proof = proof.slice(0, -1);
  if (t.kind === 'extra') proof = [...proof, u8(tree.leaves[0]!)];
  if (t.kind === 'leaf') leaf = u8(tree.leaves[(index + 1) % MAX]!);
  return { leaf, at, proof };
}

describe('InclusionVerifier', () => {
  it('accepts every leaf of every size up to 100 (and a few larger), in any order, and refuses each tampered proof as verifyInclusion does', () => {
    let shortcuts = 0;
    for (const size of [...Array.from({ length: 100 }, (_, i) => i + 1), 255, 256, 257, MAX]) {
      const root = u8(tree.root(size));
      const batch = new InclusionVerifier(size, root);
      // Scattered order: later proofs meet paths proven from both sides.
      const order = Array.from({ length: size }, (_, i) => (i * 7919) % size);
      for (const index of new Set(order)) {
        for (const t of [{ kind: 'hash', at: size + index, byte: index }, { kind: 'leaf' }, { kind: 'drop' }] as Tamper[]) {
          const { leaf, at, proof } = tampered(index, size, t);
          expect(batch.verify(leaf, at, proof), `${t.kind} index ${index} size ${size}`).toEqual(verifyInclusion(leaf, at, size, proof, root));
        }
        const { leaf, proof } = tampered(index, size, { kind: 'none' });
        expect(batch.verify(leaf, index, proof)).toEqual({ ok: true });
        shortcuts += proof.length > 1 ? 1 : 0;
      }
    }
    expect(shortcuts).toBeGreaterThan(5_000);
  });

  it('answers as verifyInclusion for random batches of valid and tampered proofs', () => {
    const tamper: fc.Arbitrary<Tamper> = fc.oneof(
      fc.constant({ kind: 'none' as const }),
      fc.record({ kind: fc.constant('hash' as const), at: fc.nat(20), byte: fc.nat(31) }),
      fc.record({ kind: fc.constant('index' as const), by: fc.integer({ min: -3, max: 3 }) }),
      fc.constant({ kind: 'drop' as const }),
      fc.constant({ kind: 'extra' as const }),
      fc.constant({ kind: 'leaf' as const }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX }), fc.array(fc.tuple(fc.nat(), tamper), { minLength: 1, maxLength: 60 }), (size, items) => {
        const root = u8(tree.root(size));
        const batch = new InclusionVerifier(size, root);
        for (const [n, t] of items) {
          const { leaf, at, proof } = tampered(n % size, size, t);
          expect(batch.verify(leaf, at, proof)).toEqual(verifyInclusion(leaf, at, size, proof, root));
        }
      }),
      { numRuns: 300 },
    );
  });
});
