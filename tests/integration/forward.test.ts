// Forwarding through /v1/exchange: an allowed forward to a local HTTPS receiver (test CA)
// yields a signed receipt with the pinned address and status; a forward that fails after
// the policy allowed it still completes the exchange with the failure recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwks } from '@/server/keys/signing-keys';
import { cid } from '@/server/receipts/canonical';
import { verifyChain } from '@/server/receipts/verify';
import { createTestPki, startHttpsServer, type LocalServer } from '@/server/egress/testing/tls';
import { startTestApi, type TestApi } from '../support/api';

// A documentation-range-free public address the resolver answers; the test seam connects it
// to the loopback receiver, while every policy check sees the public address.
const PUBLIC_IP = '93.184.216.34';
const financeDemo = {
  payload_type: 'openai.tooluse.invoice.v1',
  target_type: 'invoice.iso20022.v1',
  payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: '{"invoice_id":"INV-001","amount":1000,"currency":"USD"}' } }] },
};

let api: TestApi;
let receiver: LocalServer;
let key: string;

beforeAll(async () => {
  const pki = createTestPki(['bank-api.example.com']);
  receiver = await startHttpsServer(pki, (req, res) => {
    if (req.url === '/slow') {
      setTimeout(() => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end('{"accepted":true}');
      }, 300);
      return;
    }
    if (req.url === '/redirect') {
      res.writeHead(302, { location: 'https://bank-api.example.com/elsewhere' });
      res.end();
      return;
    }
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end('{"accepted":true}');
  });
  api = await startTestApi({
    resolver: async () => [PUBLIC_IP],
    forwardOptions: { ca: pki.ca, connectAddress: (ip) => (ip === PUBLIC_IP ? '127.0.0.1' : ip) },
  });
  key = await api.tenantWithKey('bank', { allowlist: [`bank-api.example.com:${receiver.port}`] });
});
afterAll(async () => {
  await api?.close();
  await receiver?.close();
});

describe('forwarding', () => {
  it('delivers the normalized payload and signs the outcome into the receipt', async () => {
    const url = `https://bank-api.example.com:${receiver.port}/invoices`;
    const res = await api.exchange(key, { ...financeDemo, forward_url: url });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.policy).toEqual({ engine: 'HEL', allowed: true, reason: 'ok' });
    expect(body.forwarded).toEqual({ url, host: 'bank-api.example.com', status_code: 201, pinned_ip: PUBLIC_IP, response_size: 17 });

    const delivered = receiver.requests.at(-1)!;
    expect(JSON.parse(delivered.body)).toEqual(body.normalized);
    expect(delivered.headers['x-signet-trace']).toBe(body.trace_id);
    expect(delivered.headers['x-signet-cid']).toBe(cid(body.normalized));
    expect(delivered.servername).toBe('bank-api.example.com');

    const chain = await (await fetch(`${api.url}/v1/receipts/chain/${body.trace_id}`, { headers: { 'x-signet-api-key': key } })).json();
    expect(chain[0].forwarded).toEqual(body.forwarded);
    expect(verifyChain(chain, await jwks()).valid).toBe(true);
  });

  it("passes the caller's W3C traceparent on unchanged when tracing is off, and sends none of its own", async () => {
    const url = `https://bank-api.example.com:${receiver.port}/invoices`;
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect((await api.exchange(key, { ...financeDemo, forward_url: url }, undefined, { traceparent, tracestate: 'vendor=1' })).status).toBe(200);
    expect(receiver.requests.at(-1)!.headers).toMatchObject({ traceparent, tracestate: 'vendor=1' });

    expect((await api.exchange(key, { ...financeDemo, forward_url: url }, undefined, { traceparent: '00-not-a-trace-01' })).status).toBe(200);
    expect(receiver.requests.at(-1)!.headers.traceparent).toBeUndefined();
    expect((await api.exchange(key, { ...financeDemo, forward_url: url })).status).toBe(200);
    expect(receiver.requests.at(-1)!.headers.traceparent).toBeUndefined();
  });

  it('does not forward again for a key another instance already answered', async () => {
    const url = `https://bank-api.example.com:${receiver.port}/invoices`;
    const stored = JSON.stringify({ trace_id: 'tr_forwarded_elsewhere' });
    await api.storeResponseElsewhere(key, 'forwarded-elsewhere', stored);
    const delivered = receiver.requests.length;
    const res = await api.exchange(key, { ...financeDemo, forward_url: url }, 'forwarded-elsewhere');
    expect(res.headers.get('x-signet-idempotency-hit')).toBe('1');
    expect(await res.text()).toBe(stored);
    expect(receiver.requests.length).toBe(delivered);
  });

  it('forwards once for concurrent requests with one idempotency key; the later one replays the answer', async () => {
    const url = `https://bank-api.example.com:${receiver.port}/slow`;
    const delivered = receiver.requests.length;
    const [a, b] = await Promise.all([1, 2].map(() => api.exchange(key, { ...financeDemo, forward_url: url }, 'concurrent-forward')));
    expect([a!.status, b!.status]).toEqual([200, 200]);
    expect(await a!.text()).toBe(await b!.text());
    expect([a!.headers.get('x-signet-idempotency-hit'), b!.headers.get('x-signet-idempotency-hit')].sort()).toEqual(['1', null]);
    expect(receiver.requests.length).toBe(delivered + 1);
  });

  it('waits while another instance holds the key, then replays its answer without forwarding', async () => {
    const url = `https://bank-api.example.com:${receiver.port}/invoices`;
    const delivered = receiver.requests.length;
    const release = await api.claimElsewhere(key, 'claimed-elsewhere', 60);
    let answered = false;
    const pending = api.exchange(key, { ...financeDemo, forward_url: url }, 'claimed-elsewhere').then((res) => ((answered = true), res));
    await new Promise((r) => setTimeout(r, 400));
    expect(answered).toBe(false);
    const stored = JSON.stringify({ trace_id: 'tr_claimed_elsewhere' });
    await api.storeResponseElsewhere(key, 'claimed-elsewhere', stored);
    await release();
    const res = await pending;
    expect(res.headers.get('x-signet-idempotency-hit')).toBe('1');
    expect(await res.text()).toBe(stored);
    expect(receiver.requests.length).toBe(delivered);
  });

  it('takes over a claim whose lease lapsed (its holder died) and forwards once', async () => {
    const url = `https://bank-api.example.com:${receiver.port}/invoices`;
    const delivered = receiver.requests.length;
    await api.claimElsewhere(key, 'claim-lapsed', -1);
    const res = await api.exchange(key, { ...financeDemo, forward_url: url }, 'claim-lapsed');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-signet-idempotency-hit')).toBeNull();
    expect(receiver.requests.length).toBe(delivered + 1);
    const left = await api.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM idempotency_claims`);
    expect(left[0]!.n).toBe(0); // released, and the lapsed one went with it
  });

  it('records a redirect as the result without following it', async () => {
    const before = receiver.requests.length;
    const res = await api.exchange(key, { ...financeDemo, forward_url: `https://bank-api.example.com:${receiver.port}/redirect` });
    expect(res.status).toBe(200);
    expect((await res.json()).forwarded.status_code).toBe(302);
    expect(receiver.requests.length).toBe(before + 1);
  });

  it('completes the exchange (one VEx) when the allowed forward fails, recording why', async () => {
    const usageBefore = await api.db.prisma.usageEvent.count();
    // Allowed by policy, but nothing listens on this port.
    await api.db.prisma.tenant.update({ where: { id: 'bank' }, data: { allowlist: [`bank-api.example.com:${receiver.port}`, 'bank-api.example.com:1'] } });
    await new Promise((r) => setTimeout(r, 2100)); // API key cache TTL
    const res = await api.exchange(key, { ...financeDemo, forward_url: 'https://bank-api.example.com:1/invoices' });
    expect(res.status).toBe(200);
    expect((await res.json()).forwarded).toEqual({ url: 'https://bank-api.example.com:1/invoices', host: 'bank-api.example.com', error: 'connection refused' });
    expect(await api.db.prisma.usageEvent.count()).toBe(usageBefore + 1);
  });
});
