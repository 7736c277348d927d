import { describe, expect, it } from 'vitest';
import { scanPairs } from './tolerant-scan';

describe('scanPairs', () => {
  it('recovers pairs from text with missing commas, bare keys and single quotes', () => {
    expect(scanPairs(`{invoice_id: 'INV-7' "amount": 1000.00 currency: USD, paid: false, note: None`)).toEqual([
      { path: ['invoice_id'], kind: 'string', text: 'INV-7', closed: true },
      { path: ['amount'], kind: 'number', text: '1000.00' },
      { path: ['currency'], kind: 'string', text: 'USD', closed: true },
      { path: ['paid'], kind: 'literal', text: 'false' },
      { path: ['note'], kind: 'literal', text: 'null' },
    ]);
  });

  it('gives nested keys and array elements their paths, even without commas between elements', () => {
    const found = scanPairs('{"order": {"po_number": "PO-1", "items": [{"sku": "A", "price": 5} {"sku": "B", "price": 7.5}]}, "total": 12.5}');
    expect(found.filter((r) => r.kind !== 'container').map((r) => [r.path, 'text' in r ? r.text : r.kind])).toEqual([
      [['order', 'po_number'], 'PO-1'],
      [['order', 'items', 0, 'sku'], 'A'],
      [['order', 'items', 0, 'price'], '5'],
      [['order', 'items', 1, 'sku'], 'B'],
      [['order', 'items', 1, 'price'], '7.5'],
      [['total'], '12.5'],
    ]);
    expect(found.filter((r) => r.kind === 'container').map((r) => r.path)).toEqual([['order'], ['order', 'items'], ['order', 'items', 0], ['order', 'items', 1]]);
  });

  it('marks an unclosed string and a key without value', () => {
    expect(scanPairs('{"currency": "EUR}\n"amount": , "date":')).toEqual([
      { path: ['currency'], kind: 'string', text: 'EUR}', closed: false },
      { path: ['amount'], kind: 'missing' },
      { path: ['date'], kind: 'missing' },
    ]);
  });

  it('decodes escapes and skips comments', () => {
    expect(scanPairs('{"name": "a\\"b\\u00e9" /* note */, // line\n "id": 7}')).toEqual([
      { path: ['name'], kind: 'string', text: 'a"bé', closed: true },
      { path: ['id'], kind: 'number', text: '7' },
    ]);
  });

  it('recovers pairs of text without any braces', () => {
    expect(scanPairs('"amount": 3, "mrn": "X1"').map((r) => r.path)).toEqual([['amount'], ['mrn']]);
  });
});
