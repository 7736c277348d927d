import { describe, expect, it } from 'vitest';
import { loneSurrogatePath, mayLoseDigits, parseJsonExact } from './exact-json';
import { formatUnitPrice, unitPriceMinorUnits } from './money';

describe('parseJsonExact', () => {
  it.each([
    ['123456789012345678', '123456789012345678'],
    ['-123456789012345678.5', '-123456789012345678.5'],
    ['1.0000000000000001', '1.0000000000000001'],
    ['1.00000000000000001e3', '1000.00000000000001'],
    ['9007199254740993', '9007199254740993'],
    // Beyond a plain writing's reach: kept as written (no amount schema accepts an exponent).
    ['1e400', '1e400'],
    ['-1e-400', '-1e-400'],
    ['1e1000000000', '1e1000000000'],
  ])('keeps every digit of %s', (lexeme, exact) => {
    expect(parseJsonExact(`{"amount":${lexeme}}`)).toEqual({ amount: exact });
  });

  it.each([
    ['1200.00', 1200],
    ['1200.000000000000000000', 1200],
    ['0.1', 0.1],
    ['1e21', 1e21],
    ['1.5e3', 1500],
    ['0.000000000000000001', 1e-18],
    ['9007199254740992', 9007199254740992],
  ])('leaves %s a number: its double has the same decimal value', (lexeme, value) => {
    expect(parseJsonExact(`[${lexeme}]`)).toEqual([value]);
  });

  it('reads like JSON.parse otherwise: same errors, the last duplicate key, __proto__ as an own key', () => {
    expect(() => parseJsonExact('{"a":12345678901234567,')).toThrow(SyntaxError);
    expect(() => parseJsonExact('{"a":12345678901234567,')).toThrow(/JSON/);
    expect(parseJsonExact('{"a":12345678901234567,"a":1}')).toEqual({ a: 1 });
    const polluted = parseJsonExact('{"__proto__":{"x":12345678901234567}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(polluted)).toBe(Object.prototype);
    expect(Object.keys(polluted)).toEqual(['__proto__']);
  });

  it('parses a second time only when a number could lose digits', () => {
    expect(mayLoseDigits('{"invoice_id":"INV-001","amount":1000.25,"currency":"USD","quantity":7.5}')).toBe(false);
    expect(mayLoseDigits('{"amount":123456789012345.6}')).toBe(true);
    expect(mayLoseDigits('{"amount":1e3}')).toBe(true);
  });
});

describe('loneSurrogatePath', () => {
  it('finds a lone surrogate in a string or a key, and passes paired ones', () => {
    expect(loneSurrogatePath({ a: [1, { b: 'A\ud800' }] })).toBe('/a/1/b');
    expect(loneSurrogatePath({ 'x\udc00': 1 })).toBe('/x\udc00');
    expect(loneSurrogatePath('\udfff')).toBe('/');
    expect(loneSurrogatePath({ emoji: '😀', cjk: '請求書', rtl: '\u202e', zwj: '👩‍💻' })).toBeNull();
  });
});

describe('unit prices', () => {
  it('may be finer than the minor unit', () => {
    expect(formatUnitPrice('0.125', 'USD')).toBe('0.125');
    expect(formatUnitPrice(12.5, 'USD')).toBe('12.50');
    expect(formatUnitPrice('1200.00', 'JPY')).toBe('1200');
    expect(unitPriceMinorUnits('0.125', 'USD')).toBeUndefined();
    expect(unitPriceMinorUnits('12.5', 'USD')).toBe(1250n);
  });
});
