import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { batchIdentifier, billableUnitsInBatch, nextAttemptDelay } from './outbox';

const h = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

describe('batchIdentifier', () => {
  it('is the meter and sha256 over the sorted hashes joined by newlines', () => {
    const expected = createHash('sha256').update(`${h(1)}\n${h(2)}\n${h(3)}`).digest('hex');
    expect(batchIdentifier('vex', [h(3), h(1), h(2)])).toBe(`vex:${expected}`);
    expect(batchIdentifier('vex', [h(1), h(2), h(3)])).toBe(batchIdentifier('vex', [h(2), h(3), h(1)]));
  });

  it('differs per meter and per receipt set, and fits a Stripe identifier', () => {
    const vex = batchIdentifier('vex', [h(1)]);
    expect(batchIdentifier('fu', [h(1)])).not.toBe(vex);
    expect(batchIdentifier('vex', [h(1), h(2)])).not.toBe(vex);
    expect(vex.length).toBeLessThanOrEqual(100);
  });

  it('rejects an empty batch and repeated hashes', () => {
    expect(() => batchIdentifier('vex', [])).toThrow(/at least one/);
    expect(() => batchIdentifier('vex', [h(1), h(1)])).toThrow(/appears twice/);
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
