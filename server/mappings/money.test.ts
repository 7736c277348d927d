import { describe, expect, it } from 'vitest';
import { canonicalDecimal, formatMinorUnits, lineAmountMinor, minorUnitDigits, MoneyError, toMinorUnits } from './money';

describe('ISO 4217 minor units', () => {
  it.each([
    ['USD', 2], ['EUR', 2], ['JPY', 0], ['KRW', 0], ['BHD', 3], ['KWD', 3], ['JOD', 3], ['OMR', 3], ['TND', 3],
    ['IQD', 3], ['LYD', 3], ['CLF', 4], ['UYW', 4], ['CLP', 0], ['ISK', 0], ['VND', 0], ['XCG', 2],
  ])('%s has %i digits', (code, digits) => {
    expect(minorUnitDigits(code)).toBe(digits);
  });

  it.each(['XYZ', 'usd', 'XAU', 'XDR', 'ANG', ''])('rejects %j: unknown or without minor units', (code) => {
    expect(() => minorUnitDigits(code)).toThrow(/unknown currency/);
  });
});

describe('toMinorUnits', () => {
  it.each([
    [1000, 'USD', 100000n],
    [1000, 'JPY', 1000n],
    ['1.234', 'BHD', 1234n],
    [1.234, 'BHD', 1234n],
    [0.3, 'USD', 30n],
    ['0.30', 'USD', 30n],
    [12.5, 'EUR', 1250n],
    ['10.500', 'USD', 1050n],
    ['1e3', 'USD', 100000n],
    [1e21, 'USD', 100000000000000000000000n],
    ['-4.20', 'EUR', -420n],
    ['0', 'KWD', 0n],
  ])('%j %s → %s', (amount, currency, minor) => {
    expect(toMinorUnits(amount, currency)).toBe(minor);
  });

  it('is exact beyond 2^53 when the amount is a string', () => {
    expect(toMinorUnits('92233720368547758.07', 'USD')).toBe(9223372036854775807n);
    expect(toMinorUnits('123456789012345678901234567890.123', 'KWD')).toBe(123456789012345678901234567890123n);
  });

  it('uses the decimal form of a float, never float multiplication', () => {
    // 1.005 * 100 === 100.49999999999999 and 4.35 * 100 === 434.99999999999994 in binary floats.
    expect(toMinorUnits(1.005, 'BHD')).toBe(1005n);
    expect(toMinorUnits(4.35, 'USD')).toBe(435n);
  });

  it('rejects more fractional digits than the currency allows', () => {
    expect(() => toMinorUnits(10.005, 'USD')).toThrow(/amount 10.005 has 3 fractional digits; USD allows 2/);
    expect(() => toMinorUnits('0.5', 'JPY')).toThrow(/JPY allows 0 \(no minor unit\)/);
    expect(() => toMinorUnits(0.1 + 0.2, 'USD')).toThrow(MoneyError); // 0.30000000000000004
  });

  it.each([['12,50'], ['abc'], [''], ['1.'], ['.5'], [Number.NaN], [Infinity]])('rejects %j as not a number', (amount) => {
    expect(() => toMinorUnits(amount, 'USD')).toThrow(MoneyError);
  });

  it('rejects an unknown currency', () => {
    expect(() => toMinorUnits(1, 'ABC')).toThrow(/unknown currency "ABC"/);
  });
});

describe('lineAmountMinor, formatMinorUnits, canonicalDecimal', () => {
  it('multiplies exactly', () => {
    expect(lineAmountMinor(7.5, '44.950', 'BHD')).toBe(337125n);
    expect(lineAmountMinor(3, 0.1, 'USD')).toBe(30n);
    expect(lineAmountMinor('1000000000000', '99999999.99', 'USD')).toBe(9999999999000000000000n);
  });

  it('rejects a product that is not a whole number of minor units', () => {
    expect(() => lineAmountMinor(1.5, 0.33, 'USD')).toThrow(/line amount 1.5 × 0.33 has 3 fractional digits; USD allows 2/);
  });

  it.each([
    [100000n, 'USD', '1000.00'],
    [5n, 'USD', '0.05'],
    [-5n, 'USD', '-0.05'],
    [1234n, 'BHD', '1.234'],
    [250000n, 'JPY', '250000'],
    [9223372036854775807n, 'USD', '92233720368547758.07'],
  ])('formats %s %s as %s', (minor, currency, text) => {
    expect(formatMinorUnits(minor, currency)).toBe(text);
  });

  it.each([[2, '2'], ['2.50', '2.5'], [1e21, '1000000000000000000000'], [1.5e-7, '0.00000015'], ['007', '7']])(
    'canonical decimal of %j is %s',
    (value, text) => {
      expect(canonicalDecimal(value)).toBe(text);
    },
  );
});
