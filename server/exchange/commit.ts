// The one transaction of an exchange: idempotency record + chain head + receipt + usage rows
// commit together or not at all. Appends to one trace serialize on the trace row's lock, so
// a chain never forks, across any number of instances sharing PostgreSQL; UNIQUE(trace_id,
// hop) backs that up, and the idempotency key's primary key makes concurrent duplicates wait
// for the first and then replay its response.
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
const RETRYABLE = new Set(['40001', '40P01', '23505']);

class DuplicateIdempotencyKey extends Error {}

export async function findStoredResponse(sql: SqlQueryable, apiKeyId: string, key: string) {
  const rows = await sql.query<{ status: number; response_body: string }>(
    'SELECT status, response_body FROM idempotency_records WHERE api_key_id = $1 AND key = $2',
    [apiKeyId, key],
  );
  const row = rows[0];
  return row && row.status > 0 ? { status: row.status, responseBody: row.response_body } : null;
}

export async function commitExchange(sql: SqlClient, input: CommitInput): Promise<CommitResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sql.transaction((tx) => commitOnce(tx, input));
    } catch (err) {
      if (err instanceof DuplicateIdempotencyKey) {
        const stored = await findStoredResponse(sql, input.apiKeyId, input.idempotencyKey);
        if (stored) return { kind: 'replay', ...stored };
        continue; // the other request rolled back; try to own the key ourselves
      }
      const code = (err as { code?: string }).code;
      if (code && RETRYABLE.has(code) && attempt < MAX_ATTEMPTS) continue;
      if (code && RETRYABLE.has(code)) {
        throw new ExchangeError(409, 'CHAIN_CONFLICT', `could not append to trace ${input.traceId} after ${MAX_ATTEMPTS} attempts; retry the request`);
      }
      throw err;
    }
  }
}

async function commitOnce(tx: SqlQueryable, input: CommitInput): Promise<CommitResult> {
  const claimed = await tx.query(
    `INSERT INTO idempotency_records (api_key_id, key, status, response_body, trace_id)
     VALUES ($1, $2, 0, '', $3) ON CONFLICT DO NOTHING RETURNING 1`,
    [input.apiKeyId, input.idempotencyKey, input.traceId],
  );
  if (claimed.length === 0) throw new DuplicateIdempotencyKey();

  const head = await lockTraceHead(tx, input.traceId, input.tenantId);
  const position: ChainPosition = { hop: head.hop + 1, prevReceiptHash: head.hop === 0 ? null : head.hash };
  const { receipt, responseBody } = input.seal(position);
  const receiptBody = JSON.stringify(receipt);

  await tx.query(
    `INSERT INTO receipts (trace_id, hop, tenant_id, api_key_id, receipt_hash, payload_type, target_type, cid, created_at, body)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [receipt.trace_id, receipt.hop, input.tenantId, input.apiKeyId, receipt.receipt_hash, receipt.payload_type, receipt.target_type, receipt.cid, receipt.ts, receiptBody],
  );
  await tx.query('UPDATE traces SET head_hop = $2, head_hash = $3, updated_at = now() WHERE id = $1', [
    input.traceId,
    receipt.hop,
    receipt.receipt_hash,
  ]);
  await tx.query(
    `INSERT INTO usage_events (tenant_id, api_key_id, meter, units, receipt_hash, occurred_at) VALUES ($1, $2, 'vex', 1, $3, $4)`,
    [input.tenantId, input.apiKeyId, receipt.receipt_hash, receipt.ts],
  );
  if (input.fuTokens > 0) {
    await tx.query(
      `INSERT INTO usage_events (tenant_id, api_key_id, meter, units, receipt_hash, occurred_at) VALUES ($1, $2, 'fu', $3, $4, $5)`,
      [input.tenantId, input.apiKeyId, input.fuTokens, receipt.receipt_hash, receipt.ts],
    );
  }
  await tx.query('UPDATE idempotency_records SET status = 200, response_body = $3 WHERE api_key_id = $1 AND key = $2', [
    input.apiKeyId,
    input.idempotencyKey,
    responseBody,
  ]);
  return { kind: 'committed', receipt, responseBody };
}

/** Locks the trace's head row, creating the trace at hop 0 if it is new. */
async function lockTraceHead(tx: SqlQueryable, traceId: string, tenantId: string): Promise<{ hop: number; hash: string }> {
  for (;;) {
    const rows = await tx.query<{ tenant_id: string; head_hop: number; head_hash: string }>(
      'SELECT tenant_id, head_hop, head_hash FROM traces WHERE id = $1 FOR UPDATE',
      [traceId],
    );
    const row = rows[0];
    if (row) {
      if (row.tenant_id !== tenantId) {
        throw new ExchangeError(409, 'TRACE_ID_UNAVAILABLE', `trace_id "${traceId}" is already in use; choose another`);
      }
      return { hop: row.head_hop, hash: row.head_hash };
    }
    const created = await tx.query(
      `INSERT INTO traces (id, tenant_id, head_hop, head_hash) VALUES ($1, $2, 0, '') ON CONFLICT DO NOTHING RETURNING 1`,
      [traceId, tenantId],
    );
    if (created.length === 1) return { hop: 0, hash: '' };
    // Another request created it concurrently and has committed: lock it and read its head.
  }
}
