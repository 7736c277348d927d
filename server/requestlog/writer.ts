// Request-log rows that are not written with a receipt: refusals after authentication (429s
// included) and replays. They are written off the response path, batched (one INSERT per turn
// of the event loop, carrying the failure record too), and `flushRequestLog` waits for every
// row still in flight, so a graceful shutdown loses none. Successful exchanges are logged by
// the group commit itself (server/exchange/commit.ts), in the receipt's transaction.
import { createBatcher, type Settled } from '../db/batcher';
import { getDatabase } from '../db';
import type { SqlClient } from '../db/sql';
import { logger } from '../telemetry/logger';

export interface LoggedRequest {
  tenantId: string;
  apiKeyId: string;
  occurredAt: Date;
  payloadType?: string;
  targetType?: string;
  status: number;
  errorCode?: string;
  errorMessage?: string;
  replay: boolean;
  totalMs: number;
  addedMs: number;
  traceId?: string;
}

const MAX_MESSAGE = 2_000;

const writers = new WeakMap<SqlClient, (row: LoggedRequest) => Promise<void>>();
const inFlight = new Set<Promise<void>>();

function writerFor(sql: SqlClient) {
  let write = writers.get(sql);
  if (!write) {
    write = createBatcher((rows: LoggedRequest[]) => insertRows(sql, rows), { maxBatch: 512, gather: true });
    writers.set(sql, write);
  }
  return write;
}

/** Queues a row; never throws (a failed write is logged). */
export function logRequest(row: LoggedRequest): void {
  const done = writerFor(getDatabase().sql)(row)
    .catch((err: unknown) => logger.error({ err }, 'could not write a request-log row'))
    .finally(() => inFlight.delete(done));
  inFlight.add(done);
}

/** Resolves once every queued row is written (or failed). */
export async function flushRequestLog(): Promise<void> {
  while (inFlight.size > 0) await Promise.all([...inFlight]);
}

async function insertRows(sql: SqlClient, rows: LoggedRequest[]): Promise<Settled<void>[]> {
  const col = <T>(f: (r: LoggedRequest) => T) => rows.map(f);
  // Refusals also go to failed_exchanges (what billing's reconciliation counts), in the same statement.
  await sql.query(
    `WITH r AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamp(3)[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[],
                            $9::boolean[], $10::float8[], $11::float8[], $12::text[])
         AS r(tenant_id, api_key_id, occurred_at, payload_type, target_type, status, error_code, error_message, replay, total_ms, added_ms, trace_id)
     ), failed AS (
       INSERT INTO failed_exchanges (tenant_id, api_key_id, code, status, occurred_at)
       SELECT tenant_id, api_key_id, error_code, status, occurred_at FROM r WHERE error_code IS NOT NULL
     )
     INSERT INTO request_log (tenant_id, api_key_id, occurred_at, payload_type, target_type, status, error_code, error_message,
                              replay, total_ms, added_ms, trace_id)
     SELECT * FROM r`,
    [
      col((r) => r.tenantId),
      col((r) => r.apiKeyId),
      col((r) => r.occurredAt.toISOString()),
      col((r) => r.payloadType ?? null),
      col((r) => r.targetType ?? null),
      col((r) => r.status),
      col((r) => r.errorCode ?? null),
      col((r) => (r.errorMessage === undefined ? null : r.errorMessage.slice(0, MAX_MESSAGE))),
      col((r) => r.replay),
      col((r) => r.totalMs),
      col((r) => r.addedMs),
      col((r) => r.traceId ?? null),
    ],
  );
  return rows.map(() => ({ ok: true, value: undefined }));
}
