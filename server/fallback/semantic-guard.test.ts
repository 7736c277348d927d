import { describe, expect, it } from 'vitest';
import { loadRegistry } from '../mappings/registry';
import { canonicalDecimal, checkProvenance, llmRepairRecord } from './semantic-guard';

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

const invoiceSchema = loadRegistry().get('openai.tooluse.invoice.v1', 'invoice.iso20022.v1')!.argumentsSchema!;

describe('checkProvenance: values that are in the original', () => {
  it('passes a faithful repair of a broken object', () => {
    expect(checkProvenance(original, faithful(), schema)).toEqual([]);
  });

  it("accepts the model's answer to prose (the issue's example)", () => {
    const prose = 'Invoice INV-77 for 1200 USD billed to Acme Corp, consulting services';
    const answer = { invoice_id: 'INV-77', amount: 1200, currency: 'USD', buyer: { name: 'Acme Corp' }, notes: 'consulting services' };
    expect(checkProvenance(prose, answer, invoiceSchema)).toEqual([]);
  });

  it('accepts an amount and a buyer restructured from strings (the issue\'s second example)', () => {
    expect(checkProvenance('{"amount":"1,200 USD","buyer":"Acme Corp", "invoice_id": "INV-9"}', { invoice_id: 'INV-9', amount: 1200, currency: 'USD', buyer: { name: 'Acme Corp' } }, invoiceSchema)).toEqual([]);
  });

  it.each([
    ['$1,200.50', 1200.5, 'USD'],
    ['1.200,50 €', '1200.50', 'EUR'],
    ['1 200,50 EUR', 1200.5, 'EUR'],
    ['USD 1200', 1200, 'USD'],
    ['£1,200.50', '1200.5', 'GBP'],
  ])('finds %s as amount %s %s', (written, amount, currency) => {
    expect(checkProvenance(`Bill INV-5: ${written}`, { invoice_id: 'INV-5', amount, currency }, invoiceSchema)).toEqual([]);
  });

  it.each([
    ['2026-03-15', '2026-03-15'],
    ['15 March 2026', '2026-03-15'],
    ['March 15, 2026', '2026-03-15'],
    ['15.03.2026', '2026-03-15'],
    ['03/15/2026', '2026-03-15'],
    ['2026/03/15', '2026-03-15'],
  ])('finds the date %s as %s', (written, date) => {
    expect(checkProvenance(`INV-5, 10 EUR, due ${written}`, { invoice_id: 'INV-5', amount: 10, currency: 'EUR', due_date: date }, invoiceSchema)).toEqual([]);
  });

  it('finds names whatever their case and spacing, and values inside a JSON text in a string, or under another key', () => {
    const text = '{"ref": "INV-8", "total": "99.00", "payload": "{\\"ccy\\": \\"eur\\", \\"client\\": \\"ACME   corp\\"}"}';
    expect(checkProvenance(text, { invoice_id: 'INV-8', amount: '99', currency: 'EUR', buyer: { name: 'Acme Corp' } }, invoiceSchema)).toEqual([]);
  });

  it('accepts the same instant written differently', () => {
    expect(checkProvenance(original, { ...faithful(), issued: '2026-01-27T00:00:00Z' }, schema)).toEqual([]);
    expect(checkProvenance('{"created_at": "2026-01-27T10:00:00Z"', { created_at: '2026-01-27T11:00:00+01:00' }, {})).toEqual([]);
  });

  it('leaves free text, constants and schema defaults alone', () => {
    expect(checkProvenance(original, { ...faithful(), memo: 'net 30 days', status: 'open' }, schema)).toEqual([]);
  });
});

describe('checkProvenance: values that are not', () => {
  it('refuses a changed amount under the same key, naming the field and both values', () => {
    expect(checkProvenance(original, { ...faithful(), amount: 100 }, schema)).toEqual([
      { field: 'amount', kind: 'amount_changed', original: '1000.00', repaired: '100', message: 'amount (amount) was "1000.00" in the original but "100" in the repair' },
    ]);
    expect(checkProvenance(original, { ...faithful(), amount: 1000.0000001 }, schema)).toMatchObject([{ kind: 'amount_changed' }]);
    expect(checkProvenance(original, { ...faithful(), amount: '1000.0' }, schema)).toEqual([]);
  });

  it('refuses a changed amount inside an array element', () => {
    const repaired = faithful();
    repaired.lines[1]!.unitPrice = 30;
    expect(checkProvenance(original, repaired, schema)).toMatchObject([{ field: 'lines[1].unitPrice', kind: 'amount_changed', repaired: '30' }]);
  });

  it('refuses a changed currency but accepts a change of letter case', () => {
    expect(checkProvenance(original, { ...faithful(), currency: 'EUR' }, schema)).toMatchObject([{ field: 'currency', kind: 'currency_changed', original: 'usd', repaired: 'EUR' }]);
  });

  it('refuses a changed identifier, leading zeros included', () => {
    expect(checkProvenance(original, { ...faithful(), invoice_id: 'INV-42' }, schema)).toMatchObject([{ field: 'invoice_id', kind: 'id_changed', original: 'INV-0042', repaired: 'INV-42' }]);
  });

  it.each([
    ['po_number', 'PO-77', 'PO-78'],
    ['patientId', 'P-1', 'P-2'],
    ['mrn', '000123', '123'],
  ])('recognises %s as an identifier', (key, before, after) => {
    expect(checkProvenance(`{"${key}": "${before}"`, { [key]: after }, {})).toMatchObject([{ field: key, kind: 'id_changed' }]);
  });

  it('refuses a changed date', () => {
    expect(checkProvenance(original, { ...faithful(), issued: '2026-01-28' }, schema)).toMatchObject([{ field: 'issued', kind: 'date_changed', original: '2026-01-27', repaired: '2026-01-28' }]);
  });

  it('refuses values found nowhere, naming the field and the value', () => {
    const prose = 'Invoice INV-77 for 1200 USD billed to Acme Corp';
    const answer = { invoice_id: 'INV-77', amount: 1200, currency: 'USD', buyer: { name: 'Globex Inc' }, due_date: '2026-04-01', purchase_order: 'PO-9' };
    expect(checkProvenance(prose, answer, invoiceSchema)).toEqual([
      { field: 'buyer.name', kind: 'invented_value', repaired: 'Globex Inc', message: 'buyer.name (name) "Globex Inc" is found nowhere in the original text' },
      { field: 'due_date', kind: 'invented_value', repaired: '2026-04-01', message: 'due_date (date) "2026-04-01" is found nowhere in the original text' },
      { field: 'purchase_order', kind: 'invented_value', repaired: 'PO-9', message: 'purchase_order (name) "PO-9" is found nowhere in the original text' },
    ]);
    expect(checkProvenance(prose, { invoice_id: 'INV-77', amount: 1300, currency: 'USD' }, invoiceSchema)).toMatchObject([{ field: 'amount', kind: 'invented_value', repaired: '1300' }]);
    expect(checkProvenance(prose, { invoice_id: 'INV-77', amount: 1200, currency: 'EUR' }, invoiceSchema)).toMatchObject([{ field: 'currency', kind: 'invented_value' }]);
    expect(checkProvenance(prose, { invoice_id: 'INV-7', amount: 1200, currency: 'USD' }, invoiceSchema)).toMatchObject([{ field: 'invoice_id', kind: 'invented_value' }]);
  });

  it('does not read ambiguous amounts, digits of identifiers or dates as amounts', () => {
    expect(checkProvenance('INV-77: 1.200 EUR', { invoice_id: 'INV-77', amount: 1200, currency: 'EUR' }, invoiceSchema)).toMatchObject([{ field: 'amount', kind: 'invented_value' }]);
    expect(checkProvenance('INV-77: 1,5 EUR', { invoice_id: 'INV-77', amount: 1.5, currency: 'EUR' }, invoiceSchema)).toMatchObject([{ field: 'amount' }]);
    expect(checkProvenance('INV-77 on 2026-03-15: 10 EUR', { invoice_id: 'INV-77', amount: 77, currency: 'EUR' }, invoiceSchema)).toMatchObject([{ field: 'amount' }]);
    expect(checkProvenance('INV-77 on 2026-03-15: 10 EUR', { invoice_id: 'INV-77', amount: 15, currency: 'EUR' }, invoiceSchema)).toMatchObject([{ field: 'amount' }]);
    expect(checkProvenance('INV-77: 10 EUR, 03/04/2026', { invoice_id: 'INV-77', amount: 10, currency: 'EUR', due_date: '2026-03-04' }, invoiceSchema)).toMatchObject([{ field: 'due_date' }]);
  });

  it('treats a key whose value was missing or null in the original as not recoverable', () => {
    expect(checkProvenance(`{invoice_id: 'A', amount: , currency: null, customer: {name: "x", tier: "y"}}`, { invoice_id: 'A', amount: 5, currency: 'USD', customer: { name: 'x', tier: 'y' } }, schema)).toMatchObject([
      { field: 'amount', kind: 'invented_value' },
      { field: 'currency', kind: 'invented_value' },
    ]);
  });

  it('compares an unclosed string without the punctuation it swallowed', () => {
    expect(checkProvenance('{"amount": 5, "currency": "EUR}', { amount: 5, currency: 'EUR' }, {})).toEqual([]);
    expect(checkProvenance('{"amount": 5, "currency": "EUR}', { amount: 5, currency: 'USD' }, {})).toMatchObject([{ kind: 'currency_changed' }]);
  });
});

describe('llmRepairRecord', () => {
  it('lists every path whose value is not as written under the same key', () => {
    expect(llmRepairRecord('{"invoice_id": "INV-1" "amount": "1,200 USD", "buyer": "Acme"', { invoice_id: 'INV-1', amount: 1200, currency: 'USD', buyer: { name: 'Acme' } })).toEqual({
      method: 'llm',
      changes: [
        { path: '/amount', kind: 'llm' },
        { path: '/currency', kind: 'llm' },
        { path: '/buyer/name', kind: 'llm' },
      ],
    });
    expect(llmRepairRecord('{"a": 1} trailing', { a: 1 })).toEqual({ method: 'llm', changes: [{ path: '', kind: 'llm' }] });
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
