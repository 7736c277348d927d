// The request log and the request count: every API request leaves one JSON line (request id,
// tenant, route pattern, status, latency, Signet's trace id, the W3C trace id) and one count in
// signet_http_requests_total; exchanges are timed as phase="added" with a 0.04 s bucket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redirectLog } from '@/server/telemetry/logger';
import { startTestApi, type TestApi } from '../support/api';

const invoice = {
  payload_type: 'openai.tooluse.invoice.v1',
  target_type: 'invoice.iso20022.v1',
  payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: '{"invoice_id":"INV-L","amount":5,"currency":"USD"}' } }] },
};

let api: TestApi;
let key: string;
const lines: Record<string, unknown>[] = [];
let restoreLog: () => void;

beforeAll(async () => {
  api = await startTestApi();
  key = await api.tenantWithKey('logged');
  restoreLog = redirectLog({ write: (line: string) => void lines.push(JSON.parse(line)) }, 'info');
});
afterAll(async () => {
  restoreLog?.();
  await api?.close();
});

const lineFor = (requestId: string) => lines.find((l) => l.request_id === requestId);

describe('request log', () => {
  it('logs an exchange with its request id, tenant, route, status, latency and both trace ids', async () => {
    const res = await api.exchange(key, invoice, undefined, { 'x-request-id': 'req-abc-1', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-abc-1');
    const { trace_id } = await res.json();
    const line = lineFor('req-abc-1')!;
    expect(line).toMatchObject({ level: 'info', msg: 'request', method: 'POST', route: '/v1/exchange', status: 200, tenant: 'logged', signet_trace_id: trace_id, trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' });
    expect(line.latency_ms).toBeGreaterThan(0);
  });

  it('gives a request without a usable id a new one, and logs refusals and other routes by their pattern', async () => {
    const refused = await api.exchange(`${key}x`, invoice, undefined, { 'x-request-id': 'has spaces in it' });
    expect(refused.status).toBe(401);
    const generated = refused.headers.get('x-request-id')!;
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect(lineFor(generated)).toMatchObject({ route: '/v1/exchange', status: 401 });
    expect(lineFor(generated)).not.toHaveProperty('tenant');

    const chain = await fetch(`${api.url}/v1/receipts/chain/tr_none`, { headers: { 'x-signet-api-key': key, 'x-request-id': 'req-chain' } });
    expect(lineFor('req-chain')).toMatchObject({ method: 'GET', route: '/v1/receipts/chain/:trace_id', status: chain.status });
    await fetch(`${api.url}/v1/no/such/route`, { headers: { 'x-request-id': 'req-404' } });
    expect(lineFor('req-404')).toMatchObject({ route: 'unmatched', status: 404 });
  });

  it('counts requests by route and status, and times added latency against a 0.04 s bucket', async () => {
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/^signet_http_requests_total\{route="\/v1\/exchange",status="200"\} [1-9]/m);
    expect(metrics).toMatch(/^signet_http_requests_total\{route="\/v1\/exchange",status="401"\} [1-9]/m);
    // The bucket's count depends on the machine's speed; that the bound exists and the phase is observed does not.
    expect(metrics).toMatch(/^signet_exchange_duration_seconds_bucket\{le="0.04",phase="added"\} \d/m);
    expect(metrics).toMatch(/^signet_exchange_duration_seconds_count\{phase="added"\} [1-9]/m);
    expect(metrics).toMatch(/^signet_exchange_duration_seconds_bucket\{le="0.04",phase="total"\} /m);
  });
});
