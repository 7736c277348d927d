// The admin KPIs, computed from stored rows (request log, export fetches, usage ledger, audit
// trail, plans, reserved contracts), never from counters that reset. Pure: the repository
// (repository.ts) reads the rows, this file turns them into per-month figures.
import { parseUsd, toCents } from '@/lib/money';

/** A UTC calendar month, "YYYY-MM". */
export type Month = string;

export interface RequestStats {
  month: Month;
  /** Requests that were not replays. */
  requests: number;
  succeeded: number;
  /** Succeeded without the LLM fallback. */
  succeededWithoutFallback: number;
  withFallback: number;
  refused: number;
  addedP50: number | null;
  addedP95: number | null;
  /** Tenants with at least one success in the month. */
  activeTenants: number;
  /** Of those, tenants whose exports signet-verify fetched in the month. */
  verifyingTenants: number;
}

export interface PlanChange {
  tenantId: string;
  at: Date;
  planId: string | null;
}

export interface ReservedChange {
  tenantId: string;
  at: Date;
  feeCents: bigint;
}

export interface KpiInput {
  months: { month: Month; start: Date; end: Date }[];
  now: Date;
  requests: RequestStats[];
  refusalsByCode: { month: Month; code: string; count: number }[];
  usage: { month: Month; vex: bigint; fu: bigint }[];
  /** Overage charged per month: the tenant's terms applied to its month of usage. */
  overageCents: { month: Month; cents: bigint }[];
  planFeeCents: Map<string, bigint>;
  tenants: { id: string; createdAt: Date; planId: string | null }[];
  /** From the audit trail ('billing.subscription'), oldest first. */
  planChanges: PlanChange[];
  /** From the audit trail ('billing.reserved.save' / '.remove') and the current contracts, oldest first. */
  reservedChanges: ReservedChange[];
}

export interface MonthKpis {
  month: Month;
  technical: {
    requests: number;
    /** Share of (non-replay) requests that succeeded without the LLM fallback. */
    successWithoutFallback: number | null;
    /** Share of successes that needed the LLM fallback. */
    fallbackRate: number | null;
    addedLatencyP50Ms: number | null;
    addedLatencyP95Ms: number | null;
    refusals: number;
    refusalsByCode: Record<string, number>;
    activeTenants: number;
    verifyingTenants: number;
    verifyingShare: number | null;
  };
  business: {
    /** Monthly recurring revenue at the month's end (or now): plan fees + reserved contract fees. */
    mrrCents: bigint;
    vex: bigint;
    fu: bigint;
    /** VEx growth over the previous month, as a fraction; null without a previous month's usage. */
    vexGrowth: number | null;
    expansionCents: bigint;
    contractionCents: bigint;
    overageCents: bigint;
  };
}

const ratio = (n: number, d: number) => (d > 0 ? n / d : null);

/** The latest change at or before `at` (changes sorted oldest first). */
function lastBefore<T extends { at: Date }>(changes: T[], at: Date, strict = false): T | undefined {
  let found: T | undefined;
  for (const c of changes) {
    if (strict ? c.at >= at : c.at > at) break;
    found = c;
  }
  return found;
}

export function computeKpis(input: KpiInput): MonthKpis[] {
  const plansOf = groupBy(input.planChanges, (c) => c.tenantId);
  const reservedOf = groupBy(input.reservedChanges, (c) => c.tenantId);
  const fee = (planId: string | null) => (planId ? (input.planFeeCents.get(planId) ?? 0n) : 0n);

  // A tenant's plan at a moment: its last subscription change then; a tenant whose plan was set
  // without one (seeded, or set by an admin) has its current plan from its creation on.
  const planAt = (tenant: KpiInput['tenants'][number], at: Date, strict = false): string | null => {
    const changes = plansOf.get(tenant.id);
    if (!changes) return tenant.createdAt <= at ? tenant.planId : null;
    return lastBefore(changes, at, strict)?.planId ?? null;
  };
  const reservedAt = (tenantId: string, at: Date) => lastBefore(reservedOf.get(tenantId) ?? [], at)?.feeCents ?? 0n;

  let previousVex: bigint | null = null;
  return input.months.map(({ month, start, end }) => {
    const r = input.requests.find((x) => x.month === month);
    const usage = input.usage.find((u) => u.month === month) ?? { vex: 0n, fu: 0n };
    const at = end < input.now ? new Date(end.getTime() - 1) : input.now;
    const mrrCents = input.tenants.reduce((sum, t) => sum + fee(planAt(t, at)) + reservedAt(t.id, at), 0n);

    let expansionCents = 0n;
    let contractionCents = 0n;
    for (const change of input.planChanges) {
      if (change.at < start || change.at >= end) continue;
      const tenant = input.tenants.find((t) => t.id === change.tenantId);
      if (!tenant) continue;
      const delta = fee(change.planId) - fee(planAt(tenant, change.at, true));
      if (delta > 0n) expansionCents += delta;
      else contractionCents -= delta;
    }

    const vexGrowth = previousVex !== null && previousVex > 0n ? Number(usage.vex - previousVex) / Number(previousVex) : null;
    previousVex = usage.vex;
    const byCode: Record<string, number> = {};
    for (const x of input.refusalsByCode) if (x.month === month) byCode[x.code] = x.count;
    return {
      month,
      technical: {
        requests: r?.requests ?? 0,
        successWithoutFallback: r ? ratio(r.succeededWithoutFallback, r.requests) : null,
        fallbackRate: r ? ratio(r.withFallback, r.succeeded) : null,
        addedLatencyP50Ms: r?.addedP50 ?? null,
        addedLatencyP95Ms: r?.addedP95 ?? null,
        refusals: r?.refused ?? 0,
        refusalsByCode: byCode,
        activeTenants: r?.activeTenants ?? 0,
        verifyingTenants: r?.verifyingTenants ?? 0,
        verifyingShare: r ? ratio(r.verifyingTenants, r.activeTenants) : null,
      },
      business: {
        mrrCents,
        vex: usage.vex,
        fu: usage.fu,
        vexGrowth,
        expansionCents,
        contractionCents,
        overageCents: input.overageCents.find((o) => o.month === month)?.cents ?? 0n,
      },
    };
  });
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

/** A contract fee as the audit trail records it (reservedToJson's `monthly_fee`, dollars). */
export function feeCentsFromAudit(value: unknown): bigint {
  return typeof value === 'string' || typeof value === 'number' ? toCents(parseUsd(String(value))) : 0n;
}
