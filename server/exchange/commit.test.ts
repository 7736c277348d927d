// The group commit against a real database (PGlite, or PostgreSQL with DATABASE_URL), with
// two "instances": two SQL clients on one database, each with its own batcher and its own
// idea of the trace heads, so every stale-head and duplicate path is exercised.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../db/sql';
import { createSigner, generateSeed, publicJwk } from '../receipts/node-signer';
import { verifyChain } from '../receipts/verify';
import { appendTestReceipt, type TestAppend } from '../../tests/support/commit';
import { anotherInstance, openTestDatabase, type TestDatabase } from '../../tests/support/db';
import type { CommitResult } from './commit';

let db: TestDatabase;
let instanceA: SqlClient;
let instanceB: SqlClient;
const signer = createSigner(generateSeed(), 'k-commit-test');
const jwks = { keys: [publicJwk(signer.publicKey, signer.kid)] };


const append = (sql: SqlClient, opts: TestAppend): Promise<CommitResult> => appendTestReceipt(sql, signer, opts);

async function chainOf(tenant: string, traceId: string) {
  const rows = await db.sql.query<{ body: string }>('SELECT body FROM receipts WHERE tenant_id = $1 AND trace_id = $2 ORDER BY hop', [tenant, traceId]);
  return rows.map((r) => JSON.parse(r.body));
}

async function countWhere(table: string, column: string, value: string) {
  const rows = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, [value]);
  return rows[0]!.n;
}

beforeAll(async () => {
  db = await openTestDatabase();
  for (const id of ['acme', 'globex', 'initech']) await db.prisma.tenant.create({ data: { id, name: id } });
  instanceA = db.sql;
  instanceB = anotherInstance(db.sql);
});
afterAll(async () => {
  await db?.dispose();
});

describe('group commit', () => {
  it('commits exchanges started one after another in one turn together, in process or not', async () => {
    let calls = 0;
    let pipelines = true;
    const counted: SqlClient = {
      ...anotherInstance(db.sql),
      pipeline: () => {
        const appender = db.sql.pipeline();
        pipelines = appender.pipelines;
        return { pipelines, query: (text, params) => (calls++, appender.query(text, params)) };
      },
    };
    // Each exchange starts in a callback of its own, as the API listener starts them.
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => new Promise<CommitResult>((resolve, reject) => setImmediate(() => append(counted, { tenant: 'initech', traceId: `tr-turn-${i}` }).then(resolve, reject)))),
    );
    expect(results.map((r) => r.kind)).toEqual(Array(6).fill('committed'));
    // PGlite runs a call on this thread: without gathering the turn, each exchange would commit alone.
    // PostgreSQL: the first goes at once, the second beside it, the other four together.
    expect(calls).toBe(pipelines ? 3 : 1);
  });

  it('keeps one unbroken chain when two instances with stale heads append to a trace at once', async () => {
    const traceId = 'tr-shared';
    await append(instanceA, { tenant: 'acme', traceId });
    await append(instanceB, { tenant: 'acme', traceId }); // B has never seen the trace: stale, re-sealed
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => append(i % 2 ? instanceA : instanceB, { tenant: 'acme', traceId })));
    expect(results.every((r) => r.kind === 'committed')).toBe(true);

    const chain = await chainOf('acme', traceId);
    expect(chain.map((r) => r.hop)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    expect(verifyChain(chain, jwks).valid).toBe(true);
    const [head] = await db.sql.query<{ head_hop: number; head_hash: string }>('SELECT head_hop, head_hash FROM traces WHERE id = $1', [traceId]);
    expect(head).toEqual({ head_hop: 32, head_hash: chain[31].receipt_hash });
    expect(await countWhere('usage_events', 'tenant_id', 'acme')).toBe(32);
  });

  it('gives one idempotency key one exchange across instances; the others replay its response', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => append(i % 2 ? instanceA : instanceB, { tenant: 'acme', traceId: `tr-idem-${i}`, key: 'same-key' })),
    );
    const committed = results.filter((r) => r.kind === 'committed');
    expect(committed).toHaveLength(1);
    const body = committed[0]!.responseBody;
    expect(results.every((r) => r.responseBody === body)).toBe(true);
    expect(await countWhere('idempotency_records', 'key', 'same-key')).toBe(1);
    const traces = await db.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM traces WHERE id LIKE 'tr-idem-%'");
    expect(traces[0]!.n).toBe(1);
  });

  it('keeps two tenants on one trace id apart: each chain starts at hop 1 and grows on its own, across instances', async () => {
    await append(instanceA, { tenant: 'acme', traceId: 'tr-same' });
    await append(instanceA, { tenant: 'acme', traceId: 'tr-same' });
    // B has seen neither chain; A has seen only acme's, and must not take it for globex's.
    const first = await append(instanceB, { tenant: 'globex', traceId: 'tr-same' });
    expect(first.kind === 'committed' && first.receipt.hop).toBe(1);
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => append(i % 2 ? instanceA : instanceB, { tenant: i % 4 < 2 ? 'acme' : 'globex', traceId: 'tr-same' })),
    );
    expect(results.every((r) => r.kind === 'committed')).toBe(true);
    for (const [tenant, hops] of [['acme', 10], ['globex', 9]] as const) {
      const chain = await chainOf(tenant, 'tr-same');
      expect(chain.map((r) => r.hop), tenant).toEqual(Array.from({ length: hops }, (_, i) => i + 1));
      expect(chain.every((r) => r.tenant === tenant)).toBe(true);
      expect(verifyChain(chain, jwks).valid, tenant).toBe(true);
      const [head] = await db.sql.query<{ head_hop: number; head_hash: string }>('SELECT head_hop, head_hash FROM traces WHERE tenant_id = $1 AND id = $2', [tenant, 'tr-same']);
      expect(head).toEqual({ head_hop: hops, head_hash: chain.at(-1).receipt_hash });
    }
  });

  it('sorts out one batch holding a repeated key, two tenants on one new trace id and a failing seal', async () => {
    const [first, repeat, other, failed, next] = await Promise.allSettled([
      append(instanceA, { tenant: 'acme', traceId: 'tr-batch', key: 'batch-key' }),
      append(instanceA, { tenant: 'acme', traceId: 'tr-batch-2', key: 'batch-key' }),
      append(instanceA, { tenant: 'globex', traceId: 'tr-batch' }),
      append(instanceA, { tenant: 'acme', traceId: 'tr-batch', failSeal: true }),
      append(instanceA, { tenant: 'acme', traceId: 'tr-batch', fuTokens: 42 }),
    ]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { kind: 'committed' } });
    expect(repeat).toMatchObject({ status: 'fulfilled', value: { kind: 'replay' } });
    expect((repeat as PromiseFulfilledResult<CommitResult>).value.responseBody).toBe((first as PromiseFulfilledResult<CommitResult>).value.responseBody);
    expect(other).toMatchObject({ status: 'fulfilled', value: { kind: 'committed', receipt: { hop: 1, prev_receipt_hash: null, tenant: 'globex' } } });
    expect(failed).toMatchObject({ status: 'rejected', reason: { message: 'seal refused' } });
    expect(next).toMatchObject({ status: 'fulfilled', value: { kind: 'committed' } });

    const chain = await chainOf('acme', 'tr-batch');
    expect(chain.map((r) => r.hop)).toEqual([1, 2]);
    expect(verifyChain(chain, jwks).valid).toBe(true);
    const fu = await db.sql.query<{ units: string }>("SELECT units::text FROM usage_events WHERE meter = 'fu' AND receipt_hash = $1", [chain[1].receipt_hash]);
    expect(fu).toEqual([{ units: '42' }]);
  });
});
