// The transaction of an exchange: idempotency record + chain head + receipt + usage rows
// commit together or not at all. Exchanges that arrive together share one transaction (group
// commit, server/db/batcher.ts); a lone exchange commits at once.
//
// Inside a transaction, in this order (every phase sorted, so concurrent transactions on
// any number of instances cannot deadlock one another):
//   1. claim the idempotency keys (primary key; a key claimed by a transaction in flight
//      makes us wait for it, then we replay its stored response);
//   2. create missing traces and lock every trace head (FOR UPDATE, ordered by id);
//   3. assign hops in arrival order, sign, and write receipts, heads, usage and responses.
// A trace therefore never forks; UNIQUE(trace_id, hop) backs that up.
import { createBatcher, type Settled } from '../db/batcher';
import type { SqlClient, SqlQueryable } from '../db/sql';
import type { Receipt } from '../receipts/types';
import { ExchangeError } from './errors';

export interface ChainPosition {
  hop: number;
  prevReceiptHash: string | null;
}

export interface CommitInput {
  apiKeyId: string;
  idempotencyKey: string;
  tenantId: string;
  traceId: string;
  fuTokens: number;
  /** Builds (and signs) the receipt and the response once the chain position is known. */
  seal(position: ChainPosition): { receipt: Receipt; responseBody: string };
}

export type CommitResult =
  | { kind: 'committed'; receipt: Receipt; responseBody: string }
  | { kind: 'replay'; status: number; responseBody: string };

const MAX_ATTEMPTS = 5;
const MAX_BATCH = Number(process.env.SP_GROUP_COMMIT_MAX ?? 128);
const RETRYABLE = new Set(['40001', '40P01', '23505']);

type Outcome = Settled<CommitResult> | { ok: 'duplicate' };

const committers = new WeakMap<SqlClient, (input: CommitInput) => Promise<CommitResult>>();
const lookups = new WeakMap<SqlClient, (key: [string, string]) => Promise<StoredResponse | null>>();

export interface StoredResponse {
  status: number;
  responseBody: string;
}

/** The stored response for (API key, idempotency key), if an exchange committed one. */
export function findStoredResponse(sql: SqlClient, apiKeyId: string, key: string): Promise<StoredResponse | null> {
  let lookup = lookups.get(sql);
  if (!lookup) {
    lookup = createBatcher((keys: [string, string][]) => lookupStored(sql, keys), { maxBatch: 256, concurrency: 2 });
    lookups.set(sql, lookup);
  }
  return lookup([apiKeyId, key]);
}

async function lookupStored(sql: SqlQueryable, keys: [string, string][]): Promise<Settled<StoredResponse | null>[]> {
  const rows = await sql.query<{ api_key_id: string; key: string; status: number; response_body: string }>(
    `SELECT r.api_key_id, r.key, r.status, r.response_body
       FROM idempotency_records r JOIN unnest($1::text[], $2::text[]) AS k(api_key_id, key)
         ON r.api_key_id = k.api_key_id AND r.key = k.key
      WHERE r.status > 0`,
    [keys.map((k) => k[0]), keys.map((k) => k[1])],
  );
  const found = new Map(rows.map((r) => [`${r.api_key_id}\u0000${r.key}`, { status: r.status, responseBody: r.response_body }]));
  return keys.map((k) => ({ ok: true, value: found.get(`${k[0]}\u0000${k[1]}`) ?? null }));
}

export function commitExchange(sql: SqlClient, input: CommitInput): Promise<CommitResult> {
  let commit = committers.get(sql);
  if (!commit) {
    commit = createBatcher((items: CommitInput[]) => commitBatch(sql, items), { maxBatch: MAX_BATCH, concurrency: 2 });
    committers.set(sql, commit);
  }
  return commit(input);
}

async function commitBatch(sql: SqlClient, items: CommitInput[]): Promise<Settled<CommitResult>[]> {
  for (let attempt = 1; ; attempt++) {
    let outcomes: Outcome[];
    try {
      outcomes = await sql.transaction((tx) => commitOnce(tx, items));
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code && RETRYABLE.has(code)) {
        if (attempt < MAX_ATTEMPTS) continue;
        const conflict = new ExchangeError(409, 'CHAIN_CONFLICT', `could not append after ${MAX_ATTEMPTS} attempts; retry the request`);
        return items.map(() => ({ ok: false, error: conflict }));
      }
      throw err;
    }
    // Duplicates of an idempotency key replay the response stored by whoever claimed it; if
    // that transaction rolled back, nothing is stored and the request commits on its own.
    return Promise.all(
      outcomes.map(async (o, i): Promise<Settled<CommitResult>> => {
        if (o.ok !== 'duplicate') return o;
        const item = items[i]!;
        const stored = await findStoredResponse(sql, item.apiKeyId, item.idempotencyKey);
        if (stored) return { ok: true, value: { kind: 'replay', ...stored } };
        try {
          return { ok: true, value: await commitExchange(sql, item) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
  }
}

async function commitOnce(tx: SqlQueryable, items: CommitInput[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = items.map(() => ({ ok: 'duplicate' }));

  // 1. Claim idempotency keys. Within the batch the first occurrence of a key owns it.
  const claimKey = (i: CommitInput) => `${i.apiKeyId}\u0000${i.idempotencyKey}`;
  const firstIndex = new Map<string, number>();
  items.forEach((item, i) => {
    if (!firstIndex.has(claimKey(item))) firstIndex.set(claimKey(item), i);
  });
  const toClaim = [...firstIndex.values()].sort((a, b) => (claimKey(items[a]!) < claimKey(items[b]!) ? -1 : 1));
  const claimedRows = await tx.query<{ api_key_id: string; key: string }>(
    `INSERT INTO idempotency_records (api_key_id, key, status, response_body, trace_id)
     SELECT api_key_id, key, 0, '', trace_id FROM unnest($1::text[], $2::text[], $3::text[]) AS c(api_key_id, key, trace_id)
     ON CONFLICT DO NOTHING RETURNING api_key_id, key`,
    [toClaim.map((i) => items[i]!.apiKeyId), toClaim.map((i) => items[i]!.idempotencyKey), toClaim.map((i) => items[i]!.traceId)],
  );
  const claimed = new Set(claimedRows.map((r) => `${r.api_key_id}\u0000${r.key}`));
  const owners = [...firstIndex.values()].filter((i) => claimed.has(claimKey(items[i]!))).sort((a, b) => a - b);
  if (owners.length === 0) return outcomes;

  // 2. Create missing traces, then lock every head in id order.
  const traceIds = [...new Set(owners.map((i) => items[i]!.traceId))].sort();
  const tenantOf = new Map(owners.map((i) => [items[i]!.traceId, items[i]!.tenantId]));
  await tx.query(
    `INSERT INTO traces (id, tenant_id, head_hop, head_hash)
     SELECT id, tenant_id, 0, '' FROM unnest($1::text[], $2::text[]) AS t(id, tenant_id)
     ON CONFLICT DO NOTHING`,
    [traceIds, traceIds.map((id) => tenantOf.get(id)!)],
  );
  const heads = await tx.query<{ id: string; tenant_id: string; head_hop: number; head_hash: string }>(
    'SELECT id, tenant_id, head_hop, head_hash FROM traces WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
    [traceIds],
  );
  const head = new Map(heads.map((h) => [h.id, { tenantId: h.tenant_id, hop: h.head_hop, hash: h.head_hash }]));

  // 3. Assign hops in arrival order and seal.
  const receipts: { item: CommitInput; receipt: Receipt; body: string; responseBody: string }[] = [];
  const refusedClaims: CommitInput[] = [];
  for (const i of owners) {
    const item = items[i]!;
    const h = head.get(item.traceId)!;
    if (h.tenantId !== item.tenantId) {
      outcomes[i] = { ok: false, error: new ExchangeError(409, 'TRACE_ID_UNAVAILABLE', `trace_id "${item.traceId}" is already in use; choose another`) };
      refusedClaims.push(item);
      continue;
    }
    try {
      const { receipt, responseBody } = item.seal({ hop: h.hop + 1, prevReceiptHash: h.hop === 0 ? null : h.hash });
      h.hop = receipt.hop;
      h.hash = receipt.receipt_hash;
      receipts.push({ item, receipt, body: JSON.stringify(receipt), responseBody });
      outcomes[i] = { ok: true, value: { kind: 'committed', receipt, responseBody } };
    } catch (error) {
      outcomes[i] = { ok: false, error };
      refusedClaims.push(item);
    }
  }

  if (refusedClaims.length > 0) {
    // A refused exchange leaves nothing behind, not even its idempotency claim.
    await tx.query(
      'DELETE FROM idempotency_records r USING unnest($1::text[], $2::text[]) AS c(api_key_id, key) WHERE r.api_key_id = c.api_key_id AND r.key = c.key',
      [refusedClaims.map((i) => i.apiKeyId), refusedClaims.map((i) => i.idempotencyKey)],
    );
  }
  if (receipts.length === 0) return outcomes;

  // One statement writes everything (data-modifying CTEs): receipts, heads, usage, responses.
  const lastHop = new Map<string, { hop: number; hash: string }>();
  for (const r of receipts) lastHop.set(r.receipt.trace_id, { hop: r.receipt.hop, hash: r.receipt.receipt_hash });
  const usage = receipts.flatMap((r) => [
    { r, meter: 'vex', units: 1 },
    ...(r.item.fuTokens > 0 ? [{ r, meter: 'fu', units: r.item.fuTokens }] : []),
  ]);
  await tx.query(
    `WITH new_receipts AS (
       INSERT INTO receipts (trace_id, hop, tenant_id, api_key_id, receipt_hash, payload_type, target_type, cid, created_at, body)
       SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamp[], $10::text[])
     ), heads AS (
       UPDATE traces t SET head_hop = v.hop, head_hash = v.hash, updated_at = now()
         FROM unnest($11::text[], $12::int[], $13::text[]) AS v(id, hop, hash) WHERE t.id = v.id
     ), usage AS (
       INSERT INTO usage_events (tenant_id, api_key_id, meter, units, receipt_hash, occurred_at)
       SELECT * FROM unnest($14::text[], $15::text[], $16::text[], $17::bigint[], $18::text[], $19::timestamp[])
     )
     UPDATE idempotency_records r SET status = 200, response_body = v.body
       FROM unnest($20::text[], $21::text[], $22::text[]) AS v(api_key_id, key, body)
      WHERE r.api_key_id = v.api_key_id AND r.key = v.key`,
    [
      receipts.map((r) => r.receipt.trace_id),
      receipts.map((r) => r.receipt.hop),
      receipts.map((r) => r.item.tenantId),
      receipts.map((r) => r.item.apiKeyId),
      receipts.map((r) => r.receipt.receipt_hash),
      receipts.map((r) => r.receipt.payload_type),
      receipts.map((r) => r.receipt.target_type),
      receipts.map((r) => r.receipt.cid),
      receipts.map((r) => r.receipt.ts),
      receipts.map((r) => r.body),
      [...lastHop.keys()],
      [...lastHop.values()].map((v) => v.hop),
      [...lastHop.values()].map((v) => v.hash),
      usage.map((u) => u.r.item.tenantId),
      usage.map((u) => u.r.item.apiKeyId),
      usage.map((u) => u.meter),
      usage.map((u) => u.units),
      usage.map((u) => u.r.receipt.receipt_hash),
      usage.map((u) => u.r.receipt.ts),
      receipts.map((r) => r.item.apiKeyId),
      receipts.map((r) => r.item.idempotencyKey),
      receipts.map((r) => r.responseBody),
    ],
  );
  return outcomes;
}
