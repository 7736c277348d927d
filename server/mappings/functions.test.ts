import { createHmac } from 'node:crypto';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { ageBand, generalizeZip, isoDate, MappingFunctionError, mappingFunctions } from './functions';

async function evaluate(expression: string, pseudonymKey = 'k') {
  const expr = jsonata(expression);
  for (const fn of mappingFunctions({ pseudonymKey })) expr.registerFunction(fn.name, fn.implementation, fn.signature);
  return expr.evaluate({});
}

describe('$iso_date', () => {
  it.each([
    ['2026-01-27', '2026-01-27'],
    ['2026-01-27T23:30:00-05:00', '2026-01-27'],
    ['2024-02-29T00:00:00Z', '2024-02-29'],
    ['2026-01-27T08:00:00.123+09:00', '2026-01-27'],
  ])('%s → %s', (value, date) => expect(isoDate(value)).toBe(date));

  it.each(['2025-02-29', '2026-13-01', '2026-1-5', '27/01/2026', '2026-01-27T25', '2026-01-27 10:00'])('rejects %s', (value) => {
    expect(() => isoDate(value)).toThrow(MappingFunctionError);
  });
});

describe('$age_band', () => {
  it.each([
    ['1981-07-14', '2026-01-27', '40-49'],
    ['1976-01-27', '2026-01-27', '50-59'], // 50th birthday today
    ['1976-01-28', '2026-01-27', '40-49'], // tomorrow
    ['2026-01-01', '2026-01-27', '0-9'],
    ['1936-01-27', '2026-01-27', '90+'],
    ['1936-01-28', '2026-01-27', '80-89'],
    ['1931-03', '2026-01-27', '90+'],
    ['1976', '2026-01-27', '40-49'], // youngest possible: born 1976-12-31
    ['1976-01', '2026-01-31', '50-59'],
  ])('born %s, on %s → %s', (born, asOf, band) => expect(ageBand(born, asOf)).toBe(band));

  it('rejects a birth date after the reference date, and malformed dates', () => {
    expect(() => ageBand('2026-02-01', '2026-01-27')).toThrow(/after 2026-01-27/);
    expect(() => ageBand('1980-02-30', '2026-01-27')).toThrow(/not a calendar date/);
    expect(() => ageBand('80-01-01', '2026-01-27')).toThrow(/not a FHIR date/);
  });
});

describe('$generalize_zip', () => {
  it.each([
    ['02135', 'US', '021'],
    ['02135-1234', 'usa', '021'],
    ['03608', 'US', '000'], // restricted prefix 036
    ['89301', 'US', '000'],
    ['10115', 'DE', undefined],
    ['02135', undefined, undefined],
    ['SW1A 1AA', 'US', undefined],
  ])('%s in %s → %s', (zip, country, out) => expect(generalizeZip(zip, country)).toBe(out));
});

describe('registered in JSONata', () => {
  it('money functions return exact strings and turn errors into MappingFunctionError', async () => {
    expect(await evaluate('$to_minor(1000, "USD")')).toBe('100000');
    expect(await evaluate('$format_amount("1.5", "KWD")')).toBe('1.500');
    expect(await evaluate('$line_minor(3, "19.99", "EUR")')).toBe('5997');
    expect(await evaluate('$sum_minor(["1", "99999999999999999999"])')).toBe('100000000000000000000');
    expect(await evaluate('$sum_minor("42")')).toBe('42');
    expect(await evaluate('$minor_to_decimal("5", "BHD")')).toBe('0.005');
    expect(await evaluate('$decimal(2.50)')).toBe('2.5');
    await expect(evaluate('$to_minor(10.005, "USD")')).rejects.toThrow(MappingFunctionError);
    await expect(evaluate('$sum_minor(["1.5"])')).rejects.toThrow(/not an integer number of minor units/);
  });

  it('JSONata checks the signatures', async () => {
    await expect(evaluate('$to_minor(true, "USD")')).rejects.toMatchObject({ code: 'T0410' });
  });

  it('$pseudonym is an HMAC of tenant and value under the deployment key', async () => {
    const expected = createHmac('sha256', 'secret').update('acme\npat-1').digest('hex');
    expect(await evaluate('$pseudonym("pat-1", "acme")', 'secret')).toBe(expected);
    expect(await evaluate('$pseudonym("pat-1", "other")', 'secret')).not.toBe(expected);
    expect(await evaluate('$pseudonym("pat-1", "acme")', 'another-key')).not.toBe(expected);
  });
});
