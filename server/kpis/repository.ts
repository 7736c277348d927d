// Reads the rows the admin KPIs are computed from (compute.ts), for the `months` UTC calendar
// months ending with the current one.
import { rate } from '../billing/rating';
import { calendarMonth } from '../billing/period';
import { tariffBook } from '../billing/tariffs';
import { getDatabase, prisma } from '../db';
import { VERIFY_USER_AGENT } from '../version';
import { computeKpis, feeCentsFromAudit, type KpiInput, type MonthKpis, type PlanChange, type ReservedChange } from './compute';

const MONTH = `to_char(date_trunc('month', %s), 'YYYY-MM')`;
const month = (column: string) => MONTH.replace('%s', column);
const VERIFY_PREFIX = `${VERIFY_USER_AGENT.split('/')[0]}/%`;

export function monthsEnding(now: Date, count: number): KpiInput['months'] {
  return Array.from({ length: count }, (_, i) => {
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (count - 1 - i), 1));
    const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    return { month: start.toISOString().slice(0, 7), start, end };
  });
}

export async function loadKpis(now = new Date(), count = 6): Promise<MonthKpis[]> {
  const sql = getDatabase().sql;
  const months = monthsEnding(now, count);
  const from = months[0]!.start.toISOString();
  const to = months.at(-1)!.end.toISOString();
  const [requests, codes, usage, tenantUsage, plans, tenants, audit, reservedRows] = await Promise.all([
    sql.query<{
      month: string;
      requests: string;
      succeeded: string;
      plain: string;
      fallback: string;
      refused: string;
      p50: number | null;
      p95: number | null;
      active: string;
      verifying: string;
    }>(
      `WITH l AS (SELECT *, ${month('occurred_at')} AS month FROM request_log WHERE occurred_at >= $1::timestamp(3) AND occurred_at < $2::timestamp(3)),
            v AS (SELECT DISTINCT ${month('fetched_at')} AS month, tenant_id FROM export_fetches
                   WHERE fetched_at >= $1::timestamp(3) AND fetched_at < $2::timestamp(3) AND user_agent LIKE $3),
            a AS (SELECT DISTINCT month, tenant_id FROM l WHERE status < 400 AND NOT replay),
            s AS (SELECT month,
                         count(*) FILTER (WHERE NOT replay) AS requests,
                         count(*) FILTER (WHERE status < 400 AND NOT replay) AS succeeded,
                         count(*) FILTER (WHERE status < 400 AND NOT replay AND fu_tokens = 0) AS plain,
                         count(*) FILTER (WHERE status < 400 AND NOT replay AND fu_tokens > 0) AS fallback,
                         count(*) FILTER (WHERE status >= 400) AS refused,
                         percentile_cont(0.5) WITHIN GROUP (ORDER BY added_ms) FILTER (WHERE status < 400 AND NOT replay) AS p50,
                         percentile_cont(0.95) WITHIN GROUP (ORDER BY added_ms) FILTER (WHERE status < 400 AND NOT replay) AS p95
                    FROM l GROUP BY month)
       SELECT s.month, s.requests::text, s.succeeded::text, s.plain::text, s.fallback::text, s.refused::text, s.p50, s.p95,
              (SELECT count(*) FROM a WHERE a.month = s.month)::text AS active,
              (SELECT count(*) FROM a JOIN v USING (month, tenant_id) WHERE a.month = s.month)::text AS verifying
         FROM s`,
      [from, to, VERIFY_PREFIX],
    ),
    sql.query<{ month: string; code: string; n: string }>(
      `SELECT ${month('occurred_at')} AS month, error_code AS code, count(*)::text AS n FROM request_log
        WHERE occurred_at >= $1::timestamp(3) AND occurred_at < $2::timestamp(3) AND error_code IS NOT NULL GROUP BY 1, 2`,
      [from, to],
    ),
    sql.query<{ month: string; meter: string; units: string }>(
      `SELECT ${month('occurred_at')} AS month, meter, sum(units)::text AS units FROM usage_events
        WHERE occurred_at >= $1::timestamp(3) AND occurred_at < $2::timestamp(3) GROUP BY 1, 2`,
      [from, to],
    ),
    sql.query<{ month: string; tenant_id: string; meter: string; units: string }>(
      `SELECT ${month('occurred_at')} AS month, tenant_id, meter, sum(units)::text AS units FROM usage_events
        WHERE occurred_at >= $1::timestamp(3) AND occurred_at < $2::timestamp(3) GROUP BY 1, 2, 3`,
      [from, to],
    ),
    prisma().plan.findMany(),
    prisma().tenant.findMany({ select: { id: true, createdAt: true, planId: true } }),
    prisma().auditLog.findMany({
      where: { action: { in: ['billing.subscription', 'billing.reserved.save', 'billing.reserved.remove'] }, tenantId: { not: null } },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
      select: { at: true, action: true, tenantId: true, detail: true },
    }),
    prisma().reservedCapacity.findMany({ select: { tenantId: true, updatedAt: true, monthlyFeeCents: true } }),
  ]);

  const planChanges: PlanChange[] = [];
  const reservedChanges: ReservedChange[] = reservedRows.map((r) => ({ tenantId: r.tenantId, at: r.updatedAt, feeCents: r.monthlyFeeCents }));
  for (const e of audit) {
    const detail = (e.detail ?? {}) as Record<string, unknown>;
    if (e.action === 'billing.subscription') planChanges.push({ tenantId: e.tenantId!, at: e.at, planId: typeof detail.plan === 'string' ? detail.plan : null });
    else reservedChanges.push({ tenantId: e.tenantId!, at: e.at, feeCents: e.action === 'billing.reserved.save' ? feeCentsFromAudit(detail.monthly_fee) : 0n });
  }
  reservedChanges.sort((a, b) => a.at.getTime() - b.at.getTime());

  // Overage: each tenant's month of usage rated with the terms that month ran under.
  const overage = new Map<string, bigint>();
  const byTenant = new Map<string, Map<string, { vex: bigint; fu: bigint }>>();
  for (const u of tenantUsage) {
    const months = byTenant.get(u.tenant_id) ?? new Map<string, { vex: bigint; fu: bigint }>();
    byTenant.set(u.tenant_id, months);
    const m = months.get(u.month) ?? { vex: 0n, fu: 0n };
    if (u.meter === 'vex' || u.meter === 'fu') m[u.meter] = BigInt(u.units);
    months.set(u.month, m);
  }
  for (const [tenantId, usageByMonth] of byTenant) {
    const book = await tariffBook(tenantId, now);
    for (const [m, used] of usageByMonth) {
      const preview = rate(book.terms(calendarMonth(new Date(`${m}-01T00:00:00Z`))), used);
      overage.set(m, (overage.get(m) ?? 0n) + preview.meters.vex.subtotalCents + preview.meters.fu.subtotalCents);
    }
  }

  const usageByMonth = new Map<string, { vex: bigint; fu: bigint }>();
  for (const u of usage) {
    const m = usageByMonth.get(u.month) ?? { vex: 0n, fu: 0n };
    if (u.meter === 'vex' || u.meter === 'fu') m[u.meter] = BigInt(u.units);
    usageByMonth.set(u.month, m);
  }

  return computeKpis({
    months,
    now,
    requests: requests.map((r) => ({
      month: r.month,
      requests: Number(r.requests),
      succeeded: Number(r.succeeded),
      succeededWithoutFallback: Number(r.plain),
      withFallback: Number(r.fallback),
      refused: Number(r.refused),
      addedP50: r.p50 === null ? null : Number(r.p50),
      addedP95: r.p95 === null ? null : Number(r.p95),
      activeTenants: Number(r.active),
      verifyingTenants: Number(r.verifying),
    })),
    refusalsByCode: codes.map((c) => ({ month: c.month, code: c.code, count: Number(c.n) })),
    usage: [...usageByMonth].map(([m, u]) => ({ month: m, ...u })),
    overageCents: [...overage].map(([m, cents]) => ({ month: m, cents })),
    planFeeCents: new Map(plans.map((p) => [p.id, p.monthlyFeeCents])),
    tenants,
    planChanges,
    reservedChanges,
  });
}
