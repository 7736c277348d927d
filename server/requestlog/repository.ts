// Reading the request log back for the portal: newest first, keyset-paginated on
// (occurred_at, id) so that any page is one index range scan, however deep.
import { getDatabase } from '../db';
import type { SqlQueryable } from '../db/sql';

export type RequestOutcome = 'success' | 'refused' | 'replay';

export interface RequestFilter {
  tenantId: string;
  outcome?: RequestOutcome;
  status?: number;
  code?: string;
  apiKeyId?: string;
  /** Matches the payload type or the target type. */
  type?: string;
  from?: Date;
  to?: Date;
}

/** The last row of the previous page. */
export interface RequestCursor {
  at: string;
  id: string;
}

export interface RequestRow {
  id: string;
  occurredAt: string;
  apiKeyId: string;
  apiKeyName: string | null;
  apiKeyPrefix: string | null;
  payloadType: string | null;
  targetType: string | null;
  status: number;
  errorCode: string | null;
  errorMessage: string | null;
  replay: boolean;
  repair: string | null;
  fuTokens: number;
  totalMs: number;
  addedMs: number;
  traceId: string | null;
  receiptHash: string | null;
}

const ISO_MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

export async function listRequests(filter: RequestFilter, page: { cursor?: RequestCursor; limit: number }, sql: SqlQueryable = getDatabase().sql) {
  const params: unknown[] = [filter.tenantId];
  const where = ['l.tenant_id = $1'];
  const add = (clause: (n: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (filter.outcome === 'success') where.push('l.status < 400 AND NOT l.replay');
  if (filter.outcome === 'refused') where.push('l.status >= 400');
  if (filter.outcome === 'replay') where.push('l.replay');
  if (filter.status !== undefined) add((p) => `l.status = ${p}`, filter.status);
  if (filter.code) add((p) => `l.error_code = ${p}`, filter.code);
  if (filter.apiKeyId) add((p) => `l.api_key_id = ${p}`, filter.apiKeyId);
  if (filter.type) add((p) => `(l.payload_type = ${p} OR l.target_type = ${p})`, filter.type);
  if (filter.from) add((p) => `l.occurred_at >= ${p}::timestamp(3)`, filter.from.toISOString());
  if (filter.to) add((p) => `l.occurred_at < ${p}::timestamp(3)`, filter.to.toISOString());
  if (page.cursor) {
    params.push(page.cursor.at, page.cursor.id);
    where.push(`(l.occurred_at, l.id) < ($${params.length - 1}::timestamp(3), $${params.length}::bigint)`);
  }
  params.push(page.limit + 1);
  const rows = await sql.query<{
    id: string;
    occurred_at: string;
    api_key_id: string;
    key_name: string | null;
    key_prefix: string | null;
    payload_type: string | null;
    target_type: string | null;
    status: number;
    error_code: string | null;
    error_message: string | null;
    replay: boolean;
    repair: string | null;
    fu_tokens: string;
    total_ms: number;
    added_ms: number;
    trace_id: string | null;
    receipt_hash: string | null;
  }>(
    `SELECT l.id::text, to_char(l.occurred_at, ${ISO_MS}) AS occurred_at, l.api_key_id, k.name AS key_name, k.prefix AS key_prefix,
            l.payload_type, l.target_type, l.status, l.error_code, l.error_message, l.replay, l.repair, l.fu_tokens::text,
            l.total_ms, l.added_ms, l.trace_id, l.receipt_hash
       FROM request_log l LEFT JOIN api_keys k ON k.id = l.api_key_id
      WHERE ${where.join(' AND ')}
      ORDER BY l.occurred_at DESC, l.id DESC
      LIMIT $${params.length}`,
    params,
  );
  const items: RequestRow[] = rows.slice(0, page.limit).map((r) => ({
    id: r.id,
    occurredAt: r.occurred_at,
    apiKeyId: r.api_key_id,
    apiKeyName: r.key_name,
    apiKeyPrefix: r.key_prefix,
    payloadType: r.payload_type,
    targetType: r.target_type,
    status: r.status,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    replay: r.replay,
    repair: r.repair,
    fuTokens: Number(r.fu_tokens),
    totalMs: Number(r.total_ms),
    addedMs: Number(r.added_ms),
    traceId: r.trace_id,
    receiptHash: r.receipt_hash,
  }));
  const last = items.at(-1);
  const nextCursor: RequestCursor | null = rows.length > page.limit && last ? { at: last.occurredAt, id: last.id } : null;
  return { items, nextCursor };
}

/**
 * The error codes this tenant has seen, for the filter's choices. A DISTINCT would read every
 * refusal the tenant ever had; this steps from one code to the next in the refusals' index
 * (a "loose index scan"), one probe per code, however long the log.
 */
export async function requestErrorCodes(tenantId: string, sql: SqlQueryable = getDatabase().sql): Promise<string[]> {
  const rows = await sql.query<{ error_code: string }>(
    `WITH RECURSIVE codes(error_code) AS (
       (SELECT error_code FROM request_log WHERE tenant_id = $1 AND error_code IS NOT NULL ORDER BY error_code LIMIT 1)
       UNION ALL
       SELECT (SELECT l.error_code FROM request_log l
                WHERE l.tenant_id = $1 AND l.error_code IS NOT NULL AND l.error_code > c.error_code
                ORDER BY l.error_code LIMIT 1)
         FROM codes c WHERE c.error_code IS NOT NULL)
     SELECT error_code FROM codes WHERE error_code IS NOT NULL LIMIT 100`,
    [tenantId],
  );
  return rows.map((r) => r.error_code);
}

/** One row, with its receipt's stored text when the request produced one. */
export async function requestDetail(tenantId: string, id: string, sql: SqlQueryable = getDatabase().sql) {
  const rows = await sql.query<{ receipt: string | null }>(
    `SELECT r.body AS receipt FROM request_log l LEFT JOIN receipts r ON r.receipt_hash = l.receipt_hash AND r.tenant_id = l.tenant_id
      WHERE l.tenant_id = $1 AND l.id = $2::bigint`,
    [tenantId, id],
  );
  const row = rows[0];
  return row ? { receipt: row.receipt === null ? null : (JSON.parse(row.receipt) as Record<string, unknown>) } : null;
}
