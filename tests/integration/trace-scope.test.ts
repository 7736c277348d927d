// Trace ids are scoped to the tenant (SPEC §2: a chain is (tenant, trace_id)). Another tenant's
// trace id can neither be probed (the answer is the same as for an unused id) nor squatted; two
// tenants using one id each get their own chain from hop 1; auditor and admin reads name the
// tenant, on the API and in the portal's tRPC.
import { encode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '@/server/receipts/verify';
import { createUser } from '@/server/tenants/accounts';
import { loadPrincipal } from '@/server/tenants/principal';
import { createCallerFactory } from '@/trpc/init';
import { appRouter } from '@/trpc/root';
import { startTestApi, type TestApi } from '../support/api';

const invoice = (traceId: string, n: number) => ({
  payload_type: 'openai.tooluse.invoice.v1',
  target_type: 'invoice.iso20022.v1',
  trace_id: traceId,
  payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: JSON.stringify({ invoice_id: `INV-${n}`, amount: n, currency: 'USD' }) } }] },
});

let api: TestApi;
let acme: string;
let globex: string;
let auditorCookie: string;
let auditorId: string;

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET ??= 'trace-scope-test-secret-0123456789';
  api = await startTestApi();
  acme = await api.tenantWithKey('acme');
  globex = await api.tenantWithKey('globex');
  const auditor = await createUser({ email: 'auditor@scope.example', password: 'a-long-password', name: 'auditor', platformRole: 'auditor' });
  auditorId = auditor.id;
  auditorCookie = `next-auth.session-token=${await encode({ token: { sub: auditor.id, email: 'auditor@scope.example' }, secret: process.env.NEXTAUTH_SECRET! })}`;
}, 120_000);
afterAll(async () => {
  await api?.close();
});

const read = (path: string, headers: Record<string, string>) => fetch(`${api.url}/v1/receipts/${path}`, { headers });

describe('trace ids per tenant', () => {
  it("gives another tenant's trace id the same answer as an unused one: its own chain from hop 1", async () => {
    for (let n = 1; n <= 2; n++) expect((await api.exchange(acme, invoice('order-42', n))).status).toBe(200);

    const taken = await api.exchange(globex, invoice('order-42', 3));
    const unused = await api.exchange(globex, invoice('order-never-used', 4));
    expect([taken.status, unused.status]).toEqual([200, 200]);
    const [a, b] = [await taken.json(), await unused.json()];
    expect(a.receipt).toMatchObject({ hop: 1, prev_receipt_hash: null });
    expect(b.receipt).toMatchObject({ hop: 1, prev_receipt_hash: null });
    expect(a.trace_id).toBe('order-42');

    // Each goes on growing on its own.
    expect((await (await api.exchange(globex, invoice('order-42', 5))).json()).receipt.hop).toBe(2);
    expect((await (await api.exchange(acme, invoice('order-42', 6))).json()).receipt.hop).toBe(3);
  });

  it("reads each tenant's chain with its own keys, never the other's", async () => {
    const jwks = await (await fetch(`${api.url}/.well-known/jwks.json`)).json();
    for (const [key, tenant, hops] of [[acme, 'acme', 3], [globex, 'globex', 2]] as const) {
      const chain = await (await read('chain/order-42', { 'x-signet-api-key': key })).json();
      expect(chain.map((r: { hop: number; tenant: string }) => [r.hop, r.tenant])).toEqual(Array.from({ length: hops }, (_, i) => [i + 1, tenant]));
      const bundle = await (await read('export/order-42', { 'x-signet-api-key': key })).json();
      expect(bundle.chain.every((r: { tenant: string }) => r.tenant === tenant)).toBe(true);
      expect(verifyBundle(bundle, jwks).valid).toBe(true);
    }
    // A key naming another tenant reads nothing.
    const res = await read('chain/order-42?tenant=acme', { 'x-signet-api-key': globex });
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('TRACE_NOT_FOUND');
  });

  it('makes an auditor name the tenant: 400 without it, that tenant’s chain with it, 404 for a tenant without the trace', async () => {
    for (const path of ['chain', 'export']) {
      const unnamed = await read(`${path}/order-42`, { cookie: auditorCookie });
      expect(unnamed.status).toBe(400);
      expect((await unnamed.json()).error.code).toBe('TENANT_REQUIRED');
      expect((await read(`${path}/order-42?tenant=nobody`, { cookie: auditorCookie })).status).toBe(404);
    }
    const acmeChain = await (await read('chain/order-42?tenant=acme', { cookie: auditorCookie })).json();
    const globexBundle = await (await read('export/order-42?tenant=globex', { cookie: auditorCookie })).json();
    expect(acmeChain.map((r: { tenant: string }) => r.tenant)).toEqual(['acme', 'acme', 'acme']);
    expect(globexBundle.chain.map((r: { tenant: string }) => r.tenant)).toEqual(['globex', 'globex']);
  });

  it("lists both tenants' traces of one id to the auditor, each with its tenant", async () => {
    const caller = createCallerFactory(appRouter)({ principal: await loadPrincipal(auditorId), ip: '127.0.0.1', requestedTenantId: null });
    const traces = await caller.auditor.traces({ search: 'order-42' });
    expect(traces.map((t) => [t.tenantId, t.traceId, t.hops]).sort()).toEqual([
      ['acme', 'order-42', 3],
      ['globex', 'order-42', 2],
    ]);
  });
});
