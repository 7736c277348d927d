/**
 * Ed25519 verification for many signatures under one key, isomorphic (browser auditor + CLI).
 *
 * One acceptance rule on every path: a signature is valid exactly when Node's `crypto.verify`
 * (OpenSSL) says so. That is the cofactorless RFC 8032 check: `S < L`, then `[S]B - [k]A`
 * encoded must equal the signature's `R` bytes. noble's own `verify` multiplies by the cofactor
 * (`zip215: false` included), so a signer who puts a small-torsion component into `R`, or uses a
 * key with one, gets signatures that noble accepts and OpenSSL, BoringSSL and WebCrypto refuse;
 * here they are refused too. Public keys decode as OpenSSL decodes them (y taken mod p, the
 * x = 0 sign bit ignored); which keys a JWKS may use at all is the keyring's rule
 * (`keyPolicyFailure`), the same on every path.
 *
 * Speed: noble's `verify` re-decodes the key and runs a plain double-and-add for `k·A` on every
 * call (~2 ms here), which puts a 1,000-hop chain at ~2 s. A chain is signed by one or two keys,
 * so this decodes each key once and precomputes a fixed-window table of its multiples; `k·A`
 * then costs at most 64 point additions.
 */
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes } from '@noble/hashes/utils.js';

ed.hashes.sha512 ??= sha512;

type Point = ed.Point;
const { Point } = ed;

/** Order of the prime subgroup (RFC 8032 `L`). */
export const CURVE_ORDER = 0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3edn;
const FIELD_PRIME = 2n ** 255n - 19n;
const Y_MASK = 2n ** 255n - 1n;

const WINDOW_BITS = 4;
const WINDOW_SIZE = 1 << WINDOW_BITS;
const WINDOWS = Math.ceil(256 / WINDOW_BITS);
const WINDOW_MASK = BigInt(WINDOW_SIZE - 1);
const WINDOW_SHIFT = BigInt(WINDOW_BITS);

export interface Ed25519Verifier {
  readonly publicKey: Uint8Array;
  verify(signature: Uint8Array, message: Uint8Array): boolean;
}

/** Throws if `publicKey` is not 32 bytes or not a point on the curve (OpenSSL refuses those too). */
export function createVerifier(publicKey: Uint8Array): Ed25519Verifier {
  if (publicKey.length !== 32) throw new Error(`public key must be 32 bytes, got ${publicKey.length}`);
  const A = decodePoint(publicKey);
  const table = precomputeWindows(A);
  const key = Uint8Array.from(publicKey);

  return {
    publicKey: key,
    verify(signature, message) {
      if (signature.length !== 64) return false;
      const r = signature.subarray(0, 32);
      const s = bytesToNumberLE(signature.subarray(32));
      if (s >= CURVE_ORDER) return false;
      const k = bytesToNumberLE(sha512(concatBytes(r, key, message))) % CURVE_ORDER;
      const sB = s === 0n ? Point.ZERO : Point.BASE.multiply(s, false);
      // Cofactorless, and R compared as bytes: a non-canonical R encoding never matches.
      return bytesEqual(sB.subtract(multiplyWindowed(table, k)).toBytes(), r);
    },
  };
}

/** One signature, one key: the same rule as `createVerifier`, for callers without a keyring. */
export function verifyEd25519(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return createVerifier(publicKey).verify(signature, message);
  } catch {
    return false;
  }
}

/**
 * Why a public key may not verify Signet signatures, or null. Signet's keys are the canonical
 * encoding of a point of prime order; anything else is refused on every path before a signature
 * is looked at (a small-order key "signs" any message; a torsion component or a non-canonical
 * encoding is where Ed25519 implementations disagree).
 */
export function keyPolicyFailure(publicKey: Uint8Array): string | null {
  if (publicKey.length !== 32) return `public key must be 32 bytes, got ${publicKey.length}`;
  let A: Point;
  try {
    A = decodePoint(publicKey);
  } catch (error) {
    return (error as Error).message;
  }
  if (!bytesEqual(A.toBytes(), publicKey)) return 'public key is not the canonical encoding of its point';
  if (A.isSmallOrder()) return 'public key has small order';
  if (!A.isTorsionFree()) return 'public key has a small-order (torsion) component';
  return null;
}

/**
 * True when `R` (the first 32 bytes of a 64-byte signature) is a canonical point encoding and
 * `S < L`: a signature failing this is refused by OpenSSL whatever the key and message (it
 * compares `R` with a canonical encoding), so a native verifier is only asked about signatures
 * that pass. Byte checks only: this runs once per receipt before each native verify.
 */
export function isCanonicalSignature(signature: Uint8Array): boolean {
  if (signature.length !== 64 || bytesToNumberLE(signature.subarray(32)) >= CURVE_ORDER) return false;
  const y = bytesToNumberLE(signature.subarray(0, 32)) & Y_MASK;
  const xIsNegative = (signature[31]! & 0x80) !== 0;
  // y >= p is a second encoding of y - p; x = 0 (y = ±1) has no negative x.
  return y < FIELD_PRIME && !(xIsNegative && (y === 1n || y === FIELD_PRIME - 1n));
}

function decodePoint(bytes: Uint8Array): Point {
  try {
    // zip215 decoding = OpenSSL's: y is reduced mod p and x = 0 with the sign bit set is accepted.
    return Point.fromBytes(bytes, true);
  } catch (error) {
    throw new Error(`public key is not a point on Ed25519: ${(error as Error).message}`);
  }
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

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function bytesToNumberLE(bytes: Uint8Array): bigint {
  return BigInt('0x' + bytesToHex(Uint8Array.from(bytes).reverse()));
}
