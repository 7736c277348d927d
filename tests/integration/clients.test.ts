// The requests the guide's existing clients send, byte for byte as they send them: the Python
// SDK (requests + json.dumps: spaces after separators, ASCII escapes, optional fields as null),
// a Postman collection (pretty-printed, X-ODIN-* headers, postman-<uuid> trace ids) and the
// JavaScript SDK (fetch, client-chosen trace ids). Also what those clients read back: bare
// chain arrays, `detail` on errors, X-ODIN-* export headers.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwks } from '@/server/keys/signing-keys';
import { verifyBundle, verifyChain } from '@/server/receipts/verify';
import { startTestApi, type TestApi } from '../support/api';

let api: TestApi;
let key: string;

beforeAll(async () => {
  api = await startTestApi();
  key = await api.tenantWithKey('sdk-tenant');
});
afterAll(async () => {
  await api?.close();
});

async function counts() {
  return { receipts: await api.db.prisma.receipt.count(), usage: await api.db.prisma.usageEvent.count() };
}

/** What Python's requests.post(url, data=json.dumps(body), headers=...) puts on the wire. */
function pythonSdkPost(body: string, headers: Record<string, string> = {}) {
  return fetch(`${api.url}/v1/exchange`, {
    method: 'POST',
    headers: {
      'User-Agent': 'python-requests/2.32.3',
      'Accept-Encoding': 'gzip, deflate',
      Accept: '*/*',
      Connection: 'keep-alive',
      'Content-Type': 'application/json',
      'X-SIGNET-API-Key': key,
      'X-SIGNET-Idempotency-Key': randomUUID(),
      ...headers,
    },
    body,
  });
}

// json.dumps({"invoice_id": "INV-12345", "amount": 1500.00, ...}): Python prints 1500.0.
const pythonArguments = '{"invoice_id": "INV-12345", "amount": 1500.0, "currency": "USD", "customer_name": "Example Customer", "description": "Consulting services"}';
const pythonBody = (args: string, trace = 'null') =>
  `{"payload_type": "openai.tooluse.invoice.v1", "target_type": "invoice.iso20022.v1", "payload": {"tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "create_invoice", "arguments": ${JSON.stringify(args)}}}]}, "trace_id": ${trace}, "forward_url": null, "semantic_invariants": null}`;

describe('the Python SDK', () => {
  it('sends optional fields as null, the buyer as customer_name and a description: all mapped into the invoice and its receipt', async () => {
    const res = await pythonSdkPost(pythonBody(pythonArguments));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.trace_id).toMatch(/^tr_/);
    expect(body.normalized).toEqual({
      document_type: 'FinancialInvoice',
      invoice_header: { id: 'INV-12345', type_code: '380', notes: ['Consulting services'] },
      trade_agreement: { buyer: { name: 'Example Customer' } },
      trade_settlement: { currency: 'USD', total_amount: { currency: 'USD', value: '1500.00', minor_units: '150000' } },
    });
    const chain = await (await fetch(`${api.url}/v1/receipts/chain/${body.trace_id}`, { headers: { 'X-SIGNET-API-Key': key } })).json();
    expect(JSON.parse(chain[0].canon)).toEqual(body.normalized);
  });

  it('escapes non-ASCII as json.dumps does (surrogate pairs included) and names the buyer `customer`', async () => {
    // json.dumps(ensure_ascii=True) of "Société Générale 🏦" and a note in Japanese.
    const args = '{"invoice_id": "INV-77", "amount": "980.50", "currency": "EUR", "customer": "Soci\\u00e9t\\u00e9 G\\u00e9n\\u00e9rale \\ud83c\\udfe6", "description": "\\u8acb\\u6c42\\u66f8"}';
    const res = await pythonSdkPost(pythonBody(args));
    expect(res.status).toBe(200);
    const { normalized } = await res.json();
    expect(normalized.trade_agreement.buyer.name).toBe('Société Générale 🏦');
    expect(normalized.invoice_header.notes).toEqual(['請求書']);
  });

  it('reads `detail` on an error: an unknown field is named, with what is accepted', async () => {
    const before = await counts();
    const res = await pythonSdkPost(pythonBody('{"invoice_id": "INV-1", "amount": 10, "currency": "USD", "customer_email": "a@example.com"}'));
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error.code).toBe('ARGUMENTS_SCHEMA_INVALID');
    expect(body.detail).toBe(body.error.message);
    expect(body.detail).toContain('/customer_email is not allowed here (accepted: invoice_id, amount, currency,');
    expect(body.detail).toContain('customer_name, customer,');
    expect(await counts()).toEqual(before);
  });

  it('is refused, naming both fields, when two spellings of the buyer or the note disagree; accepted when they agree', async () => {
    const conflict = await pythonSdkPost(pythonBody('{"invoice_id": "INV-2", "amount": 10, "currency": "USD", "customer_name": "Acme", "buyer": {"name": "Globex"}}'));
    expect(conflict.status).toBe(422);
    const body = await conflict.json();
    expect(body.detail).toContain('buyer.name "Globex" and customer_name "Acme" differ');
    const notes = await pythonSdkPost(pythonBody('{"invoice_id": "INV-2", "amount": 10, "currency": "USD", "description": "a", "notes": "b"}'));
    expect((await notes.json()).detail).toContain('notes "b" and description "a" differ');

    const agree = await pythonSdkPost(pythonBody('{"invoice_id": "INV-3", "amount": 10, "currency": "USD", "customer_name": "Acme", "buyer": {"name": "Acme", "country": "US"}, "description": "x", "notes": "x"}'));
    expect(agree.status).toBe(200);
    expect((await agree.json()).normalized).toMatchObject({ trade_agreement: { buyer: { name: 'Acme', country: 'US' } }, invoice_header: { notes: ['x'] } });
  });
});

describe('a Postman collection', () => {
  it('posts pretty-printed JSON with X-ODIN-* headers and a postman-<uuid> trace, then reads the chain and the export', async () => {
    const trace = `postman-${randomUUID()}`;
    const body = `{\n\t"payload_type": "openai.tooluse.invoice.v1",\n\t"target_type": "invoice.iso20022.v1",\n\t"payload": {\n\t\t"tool_calls": [\n\t\t\t{\n\t\t\t\t"function": {\n\t\t\t\t\t"name": "create_invoice",\n\t\t\t\t\t"arguments": "{\\"invoice_id\\":\\"INV-12345\\",\\"amount\\":1500.00,\\"currency\\":\\"USD\\",\\"customer_name\\":\\"Example Customer\\",\\"description\\":\\"Consulting services\\"}"\n\t\t\t\t}\n\t\t\t}\n\t\t]\n\t},\n\t"trace_id": "${trace}"\n}`;
    const headers = { 'Content-Type': 'application/json', 'User-Agent': 'PostmanRuntime/7.43.0', Accept: '*/*', 'Cache-Control': 'no-cache', 'Postman-Token': randomUUID(), 'X-ODIN-API-Key': key };
    for (const hop of [1, 2]) {
      const res = await fetch(`${api.url}/v1/exchange`, { method: 'POST', headers: { ...headers, 'X-ODIN-Idempotency-Key': randomUUID() }, body });
      expect(res.status).toBe(200);
      const answer = await res.json();
      expect(answer.trace_id).toBe(trace);
      expect(answer.receipt.hop).toBe(hop);
    }

    const chainRes = await fetch(`${api.url}/v1/receipts/chain/${trace}`, { headers: { 'X-ODIN-API-Key': key } });
    const chain = await chainRes.json();
    expect(Array.isArray(chain)).toBe(true);
    expect(chain.map((r: { hop: number }) => r.hop)).toEqual([1, 2]);
    expect(verifyChain(chain, await jwks()).valid).toBe(true);

    const exported = await fetch(`${api.url}/v1/receipts/export/${trace}`, { headers: { 'X-ODIN-API-Key': key } });
    const bundle = await exported.json();
    expect(verifyBundle(bundle, await jwks()).valid).toBe(true);
    for (const prefix of ['x-signet', 'x-odin']) {
      expect(exported.headers.get(`${prefix}-response-cid`)).toBe(bundle.bundle_cid);
      expect(exported.headers.get(`${prefix}-signature`)).toBe(bundle.signature);
      expect(exported.headers.get(`${prefix}-kid`)).toBe(bundle.kid);
    }
  });
});

describe('the JavaScript SDK', () => {
  it('keeps client-chosen trace ids (client-<hex>) across hops', async () => {
    const trace = `client-3f2a${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const send = () =>
      fetch(`${api.url}/v1/exchange`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-signet-api-key': key, 'x-signet-idempotency-key': randomUUID() },
        body: JSON.stringify({
          payload_type: 'openai.tooluse.invoice.v1',
          target_type: 'invoice.iso20022.v1',
          payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: JSON.stringify({ invoice_id: 'INV-9', amount: 42, currency: 'USD' }) } }] },
          trace_id: trace,
          forward_url: null,
        }),
      });
    expect((await (await send()).json()).trace_id).toBe(trace);
    const second = await (await send()).json();
    expect(second).toMatchObject({ trace_id: trace, receipt: { hop: 2 } });
  });

  it('gets `detail` beside `error` on every kind of refusal, and on unknown routes', async () => {
    const refusals = [
      await fetch(`${api.url}/v1/exchange`, { method: 'POST', headers: { 'x-signet-api-key': key }, body: '{}' }),
      await fetch(`${api.url}/v1/exchange`, { method: 'POST', headers: { 'x-signet-idempotency-key': 'x' }, body: '{}' }),
      await fetch(`${api.url}/v1/receipts/chain/nope`, { headers: { 'x-signet-api-key': key } }),
      await fetch(`${api.url}/v1/nowhere`),
    ];
    expect(refusals.map((r) => r.status)).toEqual([400, 401, 404, 404]);
    for (const r of refusals) {
      const body = await r.json();
      expect(Object.keys(body)).toEqual(['error', 'detail']);
      expect(body.detail).toBe(body.error.message);
    }
  });
});
