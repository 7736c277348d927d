import { describe, expect, it } from 'vitest';
import { parseArguments } from './repair';

describe('parseArguments', () => {
  it('parses valid JSON without repairing', () => {
    const text = '{"invoice_id":"INV-001","amount":1000,"currency":"USD"}';
    expect(parseArguments(text)).toEqual({
      ok: true,
      value: { invoice_id: 'INV-001', amount: 1000, currency: 'USD' },
      repaired: false,
      text,
    });
  });

  it.each([
    ['trailing comma', '{"invoice_id": "INV-1", "amount": 5,}', { invoice_id: 'INV-1', amount: 5 }],
    ['single quotes', "{'invoice_id': 'INV-1', 'currency': 'EUR'}", { invoice_id: 'INV-1', currency: 'EUR' }],
    ['unquoted keys', '{invoice_id: "INV-1", amount: 5}', { invoice_id: 'INV-1', amount: 5 }],
    ['missing closing brace', '{"invoice_id": "INV-1", "seller": {"name": "Acme"', { invoice_id: 'INV-1', seller: { name: 'Acme' } }],
    ['Python literals', '{"paid": True, "notes": None, "draft": False}', { paid: true, notes: null, draft: false }],
    ['markdown code fence', '```json\n{"amount": 5}\n```', { amount: 5 }],
    ['truncated array', '{"line_items": [{"quantity": 1}, {"quantity": 2', { line_items: [{ quantity: 1 }, { quantity: 2 }] }],
  ])('repairs %s', (_name, text, value) => {
    expect(parseArguments(text)).toEqual({ ok: true, value, repaired: true, text });
  });

  it.each(['', '}{', '{"amount": 5} and some prose'])('reports %j as unrepairable', (text) => {
    const result = parseArguments(text);
    expect(result).toMatchObject({ ok: false, text });
    expect(!result.ok && result.error).toMatch(/^arguments are not JSON and could not be repaired: /);
  });
});
