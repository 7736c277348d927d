// Period usage from the usage ledger (usage_events), the only source billing trusts: sums by
// meter over half-open periods [start, end).
import { getDatabase } from '../db';
import type { SqlQueryable } from '../db/sql';
import type { BillingPeriod } from './period';
import type { Usage } from './rating';
import { logger } from '../telemetry/logger';

export async function periodUsage(tenantId: string, period: BillingPeriod, sql: SqlQueryable = getDatabase().sql): Promise<Usage> {
  const rows = await sql.query<{ meter: string; units: string }>(
    `SELECT meter, SUM(units)::text AS units FROM usage_events
      WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3 GROUP BY meter`,
    [tenantId, period.start.toISOString(), period.end.toISOString()],
  );
  const usage: Usage = { vex: 0n, fu: 0n };
  for (const row of rows) if (row.meter === 'vex' || row.meter === 'fu') usage[row.meter] = BigInt(row.units);
  return usage;
}

export interface MonthlyUsage {
  /** First instant of the UTC calendar month. */
  start: Date;
  usage: Usage;
}

/** Usage per UTC calendar month for the `months` months ending with the one containing `now`, newest first. */
export async function monthlyUsage(tenantId: string, now: Date, months: number): Promise<MonthlyUsage[]> {
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const rows = await getDatabase().sql.query<{ month: string; meter: string; units: string }>(
    `SELECT to_char(occurred_at, 'YYYY-MM') AS month, meter, SUM(units)::text AS units FROM usage_events
      WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3 GROUP BY 1, 2`,
    [tenantId, first.toISOString(), end.toISOString()],
  );
  const result: MonthlyUsage[] = [];
  for (let i = 0; i < months; i++) {
    result.push({ start: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)), usage: { vex: 0n, fu: 0n } });
  }
  const byMonth = new Map(result.map((m) => [m.start.toISOString().slice(0, 7), m]));
  for (const row of rows) {
    const entry = byMonth.get(row.month);
    if (entry && (row.meter === 'vex' || row.meter === 'fu')) entry.usage[row.meter] = BigInt(row.units);
  }
  return result;
}

/** Failed (never billed) exchanges by error code in the period. */
export async function failedExchangesByCode(tenantId: string, period: BillingPeriod): Promise<Record<string, bigint>> {
  const rows = await getDatabase().sql.query<{ code: string; n: string }>(
    `SELECT code, COUNT(*)::text AS n FROM failed_exchanges
      WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3 GROUP BY code`,
    [tenantId, period.start.toISOString(), period.end.toISOString()],
  );
  return Object.fromEntries(rows.map((r) => [r.code, BigInt(r.n)]));
}

/** Records an exchange refused after its API key was known; never throws (best effort). */
export function recordFailedExchange(entry: { tenantId: string; apiKeyId: string; code: string; status: number }): void {
  getDatabase()
    .sql.query('INSERT INTO failed_exchanges (tenant_id, api_key_id, code, status, occurred_at) VALUES ($1, $2, $3, $4, $5)', [
      entry.tenantId,
      entry.apiKeyId,
      entry.code,
      entry.status,
      new Date().toISOString(),
    ])
    .catch((err: unknown) => logger.error({ err }, 'could not record a failed exchange'));
}
