import { describe, expect, it } from 'vitest';
import { canonicalDecimal, compareRecovered } from './semantic-guard';

const schema = {
  type: 'object',
  properties: {
    invoice_id: { type: 'string' },
    amount: { type: 'number' },
    currency: { type: 'string' },
    issued: { type: 'string', format: 'date' },
    memo: { type: 'string' },
    status: { type: 'string', default: 'open' },
    customer: { $ref: '#/$defs/customer' },
    lines: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' }, unitPrice: { type: 'number' } }, required: ['sku'] } },
  },
  required: ['invoice_id', 'amount', 'currency', 'customer'],
  $defs: { customer: { type: 'object', properties: { name: { type: 'string' }, tier: { type: 'string' } }, required: ['name', 'tier'] } },
};

// Broken: single quotes, missing commas, trailing garbage.
const original = `{invoice_id: 'INV-0042' amount: 1000.00, currency: 'usd', issued: "2026-01-27",
  customer: {name: "Acme" tier: "gold"}, lines: [{sku: "A-1", unitPrice: 12.50} {sku: "B-2", unitPrice: 3}] memo: "net 30`;

const faithful = () => ({
  invoice_id: 'INV-0042',
  amount: 1000,
  currency: 'USD',
  issued: '2026-01-27',
  customer: { name: 'Acme', tier: 'gold' },
  lines: [
    { sku: 'A-1', unitPrice: 12.5 },
    { sku: 'B-2', unitPrice: 3 },
  ],
  memo: 'net 30',
});

describe('compareRecovered', () => {
  it('passes a faithful repair', () => {
    expect(compareRecovered(original, faithful(), schema)).toEqual([]);
  });

  it('catches a changed amount, as exact decimals', () => {
    expect(compareRecovered(original, { ...faithful(), amount: 100 }, schema)).toEqual([
      { field: 'amount', kind: 'amount_changed', original: '1000.00', repaired: '100', message: 'amount (amount) was "1000.00" in the original but "100" in the repair' },
    ]);
    expect(compareRecovered(original, { ...faithful(), amount: 1000.0000001 }, schema)).toMatchObject([{ kind: 'amount_changed' }]);
    expect(compareRecovered(original, { ...faithful(), amount: '1000.0' }, schema)).toEqual([]);
  });

  it('catches a changed amount inside an array element', () => {
    const repaired = faithful();
    repaired.lines[1]!.unitPrice = 30;
    expect(compareRecovered(original, repaired, schema)).toMatchObject([{ field: 'lines[1].unitPrice', kind: 'amount_changed', original: '3', repaired: '30' }]);
  });

  it('catches a changed currency but accepts a change of letter case', () => {
    expect(compareRecovered(original, { ...faithful(), currency: 'EUR' }, schema)).toMatchObject([
      { field: 'currency', kind: 'currency_changed', original: 'usd', repaired: 'EUR' },
    ]);
  });

  it('catches a changed identifier, leading zeros included', () => {
    expect(compareRecovered(original, { ...faithful(), invoice_id: 'INV-42' }, schema)).toMatchObject([
      { field: 'invoice_id', kind: 'id_changed', original: 'INV-0042', repaired: 'INV-42' },
    ]);
  });

  it.each([
    ['po_number', 'PO-77', 'PO-78'],
    ['patientId', 'P-1', 'P-2'],
    ['mrn', '000123', '123'],
  ])('recognises %s as an identifier', (key, before, after) => {
    expect(compareRecovered(`{"${key}": "${before}"`, { [key]: after }, {})).toMatchObject([{ field: key, kind: 'id_changed' }]);
  });

  it('catches a changed date but accepts the same instant written differently', () => {
    expect(compareRecovered(original, { ...faithful(), issued: '2026-01-28' }, schema)).toMatchObject([
      { field: 'issued', kind: 'date_changed', original: '2026-01-27', repaired: '2026-01-28' },
    ]);
    expect(compareRecovered(original, { ...faithful(), issued: '2026-01-27T00:00:00Z' }, schema)).toEqual([]);
    expect(compareRecovered('{"created_at": "2026-01-27T10:00:00Z"', { created_at: '2026-01-27T11:00:00+01:00' }, {})).toEqual([]);
  });

  it('reports a guarded value dropped by the repair', () => {
    const { currency: _dropped, ...repaired } = faithful();
    expect(compareRecovered(original, repaired, schema)).toMatchObject([
      { field: 'currency', kind: 'currency_changed', original: 'usd', repaired: undefined, message: expect.stringContaining('missing from the repair') },
    ]);
  });

  it('catches an invented required field, nested through a $ref', () => {
    const text = `{invoice_id: 'INV-0042' amount: 1000.00, currency: 'usd', customer: {name: "Acme"`;
    const { memo: _memo, issued: _issued, ...repaired } = faithful();
    expect(compareRecovered(text, { ...repaired, lines: [] }, schema)).toEqual([
      { field: 'customer.tier', kind: 'invented_field', repaired: 'gold', message: 'customer.tier has a value in the repair but none in the original text' },
    ]);
  });

  it('treats a key whose value was missing or null in the original as not recoverable', () => {
    expect(compareRecovered(`{invoice_id: 'A', amount: , currency: null, customer: {name: "x", tier: "y"}}`, { invoice_id: 'A', amount: 5, currency: 'USD', customer: { name: 'x', tier: 'y' } }, schema)).toMatchObject([
      { field: 'amount', kind: 'invented_field' },
      { field: 'currency', kind: 'invented_field' },
    ]);
  });

  it('catches an invented optional amount, date or id, but not an optional free-text field or a schema default', () => {
    const text = `{"invoice_id": "A" "amount": 5, "currency": "USD", "customer": {"name": "x", "tier": "y"}}`;
    const base = { invoice_id: 'A', amount: 5, currency: 'USD', customer: { name: 'x', tier: 'y' } };
    expect(compareRecovered(text, { ...base, issued: '2026-01-01', discount: 3 }, schema).map((v) => [v.field, v.kind])).toEqual([
      ['issued', 'invented_field'],
      ['discount', 'invented_field'],
    ]);
    expect(compareRecovered(text, { ...base, memo: 'hello', status: 'open' }, schema)).toEqual([]);
  });

  it('leaves free-text changes alone', () => {
    expect(compareRecovered(original, { ...faithful(), memo: 'net 30 days' }, schema)).toEqual([]);
  });

  it('compares an unclosed string without the punctuation it swallowed', () => {
    expect(compareRecovered('{"amount": 5, "currency": "EUR}', { amount: 5, currency: 'EUR' }, {})).toEqual([]);
    expect(compareRecovered('{"amount": 5, "currency": "EUR}', { amount: 5, currency: 'USD' }, {})).toMatchObject([{ kind: 'currency_changed' }]);
  });
});

describe('canonicalDecimal', () => {
  it('gives equal decimals one form', () => {
    expect(canonicalDecimal('1000')).toBe(canonicalDecimal('1000.00'));
    expect(canonicalDecimal('1e3')).toBe(canonicalDecimal('+1000.0'));
    expect(canonicalDecimal('0.50')).toBe(canonicalDecimal('.5'));
    expect(canonicalDecimal('-0.0')).toBe('0');
    expect(canonicalDecimal('-12.30')).toBe('-123e-1');
  });

  it('keeps different decimals apart', () => {
    expect(canonicalDecimal('1000')).not.toBe(canonicalDecimal('100'));
    expect(canonicalDecimal('0.1')).not.toBe(canonicalDecimal('0.01'));
  });

  it('returns null for text that is not a plain decimal', () => {
    expect(['', '.', '1,000', '$5', 'abc', '1e'].map(canonicalDecimal)).toEqual([null, null, null, null, null, null]);
  });
});
