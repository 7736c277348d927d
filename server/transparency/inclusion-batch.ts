/**
 * Many inclusion proofs against one tree head, each checked in full, without hashing twice what
 * an earlier proof already proved. The proofs of a trace's hops share most of their path (its
 * leaves sit close together), so a 1,000-hop bundle needs a few thousand hashes instead of
 * 1,000 × log2(size). Every hash a verified proof used or computed is the hash of its subtree
 * in this tree (else the proof would not have led to the root); a later proof that computes the
 * same hash for the same subtree, and whose remaining hashes are byte for byte the ones already
 * proven above it, leads to the same root, and is accepted without hashing further. Anything
 * else (a mismatch, a length error, a bad index) is decided by verifyInclusion itself, so the
 * result and its reason are always verifyInclusion's.
 */
import { equalHashes, HASH_SIZE, nodeHash, verifyInclusion, type Hash, type ProofResult } from './merkle';

/** The largest power of two strictly below n (n > 1). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

interface Step {
  /** The subtree the proof's hash at this step stands for. */
  sibling: string;
  /** The subtree that hash and the node below make. */
  parent: string;
  /** Whether the proof's hash is the left one. */
  siblingLeft: boolean;
}

/** RFC 9162's decomposition of the path from leaf `index` to the root, bottom-up. */
function pathOf(index: number, size: number): Step[] {
  const steps: Step[] = [];
  let [start, end, m] = [0, size, index];
  while (end - start > 1) {
    const k = splitPoint(end - start);
    const parent = `${start}-${end}`;
    if (m < k) {
      steps.push({ sibling: `${start + k}-${end}`, parent, siblingLeft: false });
      end = start + k;
    } else {
      steps.push({ sibling: `${start}-${start + k}`, parent, siblingLeft: true });
      start += k;
      m -= k;
    }
  }
  return steps.reverse();
}

export class InclusionVerifier {
  /** Subtree (`start-end`) → its hash, proven by a verified proof. */
  private readonly proven = new Map<string, Hash>();

  constructor(
    private readonly size: number,
    private readonly root: Hash,
  ) {}

  verify(leaf: Hash, index: number, proof: readonly Hash[]): ProofResult {
    const size = this.size;
    const valid = Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size;
    if (!valid || leaf.length !== HASH_SIZE || proof.some((h) => !(h instanceof Uint8Array) || h.length !== HASH_SIZE)) return verifyInclusion(leaf, index, size, proof, this.root);
    const steps = pathOf(index, size);
    if (steps.length !== proof.length) return verifyInclusion(leaf, index, size, proof, this.root);
    const computed: [string, Hash][] = [[`${index}-${index + 1}`, leaf]];
    let node = leaf;
    for (const [i, step] of steps.entries()) {
      const sibling = proof[i]!;
      node = step.siblingLeft ? nodeHash(sibling, node) : nodeHash(node, sibling);
      computed.push([step.sibling, sibling], [step.parent, node]);
      const known = this.proven.get(step.parent);
      if (known && equalHashes(known, node)) {
        // The rest of the path was proven: the rest of this proof must be exactly it.
        const rest = steps.slice(i + 1);
        const same = rest.every((s, j) => {
          const p = this.proven.get(s.sibling);
          return p !== undefined && equalHashes(p, proof[i + 1 + j]!);
        });
        if (!same) return verifyInclusion(leaf, index, size, proof, this.root);
        this.remember(computed);
        return { ok: true };
      }
    }
    if (steps.length === 0 ? !equalHashes(leaf, this.root) : !equalHashes(node, this.root)) return verifyInclusion(leaf, index, size, proof, this.root);
    this.remember(computed);
    return { ok: true };
  }

  private remember(hashes: [string, Hash][]) {
    for (const [key, hash] of hashes) this.proven.set(key, hash);
  }
}
