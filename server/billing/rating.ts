// Rating: (billing terms, period usage) → itemized invoice preview. Pure and exact.
// Line amounts are exact (units × unit price in money units); each line is also shown in whole
// cents rounded half-up, and a subtotal or total in cents is the sum of the cents shown above it,
// so a printed invoice always adds up.
import { DEFAULT_TIERS, METERS, type Meter, type PlanDefinition, type PlanId, type ReservedCapacity, type Tier, type TierSchedule } from './catalog';
import { formatUsd, toCents, type Money } from '@/lib/money';

export interface BillingTerms {
  /** `reserved`: reserved capacity replaces the plan's included units and carries its own tiers. */
  basis: 'plan' | 'reserved';
  planId: PlanId | null;
  /** Monthly subscription fee; 0 for a reserved tenant without a plan. */
  fee: Money;
  included: Record<Meter, bigint>;
  tiers: TierSchedule;
}

export type Usage = Record<Meter, bigint>;

export interface InvoiceLine {
  /** 1-based tier number. */
  tier: number;
  /** First and last billable unit (1-based, inclusive) this line covers. */
  from: bigint;
  to: bigint;
  units: bigint;
  unitPrice: Money;
  amount: Money;
  amountCents: bigint;
  stripeItem: string | null;
}

export interface MeterCharge {
  meter: Meter;
  used: bigint;
  included: bigint;
  billable: bigint;
  lines: InvoiceLine[];
  subtotal: Money;
  subtotalCents: bigint;
  /** What the next unit costs: 0 while usage is within the included units. */
  nextUnitPrice: Money;
}

export interface InvoicePreview {
  basis: BillingTerms['basis'];
  planId: PlanId | null;
  fee: Money;
  feeCents: bigint;
  meters: Record<Meter, MeterCharge>;
  total: Money;
  totalCents: bigint;
}

export function planTerms(plan: PlanDefinition, tiers: TierSchedule = DEFAULT_TIERS): BillingTerms {
  return { basis: 'plan', planId: plan.id, fee: plan.monthlyFee, included: { ...plan.included }, tiers };
}

/** Reserved capacity, plus the subscription fee of `plan` when the tenant also subscribes to one. */
export function reservedTerms(capacity: ReservedCapacity, plan: PlanDefinition | null): BillingTerms {
  return {
    basis: 'reserved',
    planId: plan?.id ?? null,
    fee: plan?.monthlyFee ?? 0n,
    included: { ...capacity.reserved },
    tiers: capacity.tiers,
  };
}

export function rate(terms: BillingTerms, usage: Usage): InvoicePreview {
  const meters = {} as Record<Meter, MeterCharge>;
  for (const meter of METERS) meters[meter] = rateMeter(meter, terms.included[meter], terms.tiers[meter], usage[meter]);
  const feeCents = toCents(terms.fee);
  return {
    basis: terms.basis,
    planId: terms.planId,
    fee: terms.fee,
    feeCents,
    meters,
    total: METERS.reduce((sum, m) => sum + meters[m].subtotal, terms.fee),
    totalCents: METERS.reduce((sum, m) => sum + meters[m].subtotalCents, feeCents),
  };
}

function rateMeter(meter: Meter, included: bigint, tiers: Tier[], used: bigint): MeterCharge {
  if (used < 0n) throw new Error(`${meter} usage must not be negative, got ${used}`);
  if (included < 0n) throw new Error(`${meter} included units must not be negative, got ${included}`);
  checkTiers(meter, tiers);
  const billable = used > included ? used - included : 0n;
  const lines: InvoiceLine[] = [];
  let done = 0n; // billable units charged by earlier tiers
  tiers.forEach((tier, index) => {
    if (done >= billable) return;
    const isLast = index === tiers.length - 1;
    const end = isLast || tier.upTo === null || tier.upTo > billable ? billable : tier.upTo;
    if (end <= done) return;
    const units = end - done;
    const amount = units * tier.unitPrice;
    lines.push({ tier: index + 1, from: done + 1n, to: end, units, unitPrice: tier.unitPrice, amount, amountCents: toCents(amount), stripeItem: tier.stripeItem });
    done = end;
  });
  return {
    meter,
    used,
    included,
    billable,
    lines,
    subtotal: lines.reduce((sum, l) => sum + l.amount, 0n),
    subtotalCents: lines.reduce((sum, l) => sum + l.amountCents, 0n),
    nextUnitPrice: used < included ? 0n : priceOfBillableUnit(tiers, billable + 1n),
  };
}

/** The price of the n-th billable unit (1-based). */
function priceOfBillableUnit(tiers: Tier[], n: bigint): Money {
  const tier = tiers.find((t, i) => i === tiers.length - 1 || t.upTo === null || n <= t.upTo);
  return tier!.unitPrice;
}

function checkTiers(meter: Meter, tiers: Tier[]): void {
  if (tiers.length === 0) throw new Error(`${meter} has no overage tiers`);
  tiers.forEach((tier, i) => {
    if (tier.unitPrice < 0n) throw new Error(`${meter} tier ${i + 1} has a negative price`);
    if (i === tiers.length - 1) return;
    const next = tiers[i + 1]!;
    if (tier.upTo === null) throw new Error(`${meter} tier ${i + 1} is unbounded but not the last tier`);
    if (tier.upTo <= 0n || (next.upTo !== null && next.upTo <= tier.upTo)) {
      throw new Error(`${meter} tiers must have positive, strictly ascending thresholds`);
    }
  });
}

/** The preview as JSON: counts and cents as digit strings, money as exact dollar strings. */
export function previewToJson(preview: InvoicePreview) {
  const meter = (m: MeterCharge) => ({
    used: m.used.toString(),
    included: m.included.toString(),
    billable: m.billable.toString(),
    lines: m.lines.map((l) => ({
      tier: l.tier,
      from: l.from.toString(),
      to: l.to.toString(),
      units: l.units.toString(),
      unit_price_usd: formatUsd(l.unitPrice),
      amount_usd: formatUsd(l.amount),
      amount_cents: l.amountCents.toString(),
      stripe_item: l.stripeItem,
    })),
    subtotal_usd: formatUsd(m.subtotal),
    subtotal_cents: m.subtotalCents.toString(),
    next_unit_price_usd: formatUsd(m.nextUnitPrice),
  });
  return {
    basis: preview.basis,
    plan: preview.planId,
    fee_usd: formatUsd(preview.fee),
    fee_cents: preview.feeCents.toString(),
    vex: meter(preview.meters.vex),
    fu: meter(preview.meters.fu),
    total_usd: formatUsd(preview.total),
    total_cents: preview.totalCents.toString(),
  };
}
