import { describe, expect, it } from 'vitest';
import { QuotaHolds } from './holds';
import { quotaDecision } from './quota';

const LIMIT = 25n;
const decide = (usedWithHolds: bigint) => quotaDecision({ usedThisMonth: usedWithHolds, limit: LIMIT, estimate: 10 });

/** A ledger read the test finishes by hand, returning what the ledger holds by then. */
function deferredRead(ledger: { used: bigint }) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { read: async () => (await done, ledger.used), finish };
}

describe('quota holds', () => {
  it('keep a released hold while a ledger read that began before the release is running', async () => {
    const holds = new QuotaHolds();
    const ledger = { used: 0n };
    const first = await holds.reserve('t', async () => ledger.used, decide);
    expect(first.decision.allowed).toBe(true);

    // A second check reads the ledger before the first repair's usage commits...
    const slow = deferredRead(ledger);
    const second = holds.reserve('t', slow.read, decide);
    // ...the first commits 10 FU and releases its hold...
    ledger.used = 10n;
    first.release();
    expect(holds.heldFor('t')).toBe(10n);
    // ...and the second check's read returns the ledger as it was when it ran (0).
    ledger.used = 0n;
    slow.finish();
    const r = await second;
    // It still counts the first repair (its hold), so 0 + 10 + its own 10 stays under 25.
    expect(r.held).toBe(10n);
    expect(r.decision.allowed).toBe(true);
    // Once no older read runs, the released hold is gone; the second's own hold remains.
    expect(holds.heldFor('t')).toBe(10n);
    r.release();
    expect(holds.heldFor('t')).toBe(0n);
  });

  it('refuse at the limit counting holds, and forget a scope once nothing is held', async () => {
    const holds = new QuotaHolds();
    const a = await holds.reserve('t', async () => 0n, decide);
    const b = await holds.reserve('t', async () => 0n, decide);
    const c = await holds.reserve('t', async () => 0n, decide);
    const d = await holds.reserve('t', async () => 0n, decide);
    expect([a, b, c, d].map((r) => r.decision.allowed)).toEqual([true, true, true, false]);
    expect(d.held).toBe(30n);
    for (const r of [a, b, c, d]) {
      r.release();
      r.release(); // idempotent
    }
    expect(holds.heldFor('t')).toBe(0n);
  });

  it('release a hold at once when no read is in progress', async () => {
    const holds = new QuotaHolds();
    const r = await holds.reserve('k', async () => 5n, decide);
    expect(holds.heldFor('k')).toBe(10n);
    r.release();
    expect(holds.heldFor('k')).toBe(0n);
  });
});
