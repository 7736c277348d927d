// Reading the usage ledger for the portal: a tenant's VEx and FU totals over a period and the
// same split by UTC day, from the hourly rollups (rollups.ts). Periods are half-open
// [start, end), as in server/billing/period.
import { getDatabase, prisma } from '../db';
import type { BillingPeriod } from '../billing/period';
import { meterTotals, sumUsage } from './rollups';
import { tracesCreated } from './trace-rollups';

export type Meter = 'vex' | 'fu';
export type MeterTotals = Record<Meter, bigint>;

export interface DailyUsage extends MeterTotals {
  /** YYYY-MM-DD (UTC). */
  day: string;
}

export function usageTotals(tenantId: string, period: BillingPeriod): Promise<MeterTotals> {
  return meterTotals(getDatabase().sql, tenantId, period.start, period.end);
}

/** One entry per UTC day of the period, days without usage included as zeros. */
export async function dailyUsage(tenantId: string, period: BillingPeriod): Promise<DailyUsage[]> {
  const rows = await sumUsage(getDatabase().sql, { tenantIds: [tenantId], start: period.start, end: period.end, by: 'day' });
  const days = new Map<string, DailyUsage>();
  for (let t = period.start.getTime(); t < period.end.getTime(); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    days.set(day, { day, vex: 0n, fu: 0n });
  }
  for (const row of rows) {
    const entry = days.get(row.bucket);
    if (entry) entry[row.meter] = row.units;
  }
  return [...days.values()];
}

/** When the tenant's last receipt was written, or null before the first exchange. */
export async function lastExchangeAt(tenantId: string): Promise<Date | null> {
  const row = await prisma().receipt.findFirst({ where: { tenantId }, orderBy: { createdAt: 'desc' }, select: { createdAt: true } });
  return row?.createdAt ?? null;
}

/** Traces created in the period (from the hourly trace rollups). */
export function tracesInPeriod(tenantId: string, period: BillingPeriod): Promise<number> {
  return tracesCreated(getDatabase().sql, tenantId, period.start, period.end);
}
