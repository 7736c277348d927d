// Period usage from the usage ledger (usage_events), the only source billing trusts: sums by
// meter over half-open periods [start, end), read through its exact hourly rollups
// (server/usage/rollups.ts).
import { getDatabase } from '../db';
import type { SqlQueryable } from '../db/sql';
import type { BillingPeriod } from './period';
import type { Usage } from './rating';
import { logger } from '../telemetry/logger';
import { meterTotals, sumUsage } from '../usage/rollups';

export function periodUsage(tenantId: string, period: BillingPeriod, sql: SqlQueryable = getDatabase().sql): Promise<Usage> {
  return meterTotals(sql, tenantId, period.start, period.end);
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
  const rows = await sumUsage(getDatabase().sql, { tenantIds: [tenantId], start: first, end, by: 'month' });
  const result: MonthlyUsage[] = [];
  for (let i = 0; i < months; i++) {
    result.push({ start: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)), usage: { vex: 0n, fu: 0n } });
  }
  const byMonth = new Map(result.map((m) => [m.start.toISOString().slice(0, 7), m]));
  for (const row of rows) {
    const entry = byMonth.get(row.bucket);
    if (entry) entry.usage[row.meter] = row.units;
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
