/**
 * RFC 9162 §2.1 Merkle tree hashing, proofs and their verification (the RFC 6962 tree): the one
 * implementation the log (server/log), the witness and the verifiers (CLI, auditor page) share.
 * Isomorphic. Verification is total: a proof either verifies or the result says which check
 * failed; nothing throws. Sizes and indexes are JavaScript numbers (exact up to 2^53), so
 * halving is arithmetic, never `>>`.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { encodeBase64 } from './base64';
import { sha256Node, sha256ReceiptLeaf } from './merkle-sha256';

export type Hash = Uint8Array;
export type ProofResult = { ok: true } | { ok: false; reason: string };

export const HASH_SIZE = 32;

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Hash = sha256(new Uint8Array(0));

export function leafHash(entry: Uint8Array): Hash {
  const buf = new Uint8Array(entry.length + 1);
  buf.set(entry, 1);
  return sha256(buf);
}

/** SHA-256(0x01 || left || right); two 32-byte hashes (every node) take the fixed-size path. */
export function nodeHash(left: Hash, right: Hash): Hash {
  if (left.length === HASH_SIZE && right.length === HASH_SIZE) return sha256Node(left, right);
  const buf = new Uint8Array(1 + left.length + right.length);
  buf[0] = 1;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return sha256(buf);
}

/** A Signet log entry: the UTF-8 bytes of a receipt's `receipt_hash` string (SPEC §7). */
export function receiptLeafHash(receiptHash: string): Hash {
  return sha256ReceiptLeaf(receiptHash) ?? leafHash(utf8ToBytes(receiptHash));
}

export function equalHashes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const isCount = (n: number) => Number.isSafeInteger(n) && n >= 0;
const odd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);
const b64 = encodeBase64;

function badHash(proof: readonly Hash[]): string | null {
  const i = proof.findIndex((h) => !(h instanceof Uint8Array) || h.length !== HASH_SIZE);
  return i === -1 ? null : `proof hash #${i + 1} is not ${HASH_SIZE} bytes`;
}

/** RFC 9162 §2.1.3.2: does `proof` place `leaf` at `index` in the tree of `size` leaves with `root`? */
export function verifyInclusion(leaf: Hash, index: number, size: number, proof: readonly Hash[], root: Hash): ProofResult {
  if (!isCount(index) || !isCount(size)) return { ok: false, reason: `leaf index ${index} and tree size ${size} must be non-negative integers` };
  if (index >= size) return { ok: false, reason: `leaf index ${index} is not below the tree size ${size}` };
  const bad = badHash(proof);
  if (bad) return { ok: false, reason: bad };
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return { ok: false, reason: `proof has ${proof.length} hashes, more than a tree of size ${size} needs for index ${index}` };
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return { ok: false, reason: `proof has ${proof.length} hashes, fewer than a tree of size ${size} needs for index ${index}` };
  if (!equalHashes(r, root)) return { ok: false, reason: `proof leads to root ${b64(r)}, not the checkpoint's root ${b64(root)}` };
  return { ok: true };
}

/** RFC 9162 §2.1.4.2: is the tree (`size1`, `root1`) a prefix of (`size2`, `root2`)? */
export function verifyConsistency(size1: number, size2: number, proof: readonly Hash[], root1: Hash, root2: Hash): ProofResult {
  if (!isCount(size1) || !isCount(size2)) return { ok: false, reason: `tree sizes ${size1} and ${size2} must be non-negative integers` };
  if (size1 > size2) return { ok: false, reason: `old size ${size1} is larger than new size ${size2}` };
  const bad = badHash(proof);
  if (bad) return { ok: false, reason: bad };
  if (size1 === size2) {
    if (proof.length !== 0) return { ok: false, reason: `a proof between equal sizes must be empty, got ${proof.length} hashes` };
    return equalHashes(root1, root2) ? { ok: true } : { ok: false, reason: `two different roots for size ${size1}: ${b64(root1)} and ${b64(root2)}` };
  }
  if (size1 === 0) {
    return proof.length === 0 ? { ok: true } : { ok: false, reason: `a proof from the empty tree must be empty, got ${proof.length} hashes` };
  }
  if (proof.length === 0) return { ok: false, reason: `the proof from size ${size1} to ${size2} is empty` };

  // Step 2: when size1 is a power of two, its root is itself the first node of the path.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return { ok: false, reason: `proof has ${proof.length} hashes, more than sizes ${size1} → ${size2} need` };
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return { ok: false, reason: `proof has ${proof.length} hashes, fewer than sizes ${size1} → ${size2} need` };
  if (!equalHashes(fr, root1)) return { ok: false, reason: `proof leads to old root ${b64(fr)}, not ${b64(root1)} (size ${size1})` };
  if (!equalHashes(sr, root2)) return { ok: false, reason: `proof leads to new root ${b64(sr)}, not ${b64(root2)} (size ${size2})` };
  return { ok: true };
}

function isPowerOfTwo(n: number): boolean {
  while (n > 1 && !odd(n)) n = half(n);
  return n === 1;
}

/**
 * The hash of the perfect subtree of height `height` and index `index`, i.e. of the leaves
 * [index·2^height, (index+1)·2^height): proofs are built over such a source (the log's stored
 * tiles), never over the whole leaf list.
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

/**
 * RFC 6962 MTH over leaf hashes given one at a time, in order, in O(log n) memory: the stack of
 * perfect subtrees (a compact range), folded right to left for the root.
 */
export class MerkleAccumulator {
  private readonly stack: { hash: Hash; size: number }[] = [];
  count = 0;

  push(leaf: Hash): void {
    let hash = leaf;
    let size = 1;
    for (let top = this.stack.at(-1); top && top.size === size; top = this.stack.at(-1)) {
      hash = nodeHash(top.hash, hash);
      size *= 2;
      this.stack.pop();
    }
    this.stack.push({ hash, size });
    this.count++;
  }

  root(): Hash {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let hash = this.stack.at(-1)!.hash;
    for (let i = this.stack.length - 2; i >= 0; i--) hash = nodeHash(this.stack[i]!.hash, hash);
    return hash;
  }
}

/** MTH of `count` consecutive hashes of a tile starting at `offset` (count a power of two). */
export function foldTileHashes(tile: Uint8Array, offset: number, count: number): Hash {
  let layer: Hash[] = [];
  for (let i = 0; i < count; i++) layer.push(tile.subarray((offset + i) * HASH_SIZE, (offset + i + 1) * HASH_SIZE));
  while (layer.length > 1) {
    const next: Hash[] = [];
    for (let i = 0; i < layer.length; i += 2) next.push(nodeHash(layer[i]!, layer[i + 1]!));
    layer = next;
  }
  return layer[0]!;
}
