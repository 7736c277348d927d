// The billing catalog and a tenant's billing terms, read from the database: plans, the default
// overage tiers, reserved capacity, and the period the tenant is billed for.
import { prisma } from '../db';
import type { Plan, ReservedCapacity as ReservedRow, Tenant } from '../db/generated/client';
import { METERS, parseReservedConfig, type PlanDefinition, type PlanId, type ReservedCapacity, type TierSchedule } from './catalog';
import { formatCents, fromCents, parseUsd } from '@/lib/money';
import { billingPeriod, type BillingPeriod } from './period';
import { planTerms, reservedTerms, type BillingTerms } from './rating';

export function planFromRow(row: Plan): PlanDefinition {
  return {
    id: row.id as PlanId,
    name: row.name,
    monthlyFee: fromCents(row.monthlyFeeCents),
    included: { vex: row.includedVex, fu: row.includedFu },
    lookupKey: row.lookupKey,
    stripeItem: row.stripePriceId ?? row.lookupKey,
    position: row.position,
  };
}

/** Active plans in catalog order. */
export async function loadPlans(options: { includeInactive?: boolean } = {}): Promise<PlanDefinition[]> {
  const rows = await prisma().plan.findMany({ where: options.includeInactive ? {} : { active: true }, orderBy: { position: 'asc' } });
  return rows.map(planFromRow);
}

export async function loadDefaultTiers(): Promise<TierSchedule> {
  const rows = await prisma().overageTier.findMany({ orderBy: [{ meter: 'asc' }, { position: 'asc' }] });
  const tiers: TierSchedule = { vex: [], fu: [] };
  for (const row of rows) {
    if (row.meter !== 'vex' && row.meter !== 'fu') continue;
    tiers[row.meter].push({ upTo: row.upTo, unitPrice: parseUsd(row.pricePerUnit.toString()), stripeItem: row.stripeItem });
  }
  for (const meter of METERS) if (tiers[meter].length === 0) throw new Error(`the catalog has no ${meter} overage tiers`);
  return tiers;
}

/** A stored reserved-capacity row, validated exactly like an imported reserved.json entry. */
export function reservedFromRow(row: ReservedRow): ReservedCapacity {
  const [capacity] = parseReservedConfig({
    [row.tenantId]: {
      vex_reserved: row.vexReserved.toString(),
      fu_reserved: row.fuReserved.toString(),
      subscription_plan: row.subscriptionPlan,
      monthly_fee: formatCents(row.monthlyFeeCents),
      vex_overage_tiers: row.vexTiers,
      fu_overage_tiers: row.fuTiers,
    },
  });
  return capacity!;
}

export interface TenantBilling {
  tenant: Tenant;
  /** The tenant's plan; for reserved capacity without a plan, the plan its file names. */
  plan: PlanDefinition | null;
  reserved: ReservedCapacity | null;
  terms: BillingTerms;
  period: BillingPeriod;
}

/**
 * How a tenant is billed at `now`. Reserved capacity replaces the plan's included units and
 * tiers. A tenant with neither a plan nor reserved capacity pays the default tiers from the
 * first unit (nothing included, no fee).
 */
export async function tenantBilling(tenantId: string, now: Date = new Date()): Promise<TenantBilling> {
  const tenant = await prisma().tenant.findUnique({ where: { id: tenantId }, include: { plan: true, reserved: true } });
  if (!tenant) throw new Error(`no tenant "${tenantId}"`);
  const { plan: planRow, reserved: reservedRow, ...bare } = tenant;
  const reserved = reservedRow ? reservedFromRow(reservedRow) : null;
  let plan = planRow ? planFromRow(planRow) : null;
  if (!plan && reserved?.subscriptionPlan) {
    const plans = await loadPlans({ includeInactive: true });
    plan = plans.find((p) => [p.id, p.lookupKey, p.stripeItem].includes(reserved.subscriptionPlan!)) ?? null;
  }
  let terms: BillingTerms;
  if (reserved) terms = reservedTerms(reserved, plan);
  else if (plan) terms = planTerms(plan, await loadDefaultTiers());
  else terms = { basis: 'plan', planId: null, fee: 0n, included: { vex: 0n, fu: 0n }, tiers: await loadDefaultTiers() };
  return { tenant: bare, plan, reserved, terms, period: tenantPeriod(bare, now) };
}

/** The Stripe subscription's current period when it contains `at`, else the calendar month (UTC). */
export function tenantPeriod(tenant: Pick<Tenant, 'periodStart' | 'periodEnd'>, at: Date): BillingPeriod {
  return billingPeriod(at, { start: tenant.periodStart, end: tenant.periodEnd });
}
