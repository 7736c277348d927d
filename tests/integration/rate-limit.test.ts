// Per-API-key rate limiting over HTTP: burst then 429 RATE_LIMITED with Retry-After, nothing
// recorded for refusals, and two API apps (each with its own limiter) sharing one bucket.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiListener } from '@/api/listener';
import { createRateLimiter } from '@/server/ratelimit/limiter';
import { startTestApi, type TestApi } from '../support/api';

const invoice = {
  payload_type: 'openai.tooluse.invoice.v1',
  target_type: 'invoice.iso20022.v1',
  payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: '{"invoice_id":"INV-RL","amount":10,"currency":"USD"}' } }] },
};

let api: TestApi;
let second: { url: string; server: Server };

beforeAll(async () => {
  // Slow refill (one token per 100 s) so the counts below are exact.
  api = await startTestApi({ rateLimit: createRateLimiter({ rps: 0.01, burst: 4, leaseSize: 1 }) });
  const server = createServer(createApiListener({ exchange: { registry: api.registry, maxJsonDepth: 64, rateLimit: createRateLimiter({ rps: 0.01, burst: 4, leaseSize: 1 }) }, maxBodyBytes: 1_048_576 }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  second = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
});
afterAll(async () => {
  second?.server.closeAllConnections();
  await new Promise((resolve) => second?.server.close(resolve));
  await api?.close();
});

const counts = async () => ({ receipts: await api.db.prisma.receipt.count(), usage: await api.db.prisma.usageEvent.count(), idem: await api.db.prisma.idempotencyRecord.count() });

describe('rate limiting per API key', () => {
  it('admits the burst, then answers 429 RATE_LIMITED with Retry-After and records nothing', async () => {
    const key = await api.tenantWithKey('rl-burst');
    for (let i = 0; i < 4; i++) expect((await api.exchange(key, invoice)).status).toBe(200);
    const before = await counts();
    const res = await api.exchange(key, invoice);
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
    const body = await res.json();
    expect(body.error.code).toBe('RATE_LIMITED');
    expect(body.error.message).toMatch(/rate limit/);
    expect(await counts()).toEqual(before);
    // Another tenant's key is not affected.
    expect((await api.exchange(await api.tenantWithKey('rl-other'), invoice)).status).toBe(200);
  });

  it('holds across two API instances sharing the database', async () => {
    const key = await api.tenantWithKey('rl-shared');
    const urls = [api.url, second.url];
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        fetch(`${urls[i % 2]}/v1/exchange`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-signet-api-key': key, 'x-signet-idempotency-key': `rl-shared-${i}` },
          body: JSON.stringify(invoice),
        }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, ...Array(8).fill(429)]);
  });
});
