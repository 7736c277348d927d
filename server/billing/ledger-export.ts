// The reconciliation ledger: every usage row of a tenant's period (the units the reconciliation
// report sums), streamed as CSV or NDJSON in keyset batches, so an export of ten million rows
// holds one batch in memory, not the period. Rows come in (meter, occurred_at, id) order, which
// the (tenant_id, meter, occurred_at, id) index serves: each batch starts where the last ended.
import type { SqlQueryable } from '../db/sql';
import type { BillingPeriod } from './period';

export const LEDGER_COLUMNS = ['receipt_hash', 'meter', 'units', 'occurred_at', 'api_key_id', 'batch_id'] as const;
export type LedgerFormat = 'csv' | 'ndjson';

const DEFAULT_BATCH = 5000;

interface LedgerRow {
  id: string;
  receipt_hash: string;
  meter: string;
  units: string;
  occurred_at: string;
  api_key_id: string | null;
  batch_id: string | null;
}

function csvField(value: string | null): string {
  if (value === null) return '';
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function line(row: LedgerRow, format: LedgerFormat): string {
  if (format === 'csv') return `${LEDGER_COLUMNS.map((c) => csvField(row[c])).join(',')}\r\n`;
  return `${JSON.stringify(Object.fromEntries(LEDGER_COLUMNS.map((c) => [c, row[c]])))}\n`;
}

/** The export's text, a batch of rows per chunk (the CSV header first). */
export async function* usageLedger(
  sql: SqlQueryable,
  tenantId: string,
  period: BillingPeriod,
  format: LedgerFormat,
  batchSize = DEFAULT_BATCH,
): AsyncGenerator<string> {
  if (format === 'csv') yield `${LEDGER_COLUMNS.join(',')}\r\n`;
  let after: LedgerRow | null = null;
  for (;;) {
    const rows: LedgerRow[] = await sql.query<LedgerRow>(
      // Ordered by the table's columns (u.), not the text the SELECT makes of them.
      `SELECT u.id::text AS id, u.receipt_hash, u.meter, u.units::text AS units,
              to_char(u.occurred_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at, u.api_key_id, u.batch_id
         FROM usage_events u
        WHERE u.tenant_id = $1 AND u.occurred_at >= $2 AND u.occurred_at < $3
          AND ($4::text IS NULL OR (u.meter, u.occurred_at, u.id) > ($4, $5::timestamp(3), $6::bigint))
        ORDER BY u.meter, u.occurred_at, u.id LIMIT $7`,
      [tenantId, period.start.toISOString(), period.end.toISOString(), after?.meter ?? null, after?.occurred_at ?? null, after?.id ?? null, batchSize],
    );
    if (rows.length === 0) return;
    let chunk = '';
    for (const row of rows) chunk += line(row, format);
    yield chunk;
    if (rows.length < batchSize) return;
    after = rows.at(-1)!;
  }
}
