/**
 * Ed25519 verification for many signatures under one key, isomorphic (browser auditor + CLI).
 *
 * `@noble/ed25519`'s `verify` re-decodes the public key and runs a plain double-and-add for
 * `k·A` on every call (~2 ms here), which puts a 1,000-hop chain at ~2 s. A chain is signed by
 * one or two keys, so this decodes each key once and precomputes a fixed-window table of its
 * multiples; `k·A` then costs at most 64 point additions. The verification equation and every
 * acceptance rule are exactly noble's strict (`zip215: false`, RFC 8032) branch — the tests
 * compare the two on valid, tampered and malformed signatures.
 */
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes } from '@noble/hashes/utils.js';

ed.hashes.sha512 ??= sha512;

type Point = ed.Point;
const { Point } = ed;

/** Order of the prime subgroup (RFC 8032 `L`). */
export const CURVE_ORDER = 0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3edn;

const WINDOW_BITS = 4;
const WINDOW_SIZE = 1 << WINDOW_BITS;
const WINDOWS = Math.ceil(256 / WINDOW_BITS);
const WINDOW_MASK = BigInt(WINDOW_SIZE - 1);
const WINDOW_SHIFT = BigInt(WINDOW_BITS);

export interface Ed25519Verifier {
  readonly publicKey: Uint8Array;
  verify(signature: Uint8Array, message: Uint8Array): boolean;
}

/** Throws if `publicKey` is not a usable Ed25519 public key (wrong length, not on the curve, small order). */
export function createVerifier(publicKey: Uint8Array): Ed25519Verifier {
  if (publicKey.length !== 32) throw new Error(`public key must be 32 bytes, got ${publicKey.length}`);
  let A: Point;
  try {
    A = Point.fromBytes(publicKey, false);
  } catch (error) {
    throw new Error(`public key is not a point on Ed25519: ${(error as Error).message}`);
  }
  if (A.isSmallOrder()) throw new Error('public key has small order');
  const table = precomputeWindows(A);
  const key = Uint8Array.from(publicKey);

  return {
    publicKey: key,
    verify(signature, message) {
      if (signature.length !== 64) return false;
      const r = signature.subarray(0, 32);
      const s = bytesToNumberLE(signature.subarray(32));
      if (s >= CURVE_ORDER) return false;
      let R: Point;
      try {
        R = Point.fromBytes(r, false);
      } catch {
        return false;
      }
      const k = bytesToNumberLE(sha512(concatBytes(r, key, message))) % CURVE_ORDER;
      const sB = s === 0n ? Point.ZERO : Point.BASE.multiply(s, false);
      // Cofactored check [8](R + kA - sB) = 0, as noble does.
      return R.add(multiplyWindowed(table, k)).subtract(sB).clearCofactor().is0();
    },
  };
}

/** table[w][d] = d · 16^w · A */
function precomputeWindows(A: Point): Point[][] {
  const table: Point[][] = [];
  let base = A;
  for (let w = 0; w < WINDOWS; w++) {
    const row: Point[] = [Point.ZERO, base];
    for (let d = 2; d < WINDOW_SIZE; d++) row.push(row[d - 1]!.add(base));
    table.push(row);
    base = row[WINDOW_SIZE - 1]!.add(base);
  }
  return table;
}

function multiplyWindowed(table: Point[][], k: bigint): Point {
  let acc = Point.ZERO;
  for (let w = 0; k > 0n; w++, k >>= WINDOW_SHIFT) {
    const digit = Number(k & WINDOW_MASK);
    if (digit !== 0) acc = acc.add(table[w]![digit]!);
  }
  return acc;
}

function bytesToNumberLE(bytes: Uint8Array): bigint {
  return BigInt('0x' + bytesToHex(Uint8Array.from(bytes).reverse()));
}
