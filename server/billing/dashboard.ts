// The billing dashboard: one tenant's plan, period, ledger usage, allowance, overage by tier,
// projected charges and next unit prices. `GET /v1/billing/dashboard` and the portal's billing
// page both show exactly this.
import { METERS, type Meter, type PlanDefinition } from './catalog';
import { formatUsd } from '@/lib/money';
import type { BillingPeriod } from './period';
import { previewToJson, rate, type InvoicePreview } from './rating';
import { tenantBilling } from './terms';
import { periodUsage } from './usage';

export interface BillingDashboard {
  tenantId: string;
  tenantName: string;
  plan: PlanDefinition | null;
  subscriptionStatus: string;
  billingProvider: string;
  period: BillingPeriod;
  /** `reserved` when reserved capacity replaces the plan's included units. */
  basis: InvoicePreview['basis'];
  reserved: Record<Meter, bigint> | null;
  preview: InvoicePreview;
  /** The guide's Stripe item ids: the plan's, and per meter the calling key's or the current tier's. */
  stripeItems: { plan: string | null } & Record<Meter, string | null>;
}

export interface DashboardOptions {
  now?: Date;
  /** The calling API key's own Stripe items (SP_API_KEYS `stripe_item_vex` / `stripe_item_fu`). */
  keyItems?: Partial<Record<Meter, string | null>>;
}

export async function billingDashboard(tenantId: string, options: DashboardOptions = {}): Promise<BillingDashboard> {
  const billing = await tenantBilling(tenantId, options.now ?? new Date());
  const usage = await periodUsage(tenantId, billing.period);
  const preview = rate(billing.terms, usage);
  // The key's own item, else the item of the tier now being charged (or the first tier).
  const itemFor = (meter: Meter) =>
    options.keyItems?.[meter] ?? preview.meters[meter].lines.at(-1)?.stripeItem ?? billing.terms.tiers[meter][0]?.stripeItem ?? null;
  return {
    tenantId,
    tenantName: billing.tenant.name,
    plan: billing.plan,
    subscriptionStatus: billing.tenant.subscriptionStatus,
    billingProvider: billing.tenant.billingProvider,
    period: billing.period,
    basis: preview.basis,
    reserved: billing.reserved ? { ...billing.reserved.reserved } : null,
    preview,
    stripeItems: { plan: billing.plan?.stripeItem ?? null, vex: itemFor('vex'), fu: itemFor('fu') },
  };
}

/**
 * The wire shape of `GET /v1/billing/dashboard`: unit counts and cents as decimal digit strings
 * (exact beyond 2^53), money as exact decimal dollar strings (`"0.0008"`), never floats.
 */
export function dashboardToJson(d: BillingDashboard) {
  const preview = previewToJson(d.preview);
  return {
    tenant: d.tenantId,
    plan: d.plan && {
      id: d.plan.id,
      name: d.plan.name,
      monthly_fee_usd: formatUsd(d.plan.monthlyFee),
      included: { vex: d.plan.included.vex.toString(), fu: d.plan.included.fu.toString() },
      stripe_item: d.plan.stripeItem,
    },
    subscription_status: d.subscriptionStatus,
    billing_provider: d.billingProvider,
    period: { start: d.period.start.toISOString(), end: d.period.end.toISOString() },
    basis: d.basis,
    usage: Object.fromEntries(METERS.map((m) => [m, d.preview.meters[m].used.toString()])) as Record<Meter, string>,
    reserved: d.reserved && { vex: d.reserved.vex.toString(), fu: d.reserved.fu.toString() },
    included: Object.fromEntries(METERS.map((m) => [m, d.preview.meters[m].included.toString()])) as Record<Meter, string>,
    overage: { vex: preview.vex, fu: preview.fu },
    projected: { fee_usd: preview.fee_usd, fee_cents: preview.fee_cents, total_usd: preview.total_usd, total_cents: preview.total_cents },
    next_unit_price_usd: { vex: preview.vex.next_unit_price_usd, fu: preview.fu.next_unit_price_usd },
    stripe_items: d.stripeItems,
  };
}
