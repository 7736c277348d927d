// The transaction of an exchange: idempotency record + chain head + receipt + usage rows
// commit together or not at all. Exchanges that arrive together share one call of the
// database function signet_append_exchanges (group commit, server/db/batcher.ts): one
// statement, so one transaction and one round trip; a lone exchange commits at once.
//
// Receipts are sealed before the call, against the trace heads this process last saw
// (trace-heads.ts; a trace not seen counts as new). A trace is (tenant, trace id). The function checks those heads under
// lock and writes only what still links up; an exchange whose head moved comes back 'stale'
// with the real head and is re-sealed on it, so a trace never forks and nothing is lost.
import { SpanKind, type Span } from '@opentelemetry/api';
import { loadConfig } from '../config';
import { createBatcher, type Settled } from '../db/batcher';
import type { SqlClient, SqlPipeline, SqlQueryable } from '../db/sql';
import type { Receipt } from '../receipts/types';
import { inSpan } from '../telemetry/tracing';
import { ExchangeError } from './errors';
import { traceKey, TraceHeads, type TraceHead } from './trace-heads';

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
  /** When the exchange started (performance.now()), for the request log's latency. */
  startedAt: number;
  /** Milliseconds the exchange spent waiting on the forward and the LLM fallback. */
  externalMs(): number;
  /** Builds (and signs) the receipt and the response once the chain position is known. */
  seal(position: ChainPosition): { receipt: Receipt; responseBody: string };
}

export type CommitResult =
  | { kind: 'committed'; receipt: Receipt; responseBody: string }
  | { kind: 'replay'; status: number; responseBody: string };

const MAX_ATTEMPTS = 5;
const RETRYABLE = new Set(['40001', '40P01', '23505']);

/**
 * An exchange waiting to commit; `attempts` counts the times its receipt was stale. It comes
 * sealed on the head expected when it was queued, so signing happens outside the (serial)
 * group-commit call; the call re-seals only if the head it finds differs.
 */
interface Pending {
  input: CommitInput;
  attempts: number;
  sealed?: SealedReceipt;
  /** The exchange's group-commit span, when tracing. */
  span?: Span;
}

interface SealedReceipt {
  receipt: Receipt;
  /** The receipt's stored text. */
  body: string;
  responseBody: string;
}

/** A call's answer for one exchange: settled, or to go again in a later call. */
type Attempt = CommitResult | { kind: 'again'; pending: Pending };

interface PerDatabase {
  commit(pending: Pending): Promise<Attempt>;
  /** The connection the optimistic appends go through. */
  appender: SqlPipeline;
  lookup(key: [string, string]): Promise<StoredResponse | null>;
  heads: TraceHeads;
  /** The tips that calls in flight are writing, per trace (traceKey). */
  inFlight: Map<string, TraceHead>;
}

const databases = new WeakMap<SqlClient, PerDatabase>();

function forDatabase(sql: SqlClient): PerDatabase {
  let db = databases.get(sql);
  if (!db) {
    const appender = sql.pipeline();
    // Only a database running in this process (PGlite) does not pipeline.
    const inProcess = !appender.pipelines;
    const created: PerDatabase = {
      // Where the connection pipelines, the next group is sent once it is as large as the one
      // committing, and waits on the server rather than for this process to read the answer.
      // Where the database runs in this process, a group gathers the exchanges of a whole
      // turn of the event loop.
      commit: createBatcher((batch: Pending[]) => commitBatch(sql, created, batch), {
        maxBatch: loadConfig().groupCommitMax,
        concurrency: inProcess ? 1 : 2,
        fill: true,
        gather: inProcess,
      }),
      appender,
      lookup: createBatcher((keys: [string, string][]) => lookupStored(sql, keys), { maxBatch: 256, concurrency: 2, gather: inProcess }),
      heads: new TraceHeads(),
      inFlight: new Map(),
    };
    databases.set(sql, created);
    db = created;
  }
  return db;
}

export interface StoredResponse {
  status: number;
  responseBody: string;
}

/** The stored response for (API key, idempotency key), if an exchange committed one. */
export function findStoredResponse(sql: SqlClient, apiKeyId: string, key: string): Promise<StoredResponse | null> {
  return forDatabase(sql).lookup([apiKeyId, key]);
}

async function lookupStored(sql: SqlQueryable, keys: [string, string][]): Promise<Settled<StoredResponse | null>[]> {
  const rows = await sql.query<{ api_key_id: string; key: string; status: number; response_body: string }>(
    `SELECT r.api_key_id, r.key, r.status, r.response_body
       FROM idempotency_records r JOIN unnest($1::text[], $2::text[]) AS k(api_key_id, key)
         ON r.api_key_id = k.api_key_id AND r.key = k.key`,
    [keys.map((k) => k[0]), keys.map((k) => k[1])],
  );
  const found = new Map(rows.map((r) => [`${r.api_key_id}\u0000${r.key}`, { status: r.status, responseBody: r.response_body }]));
  return keys.map((k) => ({ ok: true, value: found.get(`${k[0]}\u0000${k[1]}`) ?? null }));
}

export function commitExchange(sql: SqlClient, input: CommitInput): Promise<CommitResult> {
  return inSpan(
    'group_commit',
    async (span) => {
      const db = forDatabase(sql);
      // Going again happens out here, not inside a call: a call waiting for a later one could
      // hold the batcher's every slot.
      let pending: Pending = { input, attempts: 0, sealed: presealed(db, input), span };
      for (;;) {
        const attempt = await db.commit(pending);
        if (attempt.kind !== 'again') return attempt;
        pending = attempt.pending;
      }
    },
    { 'db.system.name': 'postgresql', 'db.operation.name': 'signet_append_exchanges' },
    SpanKind.CLIENT,
  );
}

interface Sealed extends SealedReceipt {
  index: number;
}

function presealed(db: PerDatabase, input: CommitInput): SealedReceipt {
  return seal(input, expectedHead(db, traceKey(input.tenantId, input.traceId)));
}

/** The head a new receipt should extend: a call in flight's tip, else the last committed head. */
function expectedHead(db: PerDatabase, trace: string): TraceHead | undefined {
  return db.inFlight.get(trace) ?? db.heads.get(trace);
}

function seal(input: CommitInput, head: TraceHead | undefined): SealedReceipt {
  const { receipt, responseBody } = input.seal({ hop: (head?.hop ?? 0) + 1, prevReceiptHash: head ? head.hash : null });
  return { receipt, body: JSON.stringify(receipt), responseBody };
}

/** What the function reports for an exchange it did not write (1-based `item`). */
interface NotWritten {
  item: number;
  outcome: 'duplicate' | 'stale';
  head_hop: number | null;
  head_hash: string | null;
}

async function commitBatch(sql: SqlClient, db: PerDatabase, batch: Pending[]): Promise<Settled<Attempt>[]> {
  // First attempts go optimistic; an exchange that came back stale goes under lock, so a
  // trace that several instances append to still makes progress for everyone.
  for (const p of batch) p.span?.setAttributes({ 'db.operation.batch.size': batch.length, 'signet.commit.attempt': p.attempts + 1 });
  const first = batch.filter((p) => p.attempts === 0);
  const again = batch.filter((p) => p.attempts > 0);
  const [firstResults, againResults] = await Promise.all([appendOptimistic(sql, db, first), appendLocked(sql, db, again)]);
  const results = new Map<Pending, Settled<Attempt>>();
  first.forEach((p, i) => results.set(p, firstResults[i]!));
  again.forEach((p, i) => results.set(p, againResults[i]!));
  return batch.map((p) => results.get(p)!);
}

/** Seals on the heads this process knows (its calls in flight first), in one round trip. */
async function appendOptimistic(sql: SqlClient, db: PerDatabase, batch: Pending[]): Promise<Settled<Attempt>[]> {
  if (batch.length === 0) return [];
  return withRetries(batch, async () => {
    const { early, sealed, tips } = sealBatch(batch, (trace) => expectedHead(db, trace));
    // Calls running alongside this one extend its tips rather than the older committed heads.
    for (const [trace, tip] of tips) db.inFlight.set(trace, tip);
    try {
      const rows = sealed.length > 0 ? await db.appender.query<NotWritten>(APPEND, appendParams(batch, sealed)) : [];
      return settleCall(sql, db, batch, early, sealed, rows);
    } finally {
      for (const [trace, tip] of tips) if (db.inFlight.get(trace) === tip) db.inFlight.delete(trace);
    }
  });
}

/** Locks the heads first, then seals on them and appends: four round trips, no stale heads. */
async function appendLocked(sql: SqlClient, db: PerDatabase, batch: Pending[]): Promise<Settled<Attempt>[]> {
  if (batch.length === 0) return [];
  return withRetries(batch, async () => {
    const { early, sealed, rows } = await sql.transaction(async (tx) => {
      const traces = [...new Map(batch.map(({ input }) => [traceKey(input.tenantId, input.traceId), input])).values()];
      const locked = await tx.query<{ id: string; tenant_id: string; head_hop: number; head_hash: string }>(
        `SELECT id, tenant_id, head_hop, head_hash FROM traces
          WHERE (tenant_id, id) IN (SELECT * FROM unnest($1::text[], $2::text[])) ORDER BY tenant_id, id FOR UPDATE`,
        [traces.map((t) => t.tenantId), traces.map((t) => t.traceId)],
      );
      const heads = new Map(locked.map((h) => [traceKey(h.tenant_id, h.id), { hop: h.head_hop, hash: h.head_hash }]));
      const plan = sealBatch(batch, (trace) => heads.get(trace));
      return { ...plan, rows: plan.sealed.length > 0 ? await tx.query<NotWritten>(APPEND, appendParams(batch, plan.sealed)) : [] };
    });
    // Settled after the commit: settling may read the database, which PGlite cannot do
    // while a transaction holds it.
    return settleCall(sql, db, batch, early, sealed, rows);
  });
}

/** Retries a whole call on a deadlock or a unique violation (a race the checks did not see). */
async function withRetries(batch: Pending[], call: () => Promise<Settled<Attempt>[]>): Promise<Settled<Attempt>[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (!code || !RETRYABLE.has(code)) throw err;
      if (attempt >= MAX_ATTEMPTS) return batch.map(() => ({ ok: false, error: chainConflict() }));
    }
  }
}

function settleCall(sql: SqlClient, db: PerDatabase, batch: Pending[], early: (Settled<Attempt> | undefined)[], sealed: Sealed[], rows: NotWritten[]) {
  const notWritten = new Map(rows.map((r) => [r.item - 1, r]));
  const settled = new Map(sealed.map((s, j) => [s.index, settleSealed(sql, db, batch[s.index]!, s, notWritten.get(j))]));
  return Promise.all(batch.map((_, index) => early[index] ?? settled.get(index)!));
}

/**
 * Seals each exchange on the head it should extend: the previous exchange of its trace in
 * this call, else `headOf` (by traceKey). A call carries one exchange per idempotency key;
 * the others wait for the next call.
 */
function sealBatch(batch: Pending[], headOf: (trace: string) => TraceHead | undefined) {
  const early: (Settled<Attempt> | undefined)[] = new Array(batch.length);
  const sealed: Sealed[] = [];
  const keys = new Set<string>();
  const tips = new Map<string, TraceHead>();
  batch.forEach((pending, index) => {
    const { input } = pending;
    const key = `${input.apiKeyId}\u0000${input.idempotencyKey}`;
    if (keys.has(key)) {
      early[index] = { ok: true, value: { kind: 'again', pending } };
      return;
    }
    const trace = traceKey(input.tenantId, input.traceId);
    const head = tips.get(trace) ?? headOf(trace);
    try {
      const pre = pending.sealed?.receipt;
      const fits = pre && pre.hop === (head?.hop ?? 0) + 1 && pre.prev_receipt_hash === (head ? head.hash : null);
      const s = fits ? pending.sealed! : seal(input, head);
      keys.add(key);
      tips.set(trace, { hop: s.receipt.hop, hash: s.receipt.receipt_hash });
      sealed.push({ index, ...s });
    } catch (error) {
      early[index] = { ok: false, error };
    }
  });
  return { early, sealed, tips };
}

async function settleSealed(sql: SqlClient, db: PerDatabase, pending: Pending, s: Sealed, row: NotWritten | undefined): Promise<Settled<Attempt>> {
  const { input } = pending;
  const trace = traceKey(input.tenantId, input.traceId);
  if (!row) {
    db.heads.advance(trace, { hop: s.receipt.hop, hash: s.receipt.receipt_hash });
    return { ok: true, value: { kind: 'committed', receipt: s.receipt, responseBody: s.responseBody } };
  }
  if (row.outcome === 'duplicate') {
    // Another exchange committed this idempotency key: replay its response.
    const stored = await findStoredResponse(sql, input.apiKeyId, input.idempotencyKey);
    if (stored) return { ok: true, value: { kind: 'replay', ...stored } };
    return { ok: true, value: { kind: 'again', pending } };
  }
  if (row.head_hop === null) db.heads.forget(trace);
  else db.heads.set(trace, { hop: row.head_hop, hash: row.head_hash! });
  if (pending.attempts + 1 >= MAX_ATTEMPTS) return { ok: false, error: chainConflict() };
  return { ok: true, value: { kind: 'again', pending: { input, attempts: pending.attempts + 1, span: pending.span } } };
}

function chainConflict(): ExchangeError {
  return new ExchangeError('CHAIN_CONFLICT', `could not append after ${MAX_ATTEMPTS} attempts; retry the request`);
}

const APPEND = 'SELECT item, outcome, head_hop, head_hash FROM signet_append_exchanges($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)';

function appendParams(batch: Pending[], sealed: Sealed[]): unknown[] {
  const input = (s: Sealed) => batch[s.index]!.input;
  const now = performance.now();
  return [
    sealed.map((s) => input(s).apiKeyId),
    sealed.map((s) => input(s).idempotencyKey),
    sealed.map((s) => input(s).tenantId),
    sealed.map((s) => s.receipt.trace_id),
    sealed.map((s) => s.receipt.hop),
    sealed.map((s) => s.receipt.prev_receipt_hash ?? ''),
    sealed.map((s) => s.receipt.receipt_hash),
    sealed.map((s) => s.receipt.payload_type),
    sealed.map((s) => s.receipt.target_type),
    sealed.map((s) => s.receipt.cid),
    sealed.map((s) => s.receipt.ts),
    sealed.map((s) => s.body),
    sealed.map((s) => s.responseBody),
    sealed.map((s) => input(s).fuTokens),
    // The request log's row: latency up to this call (the function adds its own time).
    sealed.map((s) => now - input(s).startedAt),
    sealed.map((s) => input(s).externalMs()),
    sealed.map((s) => s.receipt.repair?.method ?? ''),
  ];
}
