// Pure parts of the usage outbox to Stripe: the batch identifier, retry backoff, and how much of
// a batch a reserved-capacity tenant is billed for.
import { createHash } from 'node:crypto';
import type { Meter } from './catalog';

/**
 * The identifier of a billing batch, and of its Stripe meter event:
 *
 *   `<meter>:` + hex(sha256(utf8(sorted receipt hashes joined by "\n")))
 *
 * Hashes are sorted by code unit (plain `Array.prototype.sort`), with no trailing newline. Anyone
 * holding the batch's receipts can recompute it; a resent batch carries the same identifier, so
 * Stripe deduplicates it. The meter prefix keeps a VEx batch and an FU batch covering the same
 * receipts distinct (Stripe identifiers and `billing_batches.identifier` are unique).
 */
export function batchIdentifier(meter: Meter, receiptHashes: readonly string[]): string {
  if (receiptHashes.length === 0) throw new Error('a billing batch needs at least one receipt hash');
  const sorted = [...receiptHashes].sort();
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) throw new Error(`receipt hash ${sorted[i]} appears twice in one batch`);
  }
  return `${meter}:${createHash('sha256').update(sorted.join('\n'), 'utf8').digest('hex')}`;
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
