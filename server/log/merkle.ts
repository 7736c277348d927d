// RFC 6962 / RFC 9162 Merkle tree hashing and proofs (SPEC §7). Proofs are built over any
// source of perfect-subtree hashes (the stored tiles), never over the whole leaf list.
import { createHash } from 'node:crypto';

export type Hash = Uint8Array;

export const HASH_SIZE = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export function sha256(...parts: Uint8Array[]): Hash {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** The hash of the empty tree: SHA-256 of the empty string. */
export const EMPTY_ROOT = sha256();

export function leafHash(entry: Uint8Array): Hash {
  return sha256(LEAF_PREFIX, entry);
}

export function nodeHash(left: Hash, right: Hash): Hash {
  return sha256(NODE_PREFIX, left, right);
}

/** The log's entry for a receipt: the UTF-8 bytes of its receipt_hash string. */
export function entryBytes(receiptHash: string): Uint8Array {
  return new Uint8Array(Buffer.from(receiptHash, 'utf8'));
}

/**
 * The hash of the perfect subtree of height `height` and index `index`, i.e. of the leaves
 * [index·2^height, (index+1)·2^height).
 */
export interface NodeSource {
  node(height: number, index: number): Hash;
}

/** The largest power of two strictly below n (n > 1). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && Math.log2(n) % 1 === 0;
}

/** MTH(D[start:end]) for 0 ≤ start < end, split as RFC 6962 splits. */
export function rangeHash(src: NodeSource, start: number, end: number): Hash {
  const n = end - start;
  if (isPowerOfTwo(n) && start % n === 0) return src.node(Math.log2(n), start / n);
  const k = splitPoint(n);
  return nodeHash(rangeHash(src, start, start + k), rangeHash(src, start + k, end));
}

export function rootHash(src: NodeSource, size: number): Hash {
  return size === 0 ? EMPTY_ROOT : rangeHash(src, 0, size);
}

/** RFC 9162 §2.1.3.1: the inclusion proof of leaf `index` in the tree of `size` leaves. */
export function inclusionProof(src: NodeSource, index: number, size: number): Hash[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of size ${size}`);
  const path: Hash[] = [];
  const walk = (m: number, start: number, end: number) => {
    const n = end - start;
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      walk(m, start, start + k);
      path.push(rangeHash(src, start + k, end));
    } else {
      walk(m - k, start + k, end);
      path.push(rangeHash(src, start, start + k));
    }
  };
  walk(index, 0, size);
  return path;
}

/** RFC 9162 §2.1.4.1: the consistency proof from the tree of `from` leaves to the tree of `to`. */
export function consistencyProof(src: NodeSource, from: number, to: number): Hash[] {
  if (!(from >= 0 && from <= to)) throw new RangeError(`no consistency proof from ${from} to ${to}`);
  if (from === 0 || from === to) return [];
  const proof: Hash[] = [];
  const sub = (m: number, start: number, end: number, complete: boolean) => {
    const n = end - start;
    if (m === n) {
      if (!complete) proof.push(rangeHash(src, start, end));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      sub(m, start, start + k, complete);
      proof.push(rangeHash(src, start + k, end));
    } else {
      sub(m - k, start + k, end, false);
      proof.push(rangeHash(src, start, start + k));
    }
  };
  sub(from, 0, to, true);
  return proof;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}

/** RFC 9162 §2.1.3.2. */
export function verifyInclusion(leaf: Hash, index: number, size: number, proof: Hash[], root: Hash): boolean {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

/** RFC 9162 §2.1.4.2. */
export function verifyConsistency(from: number, to: number, proof: Hash[], fromRoot: Hash, toRoot: Hash): boolean {
  if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && from >= 0 && from <= to)) return false;
  if (from === to) return proof.length === 0 && equal(fromRoot, toRoot);
  if (from === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(from) ? [fromRoot, ...proof] : proof;
  let fn = from - 1;
  let sn = to - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(fr, fromRoot) && equal(sr, toRoot);
}
