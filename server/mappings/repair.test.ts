import { describe, expect, it } from 'vitest';
import { parseArguments } from './repair';
import { loadRegistry } from './registry';

const registry = loadRegistry();
const invoice = registry.get('openai.tooluse.invoice.v1', 'invoice.iso20022.v1')!;
const order = registry.get('openai.tooluse.purchase_order.v1', 'supply.shipment_notice.v1')!;
const repairInvoice = (text: string) => invoice.parseArguments!(text);
const repairOrder = (text: string) => order.parseArguments!(text);

describe('parseArguments: syntax', () => {
  it('parses valid JSON without repairing', () => {
    const text = '{"invoice_id":"INV-001","amount":1000,"currency":"USD"}';
    expect(parseArguments(text)).toEqual({ ok: true, value: { invoice_id: 'INV-001', amount: 1000, currency: 'USD' }, repaired: false, text });
  });

  const syntax = { method: 'deterministic', changes: [{ path: '', kind: 'syntax' }] };
  it.each([
    ['trailing comma', '{"invoice_id": "INV-1", "amount": 5,}', { invoice_id: 'INV-1', amount: 5 }],
    ['single quotes', "{'invoice_id': 'INV-1', 'currency': 'EUR'}", { invoice_id: 'INV-1', currency: 'EUR' }],
    ['unquoted keys', '{invoice_id: "INV-1", amount: 5}', { invoice_id: 'INV-1', amount: 5 }],
    ['missing closing brace after a complete value', '{"invoice_id": "INV-1", "seller": {"name": "Acme"', { invoice_id: 'INV-1', seller: { name: 'Acme' } }],
    ['Python literals', '{"paid": True, "notes": None, "draft": False}', { paid: true, notes: null, draft: false }],
    ['comments', '{"amount": 5, // total\n "currency": "EUR" /* ISO */}', { amount: 5, currency: 'EUR' }],
    ['markdown code fence', '```json\n{"amount": 5}\n```', { amount: 5 }],
    ['prose before and after the object', 'Sure! Here is the call: {"amount": 5, "currency": "EUR"} Let me know if you need more.', { amount: 5, currency: 'EUR' }],
    ['a duplicate key with the same value', '{"amount": 5, "amount": 5,}', { amount: 5 }],
  ])('repairs %s and records a syntax change', (_name, text, value) => {
    expect(parseArguments(text)).toEqual({ ok: true, value, repaired: true, text, repair: syntax });
  });

  it('decodes JSON inside a JSON string once', () => {
    const text = JSON.stringify(JSON.stringify({ invoice_id: 'INV-1', amount: 5, currency: 'EUR' }));
    expect(parseArguments(text)).toMatchObject({ ok: true, value: { invoice_id: 'INV-1', amount: 5, currency: 'EUR' }, repair: { changes: [{ path: '', kind: 'restructured' }] } });
    expect(parseArguments(JSON.stringify(text))).toMatchObject({ ok: true, value: text }); // once, not twice
  });

  it.each([
    ['two JSON objects', '{"amount": 5} or maybe {"amount": 6}', 'ARGUMENTS_AMBIGUOUS', /more than one JSON object/],
    ['a duplicate key with two values', '{"invoice_id": "INV-1", "amount": 1200, "amount": 1300, "currency": "USD"}', 'ARGUMENTS_AMBIGUOUS', /"\/amount" appears twice with different values \(1200 and 1300\)/],
    ['text cut inside a number', '{"line_items": [{"quantity": 1}, {"quantity": 2', 'ARGUMENTS_TRUNCATED', /truncated/],
    ['text cut inside a string', '{"invoice_id": "INV-1", "notes": "consulting ser', 'ARGUMENTS_TRUNCATED', /truncated/],
    ['text cut after a key', '{"invoice_id": "INV-1", "amount":', 'ARGUMENTS_TRUNCATED', /truncated/],
    ['no JSON at all', '{ : }', 'ARGUMENTS_UNREPAIRABLE', /^arguments are not JSON and could not be repaired: /],
  ])('refuses %s', (_name, text, code, message) => {
    const result = parseArguments(text);
    expect(result).toMatchObject({ ok: false, code, text });
    expect(!result.ok && result.error).toMatch(message);
  });
});

describe('parseArguments: values, against the arguments schema', () => {
  it.each([
    ['comma groups with a dot decimal', '"1,200.50"', 'USD', '1200.50'],
    ['dot groups with a comma decimal', '"1.200,50"', 'EUR', '1200.50'],
    ['space groups with a comma decimal', '"1 200,50"', 'EUR', '1200.50'],
    ['a currency symbol that agrees', '"$1,200.50"', 'USD', '1200.50'],
    ['a trailing euro sign', '"1.200,50 €"', 'EUR', '1200.50'],
    ['a currency code', '"USD 1200"', 'USD', '1200'],
  ])('reads %s as an amount', (_name, amount, currency, value) => {
    const result = repairInvoice(`{"invoice_id": "INV-1", "amount": ${amount}, "currency": "${currency}"}`);
    expect(result).toMatchObject({ ok: true, value: { invoice_id: 'INV-1', amount: value, currency }, repair: { method: 'deterministic', changes: [{ path: '/amount', kind: 'normalized' }] } });
  });

  it('takes the currency from the amount when the field is absent ($ means USD only then)', () => {
    expect(repairInvoice('{"invoice_id": "INV-1", "amount": "$1,200"}')).toMatchObject({
      ok: true,
      value: { invoice_id: 'INV-1', amount: '1200', currency: 'USD' },
      repair: { changes: [{ path: '/amount', kind: 'normalized' }, { path: '/currency', kind: 'normalized' }] },
    });
    expect(repairInvoice('{"invoice_id": "INV-1", "amount": "1,200 usd"}')).toMatchObject({ ok: true, value: { amount: '1200', currency: 'USD' } });
    expect(repairInvoice('{"invoice_id": "INV-1", "amount": "$1,200", "currency": "CAD"}')).toMatchObject({ ok: true, value: { amount: '1200', currency: 'CAD' } });
  });

  it('builds a party from a name and uppercases a currency code', () => {
    expect(repairInvoice('{"invoice_id": "INV-1", "amount": "1,200 USD", "buyer": "Acme Corp"}')).toMatchObject({
      ok: true,
      value: { invoice_id: 'INV-1', amount: '1200', currency: 'USD', buyer: { name: 'Acme Corp' } },
    });
    expect(repairInvoice('{"invoice_id": "INV-1", "amount": 5, "currency": "eur", "notes": null}')).toEqual({
      ok: true,
      value: { invoice_id: 'INV-1', amount: 5, currency: 'EUR' },
      repaired: true,
      text: expect.any(String),
      repair: { method: 'deterministic', changes: [{ path: '/currency', kind: 'normalized' }, { path: '/notes', kind: 'normalized' }] },
    });
  });

  it('decodes a nested JSON string where the schema expects an array', () => {
    const text = JSON.stringify({ po_number: 'PO-1', currency: 'USD', items: JSON.stringify([{ sku: 'A', description: 'bolt', quantity: 3, unit_price: '1,250.00' }]) });
    expect(repairOrder(text)).toMatchObject({
      ok: true,
      value: { items: [{ unit_price: '1250.00' }] },
      repair: { changes: [{ path: '/items', kind: 'restructured' }, { path: '/items/0/unit_price', kind: 'normalized' }] },
    });
  });

  it('reads a whole number written as a string where the schema wants an integer', () => {
    expect(repairOrder('{"po_number": "PO-1", "currency": "USD", "items": [{"sku": "A", "description": "bolt", "quantity": "1,200", "unit_price": 3}]}')).toMatchObject({
      ok: true,
      value: { items: [{ quantity: 1200 }] },
      repair: { changes: [{ path: '/items/0/quantity', kind: 'normalized' }] },
    });
    expect(repairOrder('{"po_number": "PO-1", "currency": "USD", "items": [{"sku": "A", "description": "bolt", "quantity": "12", "unit_price": 3}]}')).toMatchObject({ ok: true, value: { items: [{ quantity: 12 }] } });
  });

  it('supplies an item currency from its price when the order states none', () => {
    expect(repairOrder('{"po_number": "PO-1", "items": [{"sku": "A", "description": "bolt", "quantity": 3, "unit_price": "£12.50"}]}')).toMatchObject({
      ok: true,
      value: { items: [{ unit_price: '12.50', currency: 'GBP' }] },
    });
  });

  it.each([
    ['a lone comma decimal', '{"invoice_id": "INV-1", "amount": "1,5", "currency": "EUR"}', /"1,5" could be a decimal or a thousands-separated amount/],
    ['a lone dot group', '{"invoice_id": "INV-1", "amount": "1.200 EUR"}', /"1.200 EUR" could be/],
    ['a symbol that disagrees with the currency', '{"invoice_id": "INV-1", "amount": "$1,200", "currency": "EUR"}', /\/amount: "\$1,200" is in \$ but \/currency is EUR/],
    ['a yen sign without a currency', '{"invoice_id": "INV-1", "amount": "¥1,200"}', /may be in JPY or CNY/],
    ['two amounts in two currencies', '{"invoice_id": "INV-1", "amount": "$5", "line_items": [{"description": "b", "quantity": 1, "unit_price": "5 €"}]}', /\/line_items\/0\/unit_price: "5 €" is in EUR but another amount is in USD/],
  ])('refuses %s as ambiguous', (_name, text, message) => {
    const result = text.includes('po_number') ? repairOrder(text) : repairInvoice(text);
    expect(result).toMatchObject({ ok: false, code: 'ARGUMENTS_AMBIGUOUS' });
    expect(!result.ok && result.error).toMatch(message);
  });

  it('leaves a valid decimal string alone even when something else is normalised', () => {
    expect(repairInvoice('{"invoice_id": "INV-1", "amount": "1.234", "currency": "bhd"}')).toMatchObject({ ok: true, value: { amount: '1.234', currency: 'BHD' } });
  });

  it('leaves what it cannot read for the schema to refuse', () => {
    const result = repairInvoice('{"invoice_id": "INV-1", "amount": "twelve hundred", "currency": "USD"}');
    expect(result).toMatchObject({ ok: true, value: { amount: 'twelve hundred' }, repaired: false });
    expect(invoice.validateArguments!(result.ok && result.value)).not.toEqual([]);
  });
});
