// The metered LLM fallback through /v1/exchange against a local OpenAI-compatible server:
// repairs that succeed are billed exactly (signed fu_tokens, FU ledger rows); every failure,
// including a repair that changes the business content, costs the tenant nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '@/server/config';
import { fallbackConfigured } from '@/server/fallback/config';
import { createOpenAiProvider } from '@/server/fallback/provider';
import { estimateTokens } from '@/server/fallback/quota';
import { createFallback } from '@/server/fallback/service';
import { startFakeLlm, type FakeLlm, type ScriptedReply } from '@/server/fallback/testing/fake-llm';
import { clearApiKeyCache } from '@/server/apikeys/authenticate';
import { jwks } from '@/server/keys/signing-keys';
import { verifyChain } from '@/server/receipts/verify';
import type { Receipt } from '@/server/receipts/types';
import { startTestApi, type TestApi } from '../support/api';

// Prose without a JSON object: no rule can repair it, so it reaches the fallback.
const BROKEN = 'Invoice INV-77 for 1.200,50 EUR billed to Acme Corp, please bill this';
const call = (args = BROKEN) => ({
  payload_type: 'openai.tooluse.invoice.v1',
  target_type: 'invoice.iso20022.v1',
  payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: args } }] },
});
const faithful = { content: '{"invoice_id":"INV-77","amount":1200.50,"currency":"EUR"}', usage: { prompt_tokens: 300, completion_tokens: 21, total_tokens: 321 } };

let llm: FakeLlm;
let api: TestApi;
let key: string;

async function chainOf(traceId: string): Promise<Receipt[]> {
  return (await fetch(`${api.url}/v1/receipts/chain/${traceId}`, { headers: { 'x-signet-api-key': key } })).json();
}

async function fuUsed(tenantId: string) {
  const agg = await api.db.prisma.usageEvent.aggregate({ where: { tenantId, meter: 'fu' }, _sum: { units: true } });
  return agg._sum.units ?? 0n;
}

beforeAll(async () => {
  llm = await startFakeLlm();
  const config = loadConfig({ SP_OPENAI_API_KEY: 'test-key', SP_FALLBACK_BASE_URL: llm.baseURL, SP_FALLBACK_TIMEOUT_MS: '3000', SP_FALLBACK_BREAKER_FAILURES: '50' }).fallback;
  if (!fallbackConfigured(config)) throw new Error('the fake LLM config must enable the fallback');
  api = await startTestApi({ fallback: createFallback(config, createOpenAiProvider(config)) });
  key = await api.tenantWithKey('fin', { fallbackEnabled: true });
});
afterAll(async () => {
  await api?.close();
  await llm?.close();
});
beforeEach(() => {
  llm.requests.length = 0;
});

describe('LLM fallback through /v1/exchange', () => {
  it('repairs what jsonrepair cannot, signs fallback_used and the exact token count, and bills exactly that', async () => {
    const before = await fuUsed('fin');
    llm.enqueue(faithful);
    const res = await api.exchange(key, call());
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.normalized.trade_settlement.total_amount).toEqual({ currency: 'EUR', value: '1200.50', minor_units: '120050' });
    expect(body.fallback_used).toBe(true);
    expect(body.fu_tokens).toBe(321);
    expect(await fuUsed('fin')).toBe(before + 321n);

    const prompt = JSON.stringify(llm.requests[0]!.body.messages);
    expect(prompt).toContain('invoice_id');
    expect(prompt).toContain('please bill this');

    const chain = await chainOf(body.trace_id);
    expect(chain[0]).toMatchObject({ fallback_used: true, fu_tokens: 321, repair: { method: 'llm', changes: ['/invoice_id', '/amount', '/currency'].map((path) => ({ path, kind: 'llm' })) } });
    expect(body.repair).toEqual(chain[0]!.repair);
    expect(verifyChain(chain, await jwks()).valid).toBe(true);
  });

  it("accepts the issue's faithful repairs: an answer to prose, and an amount and buyer restructured from strings", async () => {
    const prose = 'Invoice INV-77 for 1200 USD billed to Acme Corp, consulting services';
    llm.enqueue({ content: '{"invoice_id":"INV-77","amount":1200,"currency":"USD","buyer":{"name":"Acme Corp"},"notes":"consulting services"}', usage: { total_tokens: 200 } });
    const first = await api.exchange(key, call(prose));
    expect(first.status).toBe(200);
    expect((await first.json()).normalized.trade_agreement.buyer).toEqual({ name: 'Acme Corp' });

    // A rename no rule makes: the model answers with the schema's keys.
    const renamed = '{"invoice_number": "INV-80", "total": "1,200 USD", "client": "Acme Corp"}';
    llm.enqueue({ content: '{"invoice_id":"INV-80","amount":1200,"currency":"USD","buyer":{"name":"Acme Corp"}}', usage: { total_tokens: 150 } });
    const second = await api.exchange(key, call(renamed));
    expect(second.status).toBe(200);
    const body = await second.json();
    expect(body.repair).toEqual({
      method: 'llm',
      changes: ['/invoice_id', '/amount', '/currency', '/buyer/name'].map((path) => ({ path, kind: 'llm' })),
    });
    expect(verifyChain(await chainOf(body.trace_id), await jwks()).valid).toBe(true);
  });

  it('repairs deterministically without the model, and signs what changed', async () => {
    const res = await api.exchange(key, call('Here you go:\n```json\n{"invoice_id": "INV-81", "amount": "$1,200.50", "buyer": "Acme Corp"}\n```'));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.normalized.trade_settlement.total_amount).toEqual({ currency: 'USD', value: '1200.50', minor_units: '120050' });
    const [receipt] = await chainOf(body.trace_id);
    expect(receipt!.repair).toEqual({
      method: 'deterministic',
      changes: [
        { path: '', kind: 'syntax' },
        { path: '/buyer', kind: 'restructured' },
        { path: '/amount', kind: 'normalized' },
        { path: '/currency', kind: 'normalized' },
      ],
    });
    expect(receipt).not.toHaveProperty('fallback_used');
    expect(verifyChain([receipt!], await jwks()).valid).toBe(true);
    expect(llm.requests).toHaveLength(0);
  });

  it.each([
    ['an ambiguous amount', '{"invoice_id": "INV-82", "amount": "1.200 €", "currency": "EUR"}', 'ARGUMENTS_AMBIGUOUS', /\/amount: "1.200 €" could be a decimal or a thousands-separated amount/],
    ['a currency symbol against the currency', '{"invoice_id": "INV-82", "amount": "$5", "currency": "EUR"}', 'ARGUMENTS_AMBIGUOUS', /is in \$ but \/currency is EUR/],
    ['truncated output', '{"invoice_id": "INV-82", "amount": 12', 'ARGUMENTS_TRUNCATED', /truncated/],
  ])('refuses %s without spending tokens', async (_name, text, code, message) => {
    const before = await fuUsed('fin');
    const res = await api.exchange(key, call(text));
    expect(res.status).toBe(422);
    const { error } = await res.json();
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(llm.requests).toHaveLength(0);
    expect(await fuUsed('fin')).toBe(before);
  });

  it('never spends the fallback on a key another instance already answered', async () => {
    const stored = JSON.stringify({ trace_id: 'tr_repaired_elsewhere' });
    await api.storeResponseElsewhere(key, 'repaired-elsewhere', stored);
    const before = await fuUsed('fin');
    const res = await api.exchange(key, call(), 'repaired-elsewhere');
    expect(res.headers.get('x-signet-idempotency-hit')).toBe('1');
    expect(await res.text()).toBe(stored);
    expect(llm.requests).toHaveLength(0);
    expect(await fuUsed('fin')).toBe(before);
  });

  it('spends the fallback once for concurrent requests with one idempotency key', async () => {
    const before = await fuUsed('fin');
    llm.enqueue(faithful); // a second call to the model would get a 500
    const [a, b] = await Promise.all([1, 2].map(() => api.exchange(key, call(), 'concurrent-repair')));
    expect([a!.status, b!.status]).toEqual([200, 200]);
    expect(await a!.text()).toBe(await b!.text());
    expect(llm.requests).toHaveLength(1);
    expect(await fuUsed('fin')).toBe(before + 321n);
  });

  it('sums tokens over two attempts when the first reply fails validation', async () => {
    const before = await fuUsed('fin');
    llm.enqueue({ content: '{"invoice_id":"INV-77","amount":1200.50}', usage: { total_tokens: 123 } }, { ...faithful, usage: { total_tokens: 456 } });
    const res = await api.exchange(key, call());
    expect(res.status).toBe(200);
    expect((await res.json()).fu_tokens).toBe(579);
    expect(await fuUsed('fin')).toBe(before + 579n);
    expect(JSON.stringify(llm.requests[1]!.body.messages)).toMatch(/currency/);
  });

  const failures: [string, ScriptedReply[], number, string][] = [
    ['attempts exhausted', [{ content: '{"invoice_id":"INV-77"}', usage: { total_tokens: 10 } }, { content: '{"invoice_id":"INV-77"}', usage: { total_tokens: 10 } }], 422, 'FALLBACK_EXHAUSTED'],
    ['provider 500', [{ status: 500 }], 502, 'FALLBACK_PROVIDER_ERROR'],
    ['provider timeout', [{ hang: true }], 504, 'FALLBACK_TIMEOUT'],
    ['malformed provider reply', [{ malformed: 'no_choices' }], 502, 'FALLBACK_PROVIDER_ERROR'],
    ['a repair that changes the amount', [{ content: '{"invoice_id":"INV-77","amount":1250.50,"currency":"EUR"}', usage: { total_tokens: 300 } }], 422, 'SEMANTIC_INVARIANT_VIOLATED'],
    ['a repair that invents a buyer', [{ content: '{"invoice_id":"INV-77","amount":1200.50,"currency":"EUR","buyer":{"name":"Globex"}}', usage: { total_tokens: 300 } }], 422, 'SEMANTIC_INVARIANT_VIOLATED'],
    ['a repair that changes the currency', [{ content: '{"invoice_id":"INV-77","amount":1200.50,"currency":"USD"}', usage: { total_tokens: 300 } }], 422, 'SEMANTIC_INVARIANT_VIOLATED'],
    ['a repair that changes the id', [{ content: '{"invoice_id":"INV-78","amount":1200.50,"currency":"EUR"}', usage: { total_tokens: 300 } }], 422, 'SEMANTIC_INVARIANT_VIOLATED'],
  ];
  it.each(failures)('%s fails clearly and costs nothing', async (name, replies, status, code) => {
    const before = { fu: await fuUsed('fin'), receipts: await api.db.prisma.receipt.count() };
    llm.enqueue(...replies);
    const res = await api.exchange(key, call());
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(body.error.code).toBe(code);
    if (code === 'SEMANTIC_INVARIANT_VIOLATED') expect(body.error.semantic_violations.length).toBeGreaterThan(0);
    if (name.includes('invents')) expect(body.error.message).toContain('buyer.name (name) "Globex" is found nowhere in the original text');
    expect(await fuUsed('fin')).toBe(before.fu);
    expect(await api.db.prisma.receipt.count()).toBe(before.receipts);
  });

  it('never calls the model when deterministic repair suffices or the tenant has not enabled fallback', async () => {
    const repairable = await api.exchange(key, call(`{'invoice_id': 'INV-5', amount: 10, 'currency': 'USD',`));
    expect(repairable.status).toBe(200);
    const off = await api.tenantWithKey('nofallback');
    const res = await api.exchange(off, call());
    expect(res.status).toBe(422);
    expect((await res.json()).error.code).toBe('ARGUMENTS_SCHEMA_INVALID'); // prose is a JSON string, not an object
    expect(llm.requests).toHaveLength(0);
  });

  it('enforces the monthly FU quota at the boundary with the current and limit figures', async () => {
    const quotaKey = await api.tenantWithKey('capped', { fallbackEnabled: true, fuMonthlyLimit: 400n });
    llm.enqueue({ ...faithful, usage: { total_tokens: 400 } });
    expect((await api.exchange(quotaKey, call())).status).toBe(200);
    const refused = await api.exchange(quotaKey, call());
    expect(refused.status).toBe(429);
    expect((await refused.json()).error).toMatchObject({ code: 'FU_QUOTA_EXCEEDED', current: '400', limit: '400' });
    expect(llm.requests).toHaveLength(1);

    await api.db.prisma.tenant.update({ where: { id: 'capped' }, data: { fuMonthlyLimit: 401n } });
    clearApiKeyCache();
    llm.enqueue(faithful);
    expect((await api.exchange(quotaKey, call())).status).toBe(200);
    expect(await fuUsed('capped')).toBe(721n);
  });

  it('lets concurrent requests near the limit overshoot by at most one estimate', async () => {
    // Each repair spends exactly the pre-call estimate, the quota's unit of account.
    const mapping = api.registry.get('openai.tooluse.invoice.v1', 'invoice.iso20022.v1')!;
    const estimate = estimateTokens(BROKEN, mapping.argumentsSchema!, 2);
    const limit = BigInt(estimate * 2 + 1);
    const k = await api.tenantWithKey('racy', { fallbackEnabled: true, fuMonthlyLimit: limit });
    for (let i = 0; i < 8; i++) llm.enqueue({ ...faithful, usage: { total_tokens: estimate } });
    const responses = await Promise.all(Array.from({ length: 8 }, () => api.exchange(k, call())));
    const statuses = responses.map((r) => r.status);
    const succeeded = statuses.filter((s) => s === 200).length;
    expect(statuses.filter((s) => s === 429).length).toBe(8 - succeeded);
    // At most three holds of one estimate fit under 2 × estimate + 1 (fewer when a request
    // arrives after an earlier one has already committed its usage).
    expect(succeeded).toBeGreaterThanOrEqual(1);
    expect(succeeded).toBeLessThanOrEqual(3);
    // Without in-flight holds all eight would pass the check together.
    expect(await fuUsed('racy')).toBeLessThanOrEqual(limit + BigInt(estimate));
  });
});
