// Pure parts of the usage outbox to Stripe: the batch identifier, retry backoff, and how much of
// a batch a reserved-capacity tenant is billed for.
import { bytesToHex } from '@noble/hashes/utils.js';
import { MerkleAccumulator, receiptLeafHash } from '../transparency/merkle';
import type { Meter } from './catalog';

/**
 * The root that names a billing batch (SPEC §8): the RFC 6962 Merkle root, as hex, over the
 * receipt hashes it counted taken as log entries (SPEC §7), in leaf-index order. Anyone holding
 * the batch's receipts and their leaf indexes can recompute it, and an inclusion proof of each
 * receipt in the log shows the batch counts only published receipts.
 */
export function batchRoot(receiptHashesInLeafOrder: readonly string[]): string {
  if (receiptHashesInLeafOrder.length === 0) throw new Error('a billing batch needs at least one receipt hash');
  const seen = new Set<string>();
  const tree = new MerkleAccumulator();
  for (const hash of receiptHashesInLeafOrder) {
    if (seen.has(hash)) throw new Error(`receipt hash ${hash} appears twice in one batch`);
    seen.add(hash);
    tree.push(receiptLeafHash(hash));
  }
  return bytesToHex(tree.root());
}

/**
 * A batch's identifier, and its Stripe meter event's: `<meter>:<hex root>` (68 characters;
 * Stripe allows 100). A resent batch carries the same identifier, so Stripe deduplicates it; the
 * meter prefix keeps a VEx batch and an FU batch over the same receipts distinct.
 */
export function batchIdentifier(meter: Meter, rootHex: string): string {
  if (!/^[0-9a-f]{64}$/.test(rootHex)) throw new Error(`a batch root is 64 lowercase hex digits, got "${rootHex}"`);
  return `${meter}:${rootHex}`;
}

export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  /** Returns a number in [0, 1); injectable for tests. */
  random?: () => number;
}

/**
 * Delay before the next attempt after `attempts` failed ones (≥ 1): exponential from `baseMs`,
 * capped at `capMs`, with "equal jitter" (uniform in [half, full] of that) so retries of many
 * batches spread out without ever collapsing to zero.
 */
export function nextAttemptDelay(attempts: number, options: BackoffOptions = {}): number {
  const { baseMs = 1_000, capMs = 5 * 60_000, random = Math.random } = options;
  if (!Number.isInteger(attempts) || attempts < 1) throw new Error(`attempts must be an integer ≥ 1, got ${attempts}`);
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempts - 1, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Units of a batch a reserved-capacity tenant is billed for: only what lies beyond the reserved
 * units. `before` is the period's usage before the batch, `batchUnits` the batch's own units.
 */
export function billableUnitsInBatch(before: bigint, batchUnits: bigint, reserved: bigint): bigint {
  if (before < 0n || batchUnits < 0n || reserved < 0n) throw new Error('usage and reserved units must not be negative');
  const over = (used: bigint) => (used > reserved ? used - reserved : 0n);
  return over(before + batchUnits) - over(before);
}
