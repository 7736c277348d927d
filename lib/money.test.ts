import { describe, expect, it } from 'vitest';
import { formatCents, formatUsd, fromCents, parseUsd, toCents, toCentsDecimal, usdFromNumber } from './money';

describe('money', () => {
  it.each([
    ['0.005', 50_000_000n],
    ['0.0008', 8_000_000n],
    ['499', 4_990_000_000_000n],
    ['.5', 5_000_000_000n],
    ['1e-7', 1_000n],
    ['2.5E3', 25_000_000_000_000n],
    ['-0.01', -100_000_000n],
    ['0.0000000001', 1n],
    ['0.10000000000', 1_000_000_000n],
  ])('parses %s exactly', (text, units) => {
    expect(parseUsd(text)).toBe(units);
  });

  it.each(['', 'abc', '1.2.3', '1,5', '0x10', '.', 'e5', '1e999'])('rejects %j', (text) => {
    expect(() => parseUsd(text)).toThrow();
  });

  it('rejects precision finer than 1e-10 dollars instead of rounding', () => {
    expect(() => parseUsd('0.00000000001')).toThrow(/more than 10 decimal places/);
  });

  it('reads JSON numbers through their shortest decimal form', () => {
    expect(usdFromNumber(0.005)).toBe(parseUsd('0.005'));
    expect(usdFromNumber(0.0008)).toBe(parseUsd('0.0008'));
    expect(usdFromNumber(1e-7)).toBe(1_000n);
    expect(() => usdFromNumber(Number.NaN)).toThrow(/finite/);
  });

  it('formats exactly without trailing zeros', () => {
    expect(formatUsd(parseUsd('0.0008'))).toBe('0.0008');
    expect(formatUsd(parseUsd('9999'))).toBe('9999');
    expect(formatUsd(-parseUsd('1.5'))).toBe('-1.5');
    expect(formatUsd(0n)).toBe('0');
  });

  it('rounds to cents half-up, ties away from zero', () => {
    expect(toCents(parseUsd('0.005'))).toBe(1n);
    expect(toCents(parseUsd('0.0049999999'))).toBe(0n);
    expect(toCents(parseUsd('12.345'))).toBe(1235n);
    expect(toCents(parseUsd('-0.005'))).toBe(-1n);
    expect(toCents(fromCents(49_900n))).toBe(49_900n);
    expect(formatCents(1235n)).toBe('12.35');
    expect(formatCents(-5n)).toBe('-0.05');
  });

  it("gives Stripe's cents decimals", () => {
    expect(toCentsDecimal(parseUsd('0.005'))).toBe('0.5');
    expect(toCentsDecimal(parseUsd('0.0008'))).toBe('0.08');
    expect(toCentsDecimal(parseUsd('499'))).toBe('49900');
  });
});
