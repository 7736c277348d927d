// The OpenAPI document cannot drift from the API: every route the Hono app serves is in the
// served document and every documented operation is served; and real responses of every route
// (successes, and the refusals of SPEC §4 a test can reach: 400, 401, 403, 404, 409, 413, 422,
// 429, 502) conform to it in status, content type, required headers and body. Runs on PGlite, or on
// PostgreSQL with DATABASE_URL.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encode } from 'next-auth/jwt';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp } from '@/api/app';
import { GUIDE_RESERVED_JSON } from '@/server/billing/testing/guide-reserved';
import { loadConfig } from '@/server/config';
import { fallbackConfigured } from '@/server/fallback/config';
import { createOpenAiProvider } from '@/server/fallback/provider';
import { createFallback } from '@/server/fallback/service';
import { startFakeLlm, type FakeLlm } from '@/server/fallback/testing/fake-llm';
import { startTransparencyLog } from '@/server/log/start';
import { createUser } from '@/server/tenants/accounts';
import { startTestApi, type TestApi } from '../support/api';
import { conformanceChecker, documentedOperations, servedOperations, type ConformanceChecker, type OpenApiDocument } from '../support/openapi';

const PUBLIC_IP = '93.184.216.34';
const WEBHOOK_SECRET = 'whsec_conformance';
const ADMIN_TOKEN = 'admin-token-for-conformance';
const invoice = (n: number, args?: string) => ({
  payload_type: 'openai.tooluse.invoice.v1',
  target_type: 'invoice.iso20022.v1',
  payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: args ?? JSON.stringify({ invoice_id: `INV-${n}`, amount: n + 1, currency: 'USD' }) } }] },
});
// Prose no rule can repair: it reaches the LLM fallback.
const PROSE = 'Invoice INV-77 for 1.200,50 EUR billed to Acme Corp, please bill this';

let api: TestApi;
let llm: FakeLlm;
let log: Awaited<ReturnType<typeof startTransparencyLog>>;
let doc: OpenApiDocument;
let checker: ConformanceChecker;
let dir: string;
const keys = {} as Record<'owner' | 'other' | 'quota', string>;
const cookies = {} as Record<'auditor' | 'member', string>;

const get = (p: string, headers: Record<string, string> = {}) => fetch(`${api.url}${p}`, { headers });
const keyed = (who: keyof typeof keys = 'owner') => ({ 'x-signet-api-key': keys[who] });
/** Checks the response against the document's operation `METHOD template` and returns its body. */
const conforms = (method: string, template: string, res: Response, status: number) => {
  expect(res.status, `${method} ${template}`).toBe(status);
  return checker.check(method, template, res);
};

async function sessionCookie(email: string, platformRole?: 'auditor') {
  const user = await createUser({ email, password: 'a-long-password', name: email.split('@')[0]!, ...(platformRole && { platformRole }) });
  return `next-auth.session-token=${await encode({ token: { sub: user.id, email }, secret: process.env.NEXTAUTH_SECRET! })}`;
}

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET ??= 'conformance-test-secret-0123456789';
  process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
  process.env.SP_ADMIN_TOKEN = ADMIN_TOKEN;
  dir = mkdtempSync(path.join(tmpdir(), 'signet-conformance-'));
  llm = await startFakeLlm();
  const fallback = loadConfig({ SP_OPENAI_API_KEY: 'test-key', SP_FALLBACK_BASE_URL: llm.baseURL, SP_FALLBACK_TIMEOUT_MS: '3000' }).fallback;
  if (!fallbackConfigured(fallback)) throw new Error('the fake LLM config must enable the fallback');
  api = await startTestApi({
    fallback: createFallback(fallback, createOpenAiProvider(fallback)),
    // Forwards reach a public-looking address that is really a closed local port.
    resolver: async () => [PUBLIC_IP],
    forwardOptions: { connectAddress: (ip) => (ip === PUBLIC_IP ? '127.0.0.1' : ip) },
  });
  keys.owner = await api.tenantWithKey('conf', { fallbackEnabled: true, allowlist: ['bank-api.example.com:1'] });
  keys.other = await api.tenantWithKey('conf-other');
  keys.quota = await api.tenantWithKey('conf-quota', { fallbackEnabled: true, fuMonthlyLimit: 0n });
  cookies.auditor = await sessionCookie('auditor@conformance.example', 'auditor');
  cookies.member = await sessionCookie('member@conformance.example');
  log = await startTransparencyLog({ ...loadConfig(), publicUrl: 'https://signet.example:8443', log: { origin: null, witnesses: [], sequencer: false } });
  doc = (await (await get('/openapi.json')).json()) as OpenApiDocument;
  checker = conformanceChecker(doc);
});

afterAll(async () => {
  delete process.env.STRIPE_WEBHOOK_SECRET;
  delete process.env.SP_ADMIN_TOKEN;
  delete process.env.SP_RESERVED_CONFIG;
  await log?.stop();
  await api?.close();
  await llm?.close();
});

describe('the OpenAPI document', () => {
  it('lists exactly the routes the app serves', () => {
    const app = createApiApp({ exchange: { registry: api.registry, maxJsonDepth: 64 }, maxBodyBytes: 1 << 20 });
    const served = servedOperations(app.routes).sort();
    const documented = documentedOperations(doc).sort();
    expect(served.filter((r) => !documented.includes(r)), 'served but not documented').toEqual([]);
    expect(documented.filter((r) => !served.includes(r)), 'documented but not served').toEqual([]);
    expect(served).toContain('POST /v1/exchange');
    expect(served.length).toBeGreaterThanOrEqual(19);
  });

  it('is itself a documented response', async () => {
    await conforms('GET', '/openapi.json', await get('/openapi.json'), 200);
  });
});

describe('real responses conform to the document', () => {
  const traceId = 'tr-conformance';
  let receiptHash = '';

  it('POST /v1/exchange: plain, repaired, LLM-repaired, forwarded, replayed', async () => {
    const E = (res: Response, status = 200) => conforms('POST', '/v1/exchange', res, status);
    const first = (await E(await api.exchange(keys.owner, { ...invoice(1), trace_id: traceId }))) as { receipt: { receipt_hash: string } };
    receiptHash = first.receipt.receipt_hash;
    // The check itself refuses what the document does not describe.
    const forged = (body: unknown, status = 200, type = 'application/json') =>
      checker.check('POST', '/v1/exchange', new Response(JSON.stringify(body), { status, headers: { 'content-type': type, 'x-signet-trace': traceId } }));
    await expect(forged({ ...first, surprise: true })).rejects.toThrow(/must NOT have additional properties/);
    await expect(forged({ ...first, fu_tokens: -1 })).rejects.toThrow(/fu_tokens/);
    await expect(forged(first, 418)).rejects.toThrow(/declares only/);
    await expect(forged(first, 200, 'text/plain')).rejects.toThrow(/content type text\/plain/);
    // A trailing comma: repaired by rule, so the response carries `repair`.
    expect(await E(await api.exchange(keys.owner, { ...invoice(2, '{"invoice_id":"INV-2","amount":3,"currency":"USD",}'), trace_id: traceId }))).toHaveProperty('repair.method', 'deterministic');
    llm.enqueue({ content: '{"invoice_id":"INV-77","amount":1200.50,"currency":"EUR"}', usage: { prompt_tokens: 300, completion_tokens: 21, total_tokens: 321 } });
    expect(await E(await api.exchange(keys.owner, invoice(3, PROSE)))).toMatchObject({ fallback_used: true, fu_tokens: 321, repair: { method: 'llm' } });
    const forwarded = await E(await api.exchange(keys.owner, { ...invoice(4), forward_url: 'https://bank-api.example.com:1/invoices' }));
    expect(forwarded).toHaveProperty('forwarded.error', 'connection refused');
    const replay = await api.exchange(keys.owner, invoice(5), 'conformance-replay');
    await E(replay);
    const again = await api.exchange(keys.owner, invoice(5), 'conformance-replay');
    expect(again.headers.get('x-signet-idempotency-hit')).toBe('1');
    await E(again);
  });

  it('POST /v1/exchange: every reachable refusal', async () => {
    const E = (res: Response, status: number) => conforms('POST', '/v1/exchange', res, status);
    await E(await api.exchange(keys.owner, '{"payload_type": '), 400);
    await E(await fetch(`${api.url}/v1/exchange`, { method: 'POST', headers: keyed(), body: JSON.stringify(invoice(6)) }), 400);
    await E(await api.exchange('sk_live_00000000_bm90IGEga2V5', invoice(6)), 401);
    await E(await api.exchange(keys.owner, { ...invoice(6), forward_url: 'http://bank-api.example.com:1/invoices' }), 403);
    await E(await api.exchange(keys.owner, { ...invoice(6), payload: { pad: 'x'.repeat(1_100_000) } }), 413);
    await E(await api.exchange(keys.owner, { ...invoice(6), target_type: 'no.such.type.v1' }), 422);
    await E(await api.exchange(keys.quota, invoice(6, PROSE)), 429);
    // The fake LLM has no reply queued: the provider fails.
    await E(await api.exchange(keys.owner, invoice(6, PROSE)), 502);
  });

  it('the receipt routes, with the bundle carrying its log proofs', async () => {
    while ((await log.sequencer.runBatch()).sequenced > 0);
    const chain = (await conforms('GET', '/v1/receipts/chain/{trace_id}', await get(`/v1/receipts/chain/${traceId}`, keyed()), 200)) as unknown[];
    expect(chain).toHaveLength(2);
    const bundle = await conforms('GET', '/v1/receipts/export/{trace_id}', await get(`/v1/receipts/export/${traceId}`, keyed()), 200);
    expect(bundle).toHaveProperty('log.proofs.length', 2);
    await conforms('GET', '/v1/receipts/export/{trace_id}', await get(`/v1/receipts/export/${traceId}?tenant=conf`, { cookie: cookies.auditor }), 200);
    for (const route of ['chain', 'export']) {
      const template = `/v1/receipts/${route}/{trace_id}`;
      await conforms('GET', template, await get(`/v1/receipts/${route}/${traceId}`, { cookie: cookies.auditor }), 400);
      await conforms('GET', template, await get(`/v1/receipts/${route}/${traceId}`), 401);
      await conforms('GET', template, await get(`/v1/receipts/${route}/${traceId}`, keyed('other')), 404);
    }
  });

  it('the transparency log routes', async () => {
    await conforms('GET', '/v1/log/checkpoint', await get('/v1/log/checkpoint'), 200);
    await conforms('GET', '/v1/log/key', await get('/v1/log/key'), 200);
    await conforms('GET', '/v1/log/tile/{path}', await get('/v1/log/tile/0/000.p/5'), 200);
    await conforms('GET', '/v1/log/tile/{path}', await get('/v1/log/tile/entries/000.p/5', { 'accept-encoding': 'identity' }), 200);
    await conforms('GET', '/v1/log/tile/{path}', await get('/v1/log/tile/nonsense'), 400);
    await conforms('GET', '/v1/log/tile/{path}', await get('/v1/log/tile/0/001'), 404);
    const inclusion = '/v1/log/proof/inclusion';
    expect(await conforms('GET', inclusion, await get(`${inclusion}?receipt_hash=${receiptHash}`), 200)).toMatchObject({ leaf_index: 0, tree_size: 5 });
    await conforms('GET', inclusion, await get(`${inclusion}?receipt_hash=nonsense`), 400);
    await conforms('GET', inclusion, await get(`${inclusion}?receipt_hash=sha256:${'0'.repeat(64)}`), 404);
    const consistency = '/v1/log/proof/consistency';
    await conforms('GET', consistency, await get(`${consistency}?from=2&to=5`), 200);
    await conforms('GET', consistency, await get(`${consistency}?from=5&to=2`), 400);
    await conforms('GET', consistency, await get(`${consistency}?from=1&to=99`), 404);
  });

  it('the billing routes', async () => {
    await conforms('GET', '/v1/billing/dashboard', await get('/v1/billing/dashboard', keyed()), 200);
    await conforms('GET', '/v1/billing/dashboard', await get('/v1/billing/dashboard'), 401);
    const proof = '/v1/billing/usage-proof';
    expect(await conforms('GET', proof, await get(proof, keyed()), 200)).toHaveProperty('receipts.length', 6);
    expect(await conforms('GET', proof, await get(`${proof}?form=compact`, keyed()), 200)).toHaveProperty('tiles');
    await conforms('GET', proof, await get(`${proof}?period=nonsense`, keyed()), 400);
    await conforms('GET', proof, await get(proof), 401);
    const ledger = '/v1/billing/usage-ledger';
    expect(await conforms('GET', ledger, await get(ledger, keyed()), 200)).toMatch(/^receipt_hash,meter,units,/);
    expect(await conforms('GET', ledger, await get(`${ledger}?format=ndjson`, keyed()), 200)).toHaveLength(6);
    await conforms('GET', ledger, await get(`${ledger}?format=xml`, keyed()), 400);
    await conforms('GET', ledger, await get(ledger), 401);
  });

  it('the admin and Stripe routes', async () => {
    const reload = async (headers: Record<string, string>, status: number) =>
      conforms('POST', '/v1/admin/reload-reserved', await fetch(`${api.url}/v1/admin/reload-reserved`, { method: 'POST', headers }), status);
    const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };
    await reload(bearer, 409);
    const file = path.join(dir, 'reserved.json');
    process.env.SP_RESERVED_CONFIG = file;
    writeFileSync(file, JSON.stringify({ someone: { vex_reserved: -1, fu_reserved: 0, vex_overage_tiers: [], fu_overage_tiers: [] } }));
    await reload(bearer, 400);
    writeFileSync(file, JSON.stringify(GUIDE_RESERVED_JSON));
    expect(await reload(bearer, 200)).toMatchObject({ reloaded: true, tenants: ['enterprise_customer'] });
    await reload({}, 401);
    await reload({ cookie: cookies.member }, 403);

    const webhook = (headers: Record<string, string>, body: string) => fetch(`${api.url}/v1/stripe/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const event = JSON.stringify({ id: 'evt_conformance', object: 'event', type: 'customer.created', created: Math.floor(Date.now() / 1000), data: { object: { id: 'cus_x', object: 'customer' } } });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload: event, secret: WEBHOOK_SECRET });
    expect(await conforms('POST', '/v1/stripe/webhook', await webhook({ 'stripe-signature': signature }, event), 200)).toEqual({ received: true, result: 'ignored' });
    await conforms('POST', '/v1/stripe/webhook', await webhook({}, event), 400);
  });

  it('the system routes', async () => {
    await conforms('GET', '/healthz', await get('/healthz'), 200);
    await conforms('GET', '/readyz', await get('/readyz'), 200);
    await conforms('GET', '/v1/ping', await get('/v1/ping'), 200);
    await conforms('GET', '/metrics', await get('/metrics'), 200);
    const jwks = await get('/.well-known/jwks.json');
    const etag = jwks.headers.get('etag')!;
    await conforms('GET', '/.well-known/jwks.json', jwks, 200);
    await conforms('GET', '/.well-known/jwks.json', await get('/.well-known/jwks.json', { 'if-none-match': etag }), 304);
    // A token-protected /metrics needs an app of its own (the test server runs without one).
    const guarded = createApiApp({ exchange: { registry: api.registry, maxJsonDepth: 64 }, maxBodyBytes: 1 << 20, metricsToken: 'metrics-secret' });
    await conforms('GET', '/metrics', await guarded.request('/metrics'), 401);
  });

  it('covered a success of every documented operation', () => {
    const succeeded = new Set([...checker.checked].filter((c) => / 2\d\d$/.test(c)).map((c) => c.replace(/ \d+$/, '')));
    expect(documentedOperations(doc).filter((op) => !succeeded.has(op))).toEqual([]);
  });
});
