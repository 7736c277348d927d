import { describe, expect, it } from 'vitest';
import { initialMessages } from './prompt';
import { approxTokens, estimateTokens, quotaDecision, utcMonth } from './quota';

const schema = { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] };

describe('quotaDecision', () => {
  it('refuses when the limit is exactly reached, with the figures', () => {
    expect(quotaDecision({ usedThisMonth: 1000n, limit: 1000n, estimate: 1 })).toEqual({ allowed: false, current: 1000n, limit: 1000n });
  });

  it('refuses past the limit', () => {
    expect(quotaDecision({ usedThisMonth: 1001n, limit: 1000n, estimate: 0 })).toMatchObject({ allowed: false, current: 1001n });
  });

  it('allows one token below the limit and reserves the estimate', () => {
    expect(quotaDecision({ usedThisMonth: 999n, limit: 1000n, estimate: 700 })).toEqual({ allowed: true, reserve: 700n });
  });

  it('treats a null limit as unlimited', () => {
    expect(quotaDecision({ usedThisMonth: 10n ** 15n, limit: null, estimate: 5 })).toEqual({ allowed: true, reserve: 5n });
  });

  it('a zero limit refuses everything', () => {
    expect(quotaDecision({ usedThisMonth: 0n, limit: 0n, estimate: 1 }).allowed).toBe(false);
  });

  it('rejects nonsense figures', () => {
    expect(() => quotaDecision({ usedThisMonth: 0n, limit: 10n, estimate: -1 })).toThrow('estimate must be a non-negative integer');
    expect(() => quotaDecision({ usedThisMonth: 0n, limit: 10n, estimate: 1.5 })).toThrow('estimate must be a non-negative integer');
    expect(() => quotaDecision({ usedThisMonth: -1n, limit: 10n, estimate: 1 })).toThrow('usedThisMonth must not be negative');
  });
});

describe('estimateTokens', () => {
  const broken = '{"amount": 12.50, "currency": "EUR" "invoice_id": "A-1"';

  it('covers at least the first prompt at 4 characters per token', () => {
    const promptChars = initialMessages(broken, schema).reduce((sum, m) => sum + m.content.length, 0);
    expect(estimateTokens(broken, schema, 1)).toBeGreaterThan(approxTokens(promptChars + broken.length));
  });

  it('grows faster than linearly with attempts, since each prompt carries the previous ones', () => {
    const one = estimateTokens(broken, schema, 1);
    expect(estimateTokens(broken, schema, 2)).toBeGreaterThan(2 * one);
  });

  it('grows with the broken text and the schema', () => {
    expect(estimateTokens(broken + ' '.repeat(3000), schema, 1)).toBeGreaterThan(estimateTokens(broken, schema, 1) + 900);
    const bigSchema = { ...schema, description: 'x'.repeat(3000) };
    expect(estimateTokens(broken, bigSchema, 1)).toBeGreaterThan(estimateTokens(broken, schema, 1) + 900);
  });

  it('rejects a maxAttempts below 1', () => {
    expect(() => estimateTokens(broken, schema, 0)).toThrow('maxAttempts must be an integer >= 1');
  });
});

describe('approxTokens', () => {
  it('rounds characters / 4 up', () => {
    expect([approxTokens(0), approxTokens(1), approxTokens(4), approxTokens(5)]).toEqual([0, 1, 1, 2]);
  });
});

describe('utcMonth', () => {
  it('spans the UTC calendar month, start inclusive and end exclusive', () => {
    expect(utcMonth(new Date('2026-01-31T23:59:59.999Z'))).toEqual({
      start: new Date('2026-01-01T00:00:00Z'),
      end: new Date('2026-02-01T00:00:00Z'),
    });
    expect(utcMonth(new Date('2026-02-01T00:00:00Z')).start).toEqual(new Date('2026-02-01T00:00:00Z'));
  });

  it('rolls over the year in December', () => {
    expect(utcMonth(new Date('2025-12-15T12:00:00Z')).end).toEqual(new Date('2026-01-01T00:00:00Z'));
  });

  it('follows UTC, not a local offset', () => {
    expect(utcMonth(new Date('2026-03-01T00:30:00+01:00')).start).toEqual(new Date('2026-02-01T00:00:00Z'));
  });

  it('rejects an invalid date', () => {
    expect(() => utcMonth(new Date('nope'))).toThrow('valid date');
  });
});
