import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { batchIdentifier, batchRoot, billableUnitsInBatch, nextAttemptDelay } from './outbox';

const h = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

// RFC 6962 §2.1 written out independently: MTH by recursive split at the largest power of two.
const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
function mth(entries: string[]): Buffer {
  if (entries.length === 1) return sha(Buffer.from([0]), Buffer.from(entries[0]!, 'utf8'));
  let k = 1;
  while (k * 2 < entries.length) k *= 2;
  return sha(Buffer.from([1]), mth(entries.slice(0, k)), mth(entries.slice(k)));
}

describe('batchRoot and batchIdentifier', () => {
  it('is the RFC 6962 root over the receipt hashes as log entries, in the order given', () => {
    for (const n of [1, 2, 3, 5, 8, 13, 256, 257]) {
      const hashes = Array.from({ length: n }, (_, i) => h(i + 1));
      expect(batchRoot(hashes)).toBe(mth(hashes).toString('hex'));
    }
    expect(batchRoot([h(1), h(2)])).not.toBe(batchRoot([h(2), h(1)]));
  });

  it('is `<meter>:<hex root>`, distinct per meter, within Stripe\'s 100 characters', () => {
    const root = batchRoot([h(1)]);
    expect(batchIdentifier('vex', root)).toBe(`vex:${root}`);
    expect(batchIdentifier('fu', root)).not.toBe(batchIdentifier('vex', root));
    expect(batchIdentifier('vex', root).length).toBeLessThanOrEqual(100);
    expect(() => batchIdentifier('vex', 'ABC')).toThrow(/64 lowercase hex/);
  });

  it('rejects an empty batch and repeated hashes', () => {
    expect(() => batchRoot([])).toThrow(/at least one/);
    expect(() => batchRoot([h(1), h(1)])).toThrow(/appears twice/);
  });
});

describe('nextAttemptDelay', () => {
  it('doubles from the base with jitter in [half, full]', () => {
    expect(nextAttemptDelay(1, { random: () => 0 })).toBe(500);
    expect(nextAttemptDelay(1, { random: () => 0.999999 })).toBe(1000);
    expect(nextAttemptDelay(4, { random: () => 0 })).toBe(4000);
    expect(nextAttemptDelay(4, { baseMs: 100, random: () => 0.5 })).toBe(600);
  });

  it('never exceeds the cap, however many attempts', () => {
    for (const attempts of [10, 50, 10_000]) {
      const delay = nextAttemptDelay(attempts, { capMs: 60_000 });
      expect(delay).toBeGreaterThanOrEqual(30_000);
      expect(delay).toBeLessThanOrEqual(60_000);
    }
  });

  it('rejects nonsense attempt counts', () => {
    expect(() => nextAttemptDelay(0)).toThrow(/≥ 1/);
    expect(() => nextAttemptDelay(1.5)).toThrow(/≥ 1/);
  });
});

describe('billableUnitsInBatch (reserved capacity sends only overage)', () => {
  it.each<[bigint, bigint, bigint, bigint]>([
    [0n, 10n, 100n, 0n],
    [90n, 10n, 100n, 0n],
    [95n, 10n, 100n, 5n],
    [100n, 10n, 100n, 10n],
    [500n, 1n, 100n, 1n],
    [0n, 10n, 0n, 10n],
  ])('before %s, batch %s, reserved %s → %s billable', (before, batch, reserved, billable) => {
    expect(billableUnitsInBatch(before, batch, reserved)).toBe(billable);
  });

  it('adds up to the period overage whatever the batching', () => {
    const batches = [7n, 30n, 1n, 62n, 400n];
    let before = 0n;
    let sent = 0n;
    for (const units of batches) {
      sent += billableUnitsInBatch(before, units, 100n);
      before += units;
    }
    expect(sent).toBe(before - 100n);
  });

  it('rejects negative input', () => {
    expect(() => billableUnitsInBatch(-1n, 1n, 1n)).toThrow(/negative/);
  });
});
