// The tenant's request log (request_log): one row per authenticated /v1/exchange request —
// successes written by the group commit with their receipt, refusals (429s included) and
// replays written off the response path — and keyset pagination that neither repeats nor
// skips a row when many share a timestamp.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateApiKey } from '@/server/apikeys/authenticate';
import { createRateLimiter } from '@/server/ratelimit/limiter';
import { listRequests, requestDetail, requestErrorCodes, type RequestCursor } from '@/server/requestlog/repository';
import { flushRequestLog } from '@/server/requestlog/writer';
import { startTestApi, type TestApi } from '../support/api';

const invoice = (args: string) => ({
  payload_type: 'openai.tooluse.invoice.v1',
  target_type: 'invoice.iso20022.v1',
  payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: args } }] },
});
const good = invoice('{"invoice_id":"INV-RL","amount":5,"currency":"USD"}');

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ rateLimit: createRateLimiter({ rps: 0.001, burst: 4, leaseSize: 1 }) });
});
afterAll(async () => {
  await api?.close();
});

async function keyIdOf(key: string): Promise<string> {
  const p = await authenticateApiKey(key);
  if (typeof p === 'string') throw new Error(p);
  return p.keyId;
}

async function rows(tenantId: string) {
  await flushRequestLog();
  return (await listRequests({ tenantId }, { limit: 100 })).items.reverse();
}

describe('request log rows', () => {
  it('logs a success with its receipt, a repair, a refusal, a replay and a 429; nothing for an unknown key', async () => {
    const key = await api.tenantWithKey('rlog-a');
    const ok = await api.exchange(key, good, 'rl-1');
    expect(ok.status).toBe(200);
    const okBody = await ok.json();
    const repaired = await api.exchange(key, invoice("{'invoice_id':'INV-R2','amount':7,'currency':'USD'}"), 'rl-2');
    expect(repaired.status).toBe(200);
    const refused = await api.exchange(key, { ...good, payload: { tool_calls: [] } }, 'rl-3');
    expect(refused.status).toBe(422);
    const replay = await api.exchange(key, good, 'rl-1');
    expect(replay.headers.get('x-signet-idempotency-hit')).toBe('1');
    const limited = await api.exchange(key, good, 'rl-5');
    expect(limited.status).toBe(429);
    expect((await api.exchange('sk_unknown_key', good, 'rl-6')).status).toBe(401);

    const logged = await rows('rlog-a');
    expect(logged.map((r) => [r.status, r.errorCode, r.replay, r.repair])).toEqual([
      [200, null, false, null],
      [200, null, false, 'deterministic'],
      [422, 'INPUT_SCHEMA_INVALID', false, null],
      [200, null, true, null],
      [429, 'RATE_LIMITED', false, null],
    ]);
    const [first, , failure, replayed, tooMany] = logged;
    expect(first).toMatchObject({
      apiKeyId: await keyIdOf(key),
      payloadType: 'openai.tooluse.invoice.v1',
      targetType: 'invoice.iso20022.v1',
      traceId: okBody.trace_id,
      receiptHash: okBody.receipt.receipt_hash,
      fuTokens: 0,
    });
    expect(first!.occurredAt).toBe(okBody.receipt.ts);
    expect(first!.totalMs).toBeGreaterThan(0);
    expect(first!.addedMs).toBeCloseTo(first!.totalMs, 6); // no forward, no LLM
    expect(failure!.errorMessage).toMatch(/does not match/);
    expect(failure!.payloadType).toBe('openai.tooluse.invoice.v1');
    expect(failure!.receiptHash).toBeNull();
    expect(replayed!.traceId).toBeNull();
    expect(tooMany!.payloadType).toBeNull(); // refused before the body was read
    // The refusals are also the failure records billing counts.
    expect(await api.db.prisma.failedExchange.count({ where: { tenantId: 'rlog-a' } })).toBe(2);

    const detail = await requestDetail('rlog-a', first!.id);
    expect(detail!.receipt).toMatchObject({ receipt_hash: okBody.receipt.receipt_hash, hop: 1 });
    expect((await requestDetail('rlog-a', failure!.id))!.receipt).toBeNull();
    expect(await requestDetail('rlog-other', first!.id)).toBeNull();
  });

  it('writes a success row in the receipt transaction: receipts and success rows always match', async () => {
    const key = await api.tenantWithKey('rlog-b');
    const results = await Promise.all(Array.from({ length: 3 }, (_, i) => api.exchange(key, good, `rl-b-${i}`)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const receipts = await api.db.sql.query<{ receipt_hash: string }>('SELECT receipt_hash FROM receipts WHERE tenant_id = $1 ORDER BY receipt_hash', ['rlog-b']);
    // Read without flushing: success rows are not queued, they are committed with the receipt.
    const logged = await api.db.sql.query<{ receipt_hash: string }>('SELECT receipt_hash FROM request_log WHERE tenant_id = $1 AND status = 200 ORDER BY receipt_hash', ['rlog-b']);
    expect(logged).toEqual(receipts);
  });
});

describe('request log pagination', () => {
  it('pages by (time, id) without repeating or skipping rows that share a timestamp', async () => {
    const tenant = 'rlog-page';
    const at = ['2026-11-30T10:00:00.000Z', '2026-11-30T10:00:00.000Z', '2026-11-30T10:00:00.001Z'];
    for (let i = 0; i < 45; i++) {
      await api.db.sql.query(
        `INSERT INTO request_log (tenant_id, api_key_id, occurred_at, status, error_code, total_ms, added_ms)
         VALUES ($1, 'k', $2::timestamp(3), $3, $4, 1, 1)`,
        [tenant, at[i % 3], i % 5 === 0 ? 422 : 200, i % 5 === 0 ? 'X_CODE' : null],
      );
    }
    const seen: string[] = [];
    let cursor: RequestCursor | undefined;
    let pages = 0;
    do {
      const page = await listRequests({ tenantId: tenant }, { cursor, limit: 7 });
      seen.push(...page.items.map((r) => `${r.occurredAt}#${r.id}`));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(7);
    expect(new Set(seen).size).toBe(45);
    const ordered = [...seen].sort((a, b) => {
      const [ta, ia] = a.split('#');
      const [tb, ib] = b.split('#');
      return ta === tb ? Number(ib) - Number(ia) : ta! < tb! ? 1 : -1;
    });
    expect(seen).toEqual(ordered);

    const refused: string[] = [];
    cursor = undefined;
    do {
      const page = await listRequests({ tenantId: tenant, outcome: 'refused', code: 'X_CODE' }, { cursor, limit: 4 });
      refused.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(refused).toHaveLength(9);
    expect(new Set(refused).size).toBe(9);
    const window = await listRequests({ tenantId: tenant, from: new Date('2026-11-30T10:00:00.001Z') }, { limit: 100 });
    expect(window.items).toHaveLength(15);
  });

  it("offers each error code the tenant has seen once, in order, and no other tenant's", async () => {
    const insert = (tenant: string, code: string | null, ms: number) =>
      api.db.sql.query(
        `INSERT INTO request_log (tenant_id, api_key_id, occurred_at, status, error_code, total_ms, added_ms)
         VALUES ($1, 'k', $2::timestamp(3), $3, $4, 1, 1)`,
        [tenant, new Date(Date.UTC(2026, 10, 30, 10, 0, 0, ms)).toISOString(), code ? 403 : 200, code],
      );
    const codes = ['HEL_HOST_NOT_ALLOWED', 'API_KEY_REVOKED', 'CHAIN_CONFLICT', 'INVALID_JSON'];
    for (let i = 0; i < 40; i++) await insert('rlog-codes', i % 3 === 0 ? null : codes[i % 4]!, i);
    await insert('rlog-codes-other', 'QUOTA_EXCEEDED', 0);
    expect(await requestErrorCodes('rlog-codes')).toEqual([...codes].sort());
    expect(await requestErrorCodes('rlog-codes-none')).toEqual([]);
    // At most 100 choices, the first 100 in order.
    for (let i = 0; i < 105; i++) await insert('rlog-codes-many', `CODE_${String(i).padStart(3, '0')}`, i);
    const many = await requestErrorCodes('rlog-codes-many');
    expect(many).toHaveLength(100);
    expect(many.at(-1)).toBe('CODE_099');
  });
});
