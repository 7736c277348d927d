// Reading the usage ledger for the portal: a tenant's VEx and FU totals over a period and the
// same split by UTC day. Periods are half-open [start, end), as in server/billing/period.
import { getDatabase, prisma } from '../db';
import type { BillingPeriod } from '../billing/period';

export type Meter = 'vex' | 'fu';
export type MeterTotals = Record<Meter, bigint>;

export interface DailyUsage extends MeterTotals {
  /** YYYY-MM-DD (UTC). */
  day: string;
}

export async function usageTotals(tenantId: string, period: BillingPeriod): Promise<MeterTotals> {
  const groups = await prisma().usageEvent.groupBy({
    by: ['meter'],
    where: { tenantId, occurredAt: { gte: period.start, lt: period.end } },
    _sum: { units: true },
  });
  const totals: MeterTotals = { vex: 0n, fu: 0n };
  for (const g of groups) if (g.meter === 'vex' || g.meter === 'fu') totals[g.meter] = g._sum.units ?? 0n;
  return totals;
}

/** One entry per UTC day of the period, days without usage included as zeros. */
export async function dailyUsage(tenantId: string, period: BillingPeriod): Promise<DailyUsage[]> {
  const rows = await getDatabase().sql.query<{ day: string; meter: string; units: string }>(
    `SELECT to_char(occurred_at, 'YYYY-MM-DD') AS day, meter, SUM(units)::text AS units
       FROM usage_events WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3
      GROUP BY 1, 2`,
    [tenantId, period.start.toISOString(), period.end.toISOString()],
  );
  const days = new Map<string, DailyUsage>();
  for (let t = period.start.getTime(); t < period.end.getTime(); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    days.set(day, { day, vex: 0n, fu: 0n });
  }
  for (const row of rows) {
    const entry = days.get(row.day);
    if (entry && (row.meter === 'vex' || row.meter === 'fu')) entry[row.meter] = BigInt(row.units);
  }
  return [...days.values()];
}

/** When the tenant's last receipt was written, or null before the first exchange. */
export async function lastExchangeAt(tenantId: string): Promise<Date | null> {
  const row = await prisma().receipt.findFirst({ where: { tenantId }, orderBy: { createdAt: 'desc' }, select: { createdAt: true } });
  return row?.createdAt ?? null;
}

export function tracesSince(tenantId: string, since: Date): Promise<number> {
  return prisma().trace.count({ where: { tenantId, createdAt: { gte: since } } });
}
