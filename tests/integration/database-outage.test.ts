// While PostgreSQL is down, every route that reads or writes the database answers 503
// DATABASE_UNAVAILABLE with Retry-After (never 500), the exchange hot path included; liveness
// stays 200 and readiness says 503; once it is back, a retry with the same idempotency key
// completes. The cluster is the test's own (tests/support/pg-cluster.ts), so stopping it
// disturbs no other test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';
import { createLocalCluster, postgresBinaries, type LocalCluster } from '../support/pg-cluster';

const invoice = (n: number) => ({
  payload_type: 'openai.tooluse.invoice.v1',
  target_type: 'invoice.iso20022.v1',
  trace_id: 'tr-outage',
  payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: JSON.stringify({ invoice_id: `INV-${n}`, amount: n, currency: 'USD' }) } }] },
});

describe.skipIf(!postgresBinaries())('a PostgreSQL outage', () => {
  let cluster: LocalCluster;
  let api: TestApi;
  let key: string;

  beforeAll(async () => {
    cluster = await createLocalCluster(5497);
    api = await startTestApi({}, 1_048_576, { postgresUrl: cluster.url });
    key = await api.tenantWithKey('outage');
  }, 120_000);
  afterAll(async () => {
    await api?.close().catch(() => {});
    cluster?.destroy();
  });

  it('answers 503 DATABASE_UNAVAILABLE with Retry-After on every database route, then recovers', async () => {
    const first = await api.exchange(key, invoice(1), 'outage-1');
    expect(first.status).toBe(200);
    const { trace_id } = await first.json();

    await cluster.stop();
    const unknownKey = `sk_live_${'0'.repeat(8)}_${'1'.repeat(40)}`;
    const requests: [string, () => Promise<Response>][] = [
      ['exchange (hot path)', () => api.exchange(key, invoice(2), 'outage-2')],
      ['exchange, uncached key', () => api.exchange(unknownKey, invoice(3), 'outage-3')],
      ['chain', () => fetch(`${api.url}/v1/receipts/chain/${trace_id}`, { headers: { 'x-signet-api-key': key } })],
      ['export', () => fetch(`${api.url}/v1/receipts/export/${trace_id}`, { headers: { 'x-signet-api-key': key } })],
      ['billing dashboard', () => fetch(`${api.url}/v1/billing/dashboard`, { headers: { 'x-signet-api-key': key } })],
    ];
    for (const [what, send] of requests) {
      const res = await send();
      const body = await res.text();
      expect(res.status, `${what}: ${body}`).toBe(503);
      expect(JSON.parse(body).error.code, what).toBe('DATABASE_UNAVAILABLE');
      expect(res.headers.get('retry-after'), what).toMatch(/^\d+$/);
    }
    expect((await fetch(`${api.url}/readyz`)).status).toBe(503);
    const health = await fetch(`${api.url}/healthz`);
    expect(health.status).toBe(200);
    expect((await health.json()).database.reachable).toBe(false);

    await cluster.start();
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
    const retried = await api.exchange(key, invoice(2), 'outage-2');
    expect(retried.status).toBe(200);
    expect((await retried.json()).receipt.hop).toBe(2);
  });
});
