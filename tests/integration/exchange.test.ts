// POST /v1/exchange and the chain routes end to end over real HTTP: the three verticals,
// idempotency, concurrent appends, and every SPEC §4 error (none of which counts a VEx).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwks } from '@/server/keys/signing-keys';
import { verifyBundle, verifyChain } from '@/server/receipts/verify';
import { startTestApi, type TestApi } from '../support/api';

const example = (path: string) => JSON.parse(readFileSync(`server/mappings/verticals/${path}.json`, 'utf8'));
const financeDemo = {
  payload_type: 'openai.tooluse.invoice.v1',
  target_type: 'invoice.iso20022.v1',
  payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: '{"invoice_id":"INV-001","amount":1000,"currency":"USD"}' } }] },
};

const invoiceArgs = (args: string) => ({ ...financeDemo, payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: args } }] } });

let api: TestApi;
let key: string;
let otherKey: string;

async function counts() {
  return { receipts: await api.db.prisma.receipt.count(), usage: await api.db.prisma.usageEvent.count() };
}

beforeAll(async () => {
  api = await startTestApi({
    resolver: async (host) => (host === 'loopback.partner.example' ? ['127.0.0.1'] : host === 'meta.partner.example' ? ['169.254.169.254'] : ['10.0.0.8']),
  });
  key = await api.tenantWithKey('acme', { allowlist: ['*.partner.example'] });
  otherKey = await api.tenantWithKey('globex');
});
afterAll(async () => {
  await api?.close();
});

describe('the three verticals', () => {
  it("runs the guide's finance demo as written and returns a verifiable receipt", async () => {
    const res = await api.exchange(key, financeDemo);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(res.headers.get('x-signet-trace')).toBe(body.trace_id);
    expect(body.normalized.trade_settlement.total_amount).toEqual({ currency: 'USD', value: '1000.00', minor_units: '100000' });
    expect(body.policy).toEqual({ engine: 'HEL', allowed: true, reason: 'no_forward' });
    expect(body.receipt.hop).toBe(1);
    expect(body.receipt.prev_receipt_hash).toBeNull();

    const chain = await fetch(`${api.url}/v1/receipts/chain/${body.trace_id}`, { headers: { 'x-signet-api-key': key } });
    const receipts = await chain.json();
    expect(receipts[0].receipt_hash).toBe(body.receipt.receipt_hash);
    expect(verifyChain(receipts, await jwks()).valid).toBe(true);
  });

  it('repairs malformed tool-call arguments deterministically', async () => {
    const ex = example('finance/examples/repaired-arguments');
    const res = await api.exchange(key, { payload_type: ex.payload_type, target_type: ex.target_type, payload: ex.payload });
    expect(res.status).toBe(200);
    expect((await res.json()).normalized).toEqual(ex.normalized);
  });

  it('anonymizes a FHIR patient under no_phi_leakage and minimum_necessary', async () => {
    const ex = example('healthcare/examples/patient-full');
    const res = await api.exchange(key, { payload_type: ex.payload_type, target_type: ex.target_type, payload: ex.payload, semantic_invariants: ['no_phi_leakage', 'minimum_necessary'] });
    expect(res.status).toBe(200);
    const text = JSON.stringify((await res.json()).normalized);
    for (const phi of ['Okonkwo', 'Adaeze', 'MRN-7730912', '123-45-6789', 'pat-0042']) expect(text).not.toContain(phi);
  });

  it('chains PO → shipment notice → invoice as one trace of three hops, exported and verified', async () => {
    const po = example('supply/examples/purchase-order');
    const hop1 = await (await api.exchange(key, { payload_type: po.payload_type, target_type: po.target_type, payload: po.payload, trace_id: 'supply-PO-12345' })).json();
    const hop2 = await (await api.exchange(key, { payload_type: 'supply.shipment_notice.v1', target_type: 'invoice.iso20022.v1', payload: hop1.normalized, trace_id: 'supply-PO-12345' })).json();
    expect(hop1.receipt.hop).toBe(1);
    expect(hop2.receipt.hop).toBe(2);
    expect(hop2.receipt.prev_receipt_hash).toBe(hop1.receipt.receipt_hash);
    const hop3res = await api.exchange(key, { payload_type: 'openai.tooluse.invoice.v1', target_type: 'invoice.iso20022.v1', payload: financeDemo.payload, trace_id: 'supply-PO-12345' });
    expect((await hop3res.json()).receipt.hop).toBe(3);

    const res = await fetch(`${api.url}/v1/receipts/export/supply-PO-12345`, { headers: { 'x-signet-api-key': key } });
    expect(res.status).toBe(200);
    const bundle = await res.json();
    expect(res.headers.get('x-signet-response-cid')).toBe(bundle.bundle_cid);
    expect(res.headers.get('x-signet-signature')).toBe(bundle.signature);
    expect(res.headers.get('x-signet-kid')).toBe(bundle.kid);
    expect(bundle.chain.map((r: { hop: number }) => r.hop)).toEqual([1, 2, 3]);
    const keys = await jwks();
    expect(verifyBundle(bundle, keys).valid).toBe(true);

    const tampered = JSON.parse(JSON.stringify(bundle).replace('PO-12345', 'PO-12346'));
    const report = verifyBundle(tampered, keys);
    expect(report.valid).toBe(false);
    expect(report.firstFailure?.hop).toBe(1);
  });
});

describe('exact amounts', () => {
  const receiptCanon = async (res: Response) => {
    expect(res.status).toBe(200);
    const { trace_id } = await res.json();
    const [receipt] = await (await fetch(`${api.url}/v1/receipts/chain/${trace_id}`, { headers: { 'x-signet-api-key': key } })).json();
    return JSON.parse(receipt.canon);
  };

  it('signs 123456789012345678 USD as written, not as the nearest double', async () => {
    const canon = await receiptCanon(await api.exchange(key, invoiceArgs('{"invoice_id":"INV-BIG","amount":123456789012345678,"currency":"USD"}')));
    expect(canon.trade_settlement.total_amount).toEqual({ currency: 'USD', value: '123456789012345678.00', minor_units: '12345678901234567800' });
  });

  it('reads payload numbers exactly too: a purchase order priced beyond 2^53, and sub-cent unit prices', async () => {
    const po = (unitPrice: string, quantity = 1) => ({
      payload_type: 'supply.purchase_order.v1',
      target_type: 'supply.shipment_notice.v1',
      payload: { po_number: 'PO-X', currency: 'USD', items: [{ sku: 'S', description: 'd', quantity, unit_price: unitPrice }] },
    });
    const big = JSON.stringify(po('x')).replace('"x"', '123456789012345678.25');
    const asn = await receiptCanon(await api.exchange(key, big));
    expect(asn.lines[0].unit_price).toBe('123456789012345678.25');
    const subCent = await receiptCanon(await api.exchange(key, JSON.stringify(po('x', 8)).replace('"x"', '0.125')));
    expect(subCent.lines[0].unit_price).toBe('0.125');
    // The invoice that bills it: 8 × 0.125 = 1.00 USD; the unit price keeps its digits.
    const invoice = await receiptCanon(await api.exchange(key, { payload_type: 'supply.shipment_notice.v1', target_type: 'invoice.iso20022.v1', payload: subCent }));
    expect(invoice.line_items[0].unit_price).toEqual({ currency: 'USD', value: '0.125' });
    expect(invoice.trade_settlement.total_amount).toEqual({ currency: 'USD', value: '1.00', minor_units: '100' });
  });
});

describe('idempotency', () => {
  it('replays the stored response byte for byte and counts nothing', async () => {
    const first = await api.exchange(key, financeDemo, 'replay-1');
    const firstText = await first.text();
    const before = await counts();
    const again = await api.exchange(key, { ...financeDemo, payload_type: 'ignored on replay' }, 'replay-1');
    expect(again.status).toBe(200);
    expect(again.headers.get('x-signet-idempotency-hit')).toBe('1');
    expect(await again.text()).toBe(firstText);
    expect(await counts()).toEqual(before);
  });

  it('replays a key another instance stored, even when the repeated request is invalid', async () => {
    const stored = JSON.stringify({ trace_id: 'tr_elsewhere', stored: 'by another instance' });
    await api.storeResponseElsewhere(key, 'elsewhere-1', stored);
    await api.storeResponseElsewhere(key, 'elsewhere-2', stored);
    const before = await counts();
    for (const [idem, body] of [
      ['elsewhere-1', financeDemo],
      ['elsewhere-2', '{"payload_type": not json'],
    ] as const) {
      const res = await api.exchange(key, body, idem);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-signet-idempotency-hit')).toBe('1');
      expect(res.headers.get('x-signet-trace')).toBe('tr_elsewhere');
      expect(await res.text()).toBe(stored);
    }
    expect(await counts()).toEqual(before);
  });

  it('is per API key: the same idempotency key on another key is a new exchange', async () => {
    await api.exchange(key, financeDemo, 'shared-idem');
    const other = await api.exchange(otherKey, financeDemo, 'shared-idem');
    expect(other.headers.get('x-signet-idempotency-hit')).toBeNull();
  });

  it('turns 50 concurrent identical requests into exactly one exchange', async () => {
    const before = await counts();
    const responses = await Promise.all(Array.from({ length: 50 }, () => api.exchange(key, financeDemo, 'concurrent-50')));
    const texts = await Promise.all(responses.map((r) => r.text()));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(new Set(texts).size).toBe(1);
    expect(responses.filter((r) => r.headers.get('x-signet-idempotency-hit') === '1')).toHaveLength(49);
    expect(await counts()).toEqual({ receipts: before.receipts + 1, usage: before.usage + 1 });
  });
});

describe('concurrent appends', () => {
  it('never fork a trace: 20 concurrent appends after hop 1 give hops 1..21 with no gaps', async () => {
    const first = await api.exchange(key, { ...financeDemo, trace_id: 'busy-trace' });
    expect(first.status).toBe(200);
    const responses = await Promise.all(Array.from({ length: 20 }, () => api.exchange(key, { ...financeDemo, trace_id: 'busy-trace' })));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const chain = await (await fetch(`${api.url}/v1/receipts/chain/busy-trace`, { headers: { 'x-signet-api-key': key } })).json();
    expect(chain.map((r: { hop: number }) => r.hop)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    const report = verifyChain(chain, await jwks());
    expect(report.valid).toBe(true);
  });
});

describe('read routes', () => {
  it("answer 404 for another tenant's trace and 401 without a key", async () => {
    const { trace_id } = await (await api.exchange(key, financeDemo)).json();
    for (const path of ['chain', 'export']) {
      const other = await fetch(`${api.url}/v1/receipts/${path}/${trace_id}`, { headers: { 'x-signet-api-key': otherKey } });
      expect(other.status).toBe(404);
      expect((await other.json()).error.code).toBe('TRACE_NOT_FOUND');
      expect((await fetch(`${api.url}/v1/receipts/${path}/${trace_id}`)).status).toBe(401);
      expect((await fetch(`${api.url}/v1/receipts/${path}/no-such-trace`, { headers: { 'x-signet-api-key': key } })).status).toBe(404);
    }
  });

  it('serve the JWKS, an OpenAPI 3.1 document and Prometheus metrics with SPEC names', async () => {
    const keys = await (await fetch(`${api.url}/.well-known/jwks.json`)).json();
    expect(keys.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', use: 'sig', alg: 'EdDSA' });
    const doc = await (await fetch(`${api.url}/openapi.json`)).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/exchange', '/v1/receipts/chain/{trace_id}', '/v1/receipts/export/{trace_id}', '/.well-known/jwks.json', '/healthz']));
    expect(Object.keys(doc.paths['/v1/exchange'].post.requestBody.content['application/json'].examples).length).toBeGreaterThanOrEqual(3);
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    for (const name of ['signet_exchanges_total', 'signet_denied_total', 'signet_exchange_duration_seconds_bucket']) expect(metrics).toContain(name);
    expect(metrics).toMatch(/signet_exchanges_total\{tenant="acme",api_key="sk_live_[0-9a-f]{8}"\}/);
    expect(metrics).not.toContain(key);
  });
});

describe('every SPEC §4 error, and none counts a VEx', () => {
  const call = (body: unknown, headers: Record<string, string> = {}, k: string | null = key) =>
    fetch(`${api.url}/v1/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(k ? { 'x-signet-api-key': k } : {}), 'x-signet-idempotency-key': `err-${Math.random()}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  const cases: [string, () => Promise<Response>, number, string][] = [
    ['malformed JSON', () => call('{"payload_type": '), 400, 'INVALID_JSON'],
    ['missing idempotency header', () => fetch(`${api.url}/v1/exchange`, { method: 'POST', headers: { 'x-signet-api-key': key }, body: JSON.stringify(financeDemo) }), 400, 'IDEMPOTENCY_KEY_REQUIRED'],
    ['invalid envelope', () => call({ ...financeDemo, payload: 'nope' }), 400, 'INVALID_REQUEST'],
    ['prototype pollution key', () => call('{"payload_type":"a","target_type":"b","payload":{"__proto__":{"x":1}}}'), 400, 'INVALID_JSON'],
    ['nesting too deep', () => call(`{"payload_type":"a","target_type":"b","payload":${'{"a":'.repeat(100)}1${'}'.repeat(100)}}`), 400, 'INVALID_JSON'],
    ['invalid UTF-8', () => fetch(`${api.url}/v1/exchange`, { method: 'POST', headers: { 'x-signet-api-key': key, 'x-signet-idempotency-key': 'utf' }, body: new Uint8Array([0x7b, 0xff, 0x7d]) }), 400, 'INVALID_JSON'],
    ['body over the limit', () => call({ ...financeDemo, payload: { pad: 'x'.repeat(1_100_000) } }), 413, 'PAYLOAD_TOO_LARGE'],
    ['missing API key', () => call(financeDemo, {}, null), 401, 'API_KEY_MISSING'],
    ['unknown API key', () => call(financeDemo, {}, 'sk_live_nope'), 401, 'API_KEY_INVALID'],
    ['ODIN header alias works for auth too', () => call(financeDemo, { 'x-odin-api-key': 'sk_live_nope' }, null), 401, 'API_KEY_INVALID'],
    ['forward over http', () => call({ ...financeDemo, forward_url: 'http://api.partner.example/in' }), 403, 'HEL_SCHEME_NOT_HTTPS'],
    ['forward host not allowed', () => call({ ...financeDemo, forward_url: 'https://bank-api.example.com/invoices' }), 403, 'HEL_HOST_NOT_ALLOWED'],
    ['forward resolving to a private address', () => call({ ...financeDemo, forward_url: 'https://api.partner.example/in' }), 403, 'HEL_RESOLVED_PRIVATE'],
    ['forward resolving to loopback', () => call({ ...financeDemo, forward_url: 'https://loopback.partner.example/in' }), 403, 'HEL_RESOLVED_LOOPBACK'],
    ['forward resolving to link-local metadata', () => call({ ...financeDemo, forward_url: 'https://meta.partner.example/in' }), 403, 'HEL_RESOLVED_LINKLOCAL'],
    ['unknown mapping', () => call({ ...financeDemo, target_type: 'invoice.ubl.v9' }), 422, 'UNKNOWN_MAPPING'],
    ['input schema invalid', () => call({ ...financeDemo, payload: { tool_calls: [] } }), 422, 'INPUT_SCHEMA_INVALID'],
    ['arguments unrepairable', () => call({ ...financeDemo, payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: '{ : }' } }] } }), 422, 'ARGUMENTS_UNREPAIRABLE'],
    ['arguments ambiguous', () => call({ ...financeDemo, payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: '{"invoice_id":"INV-9","amount":"1,5","currency":"EUR"}' } }] } }), 422, 'ARGUMENTS_AMBIGUOUS'],
    ['arguments truncated', () => call({ ...financeDemo, payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: '{"invoice_id":"INV-9","amount":12' } }] } }), 422, 'ARGUMENTS_TRUNCATED'],
    ['arguments missing a required field', () => call({ ...financeDemo, payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: '{"invoice_id":"INV-9","currency":"USD"}' } }] } }), 422, 'ARGUMENTS_SCHEMA_INVALID'],
    ['amount finer than the currency allows', () => call({ ...financeDemo, payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: '{"invoice_id":"INV-9","amount":10.005,"currency":"USD"}' } }] } }), 422, 'TRANSFORM_FAILED'],
    ['unknown semantic invariant', () => call({ ...financeDemo, semantic_invariants: ['be_nice'] }), 422, 'UNKNOWN_INVARIANT'],
    ['an amount finer than the currency past what a double holds', () => call(invoiceArgs('{"invoice_id":"INV-9","amount":1.0000000000000001,"currency":"USD"}')), 422, 'TRANSFORM_FAILED'],
    ['a lone surrogate in the arguments', () => call(invoiceArgs('{"invoice_id":"A\\ud800","amount":1,"currency":"USD"}')), 422, 'INVALID_UNICODE'],
    ['a lone surrogate in the payload', () => call('{"payload_type":"supply.purchase_order.v1","target_type":"supply.shipment_notice.v1","payload":{"po_number":"P\\udc00","currency":"USD","items":[{"sku":"a","description":"b","quantity":1,"unit_price":1}]}}'), 422, 'INVALID_UNICODE'],
    ['a lone surrogate in a key of the arguments', () => call(invoiceArgs('{"invoice_id":"A","amount":1,"currency":"USD","\\ud83d":1}')), 422, 'INVALID_UNICODE'],
  ];

  it.each(cases)('%s', async (_name, send, status, code) => {
    const before = await counts();
    const res = await send();
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe('string');
    expect(body.detail).toBe(body.error.message);
    expect(await counts()).toEqual(before);
  });

  it('names the field of an amount finer than its currency, and the place of a lone surrogate', async () => {
    const amount = await (await call(invoiceArgs('{"invoice_id":"INV-9","amount":1.0000000000000001,"currency":"USD"}'))).json();
    expect(amount.detail).toBe('openai.tooluse.invoice.v1 → invoice.iso20022.v1: /amount 1.0000000000000001 has 16 fractional digits; USD allows 2');
    const inArgs = await (await call(invoiceArgs('{"invoice_id":"A\\ud800","amount":1,"currency":"USD"}'))).json();
    expect(inArgs.detail).toMatch(/^the arguments at \/invoice_id contains a lone surrogate/);
    const inPayload = await (await call('{"payload_type":"x","target_type":"y","payload":{"note":["ok","\\ud800"]}}')).json();
    expect(inPayload.detail).toMatch(/^payload.note\[1\] contains a lone surrogate/);
  });

  it('revoked and expired keys are refused', async () => {
    const revoked = await api.tenantWithKey('acme');
    await api.db.prisma.apiKey.updateMany({ where: { revokedAt: null, tenantId: 'acme', createdAt: { gte: new Date(Date.now() - 5000) } }, data: { revokedAt: new Date() } });
    const res = await call(financeDemo, {}, revoked);
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('API_KEY_REVOKED');

    const expiring = await api.tenantWithKey('globex');
    await api.db.prisma.apiKey.updateMany({ where: { tenantId: 'globex', revokedAt: null, createdAt: { gte: new Date(Date.now() - 2000) } }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const res2 = await call(financeDemo, {}, expiring);
    expect(res2.status).toBe(401);
    expect((await res2.json()).error.code).toBe('API_KEY_EXPIRED');
  });

  it('counts refusals in signet_denied_total by reason and tenant', async () => {
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/signet_denied_total\{reason="HEL_HOST_NOT_ALLOWED",tenant="acme"\} [1-9]/);
    expect(metrics).toMatch(/signet_denied_total\{reason="API_KEY_MISSING",tenant="unknown"\} [1-9]/);
  });
});
