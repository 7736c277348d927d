// `npm run stripe:setup`: the Stripe side of the catalog. `buildStripeCatalog` turns the catalog
// into the exact objects to create (what `--demo` prints); `applyStripeCatalog` creates or
// updates them idempotently:
// - products have fixed ids (`signet_plan_starter`, `signet_vex`, …): retrieve, else create;
// - meters are found by `event_name`;
// - prices are found by `lookup_key`. Prices are immutable, so a price whose parameters changed
//   is replaced: the new one takes the key over (`transfer_lookup_key`) and the old one is
//   deactivated. What "changed" means is a fingerprint of the parameters kept in its metadata;
// - payment links are found by `metadata.signet_plan` and replaced when their prices change.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import Stripe from 'stripe';
import {
  DEFAULT_PLANS,
  DEFAULT_TIERS,
  METER_EVENT_NAMES,
  METER_LABELS,
  METERS,
  overageLookupKey,
  planMeteredLookupKey,
  type Meter,
  type PlanDefinition,
  type PlanId,
  type Tier,
  type TierSchedule,
} from '../catalog';
import { formatUsd, toCents, toCentsDecimal } from '@/lib/money';

export interface ProductSpec {
  id: string;
  name: string;
  description: string;
  unit_label?: string;
}

export interface MeterSpec {
  meter: Meter;
  event_name: string;
  display_name: string;
}

interface PriceSpecBase {
  lookup_key: string;
  product: string;
  nickname: string;
  metadata: Record<string, string>;
}

export interface LicensedPriceSpec extends PriceSpecBase {
  kind: 'licensed';
  unit_amount: number;
}

export interface MeteredPriceSpec extends PriceSpecBase {
  kind: 'metered';
  meter: Meter;
  tiers: Array<{ up_to: number | 'inf'; unit_amount_decimal: string }>;
}

export type PriceSpec = LicensedPriceSpec | MeteredPriceSpec;

export interface PaymentLinkSpec {
  plan: PlanId;
  /** Lookup keys of the plan price and its metered VEx and FU prices. */
  prices: string[];
}

export interface StripeCatalog {
  currency: 'usd';
  products: ProductSpec[];
  meters: MeterSpec[];
  prices: PriceSpec[];
  paymentLinks: PaymentLinkSpec[];
  /** Where a payment link redirects after purchase; Stripe's hosted confirmation when absent. */
  successUrl: string | null;
}

export interface StripeSetupResult {
  products: Record<string, string>;
  meters: Record<Meter, string>;
  /** Price id by lookup key. */
  prices: Record<string, string>;
  /** What `Plan.stripePriceId` and `Plan.paymentLink` should hold. */
  plans: Array<{ planId: PlanId; lookupKey: string; stripePriceId: string; meteredPriceIds: Record<Meter, string>; paymentLink: string }>;
  created: string[];
  updated: string[];
}

const productIdOfPlan = (id: PlanId) => `signet_plan_${id}`;
const productIdOfMeter = (meter: Meter) => `signet_${meter}`;

export function buildStripeCatalog(
  options: { plans?: readonly PlanDefinition[]; tiers?: TierSchedule; successUrl?: string | null } = {},
): StripeCatalog {
  const { plans = DEFAULT_PLANS, tiers = DEFAULT_TIERS, successUrl = null } = options;
  const products: ProductSpec[] = [
    ...plans.map((plan) => ({
      id: productIdOfPlan(plan.id),
      name: `Signet ${plan.name}`,
      description: `$${formatUsd(plan.monthlyFee)}/month, includes ${plan.included.vex} VEx and ${plan.included.fu} FU tokens`,
    })),
    ...METERS.map((meter) => ({
      id: productIdOfMeter(meter),
      name: `Signet ${METER_LABELS[meter].name}`,
      description: `Usage-based ${METER_LABELS[meter].name}, graduated overage tiers`,
      unit_label: METER_LABELS[meter].unit,
    })),
  ];
  const meters: MeterSpec[] = METERS.map((meter) => ({ meter, event_name: METER_EVENT_NAMES[meter], display_name: `Signet ${METER_LABELS[meter].name}` }));
  const prices: PriceSpec[] = [];
  for (const plan of plans) {
    prices.push({
      kind: 'licensed',
      lookup_key: plan.lookupKey,
      product: productIdOfPlan(plan.id),
      nickname: `${plan.name} monthly`,
      unit_amount: Number(toCents(plan.monthlyFee)),
      metadata: { signet_plan: plan.id, signet_item: plan.stripeItem },
    });
    for (const meter of METERS) {
      prices.push({
        kind: 'metered',
        lookup_key: planMeteredLookupKey(plan.id, meter),
        product: productIdOfMeter(meter),
        nickname: `${plan.name} ${METER_LABELS[meter].unit} (first ${plan.included[meter]} included)`,
        meter,
        tiers: stripeTiers(tiers[meter], plan.included[meter]),
        metadata: { signet_plan: plan.id, signet_items: tierItems(tiers[meter]) },
      });
    }
  }
  for (const meter of METERS) {
    prices.push({
      kind: 'metered',
      lookup_key: overageLookupKey(meter),
      product: productIdOfMeter(meter),
      nickname: `${METER_LABELS[meter].unit} overage (reserved capacity)`,
      meter,
      tiers: stripeTiers(tiers[meter], 0n),
      metadata: { signet_items: tierItems(tiers[meter]) },
    });
  }
  const paymentLinks = plans.map((plan) => ({
    plan: plan.id,
    prices: [plan.lookupKey, ...METERS.map((meter) => planMeteredLookupKey(plan.id, meter))],
  }));
  return { currency: 'usd', products, meters, prices, paymentLinks, successUrl };
}

/** Graduated Stripe tiers over all metered units: a free tier for the included units, then ours. */
function stripeTiers(tiers: Tier[], included: bigint): MeteredPriceSpec['tiers'] {
  const out: MeteredPriceSpec['tiers'] = included > 0n ? [{ up_to: safeNumber(included), unit_amount_decimal: '0' }] : [];
  tiers.forEach((tier, i) => {
    const last = i === tiers.length - 1;
    out.push({
      up_to: last || tier.upTo === null ? 'inf' : safeNumber(included + tier.upTo),
      unit_amount_decimal: toCentsDecimal(tier.unitPrice),
    });
  });
  return out;
}

function tierItems(tiers: Tier[]): string {
  return tiers.map((t) => t.stripeItem ?? '').join(',');
}

function safeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${value} is too large for a Stripe tier bound`);
  return Number(value);
}

function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalize(value)!, 'utf8').digest('hex');
}

function isMissing(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404;
}

export async function applyStripeCatalog(stripe: Stripe, catalog: StripeCatalog): Promise<StripeSetupResult> {
  const result: StripeSetupResult = { products: {}, meters: {} as Record<Meter, string>, prices: {}, plans: [], created: [], updated: [] };

  for (const spec of catalog.products) {
    result.products[spec.id] = await upsertProduct(stripe, spec, result);
  }

  const existingMeters: Stripe.Billing.Meter[] = [];
  for await (const meter of stripe.billing.meters.list({ limit: 100 })) existingMeters.push(meter);
  for (const spec of catalog.meters) {
    result.meters[spec.meter] = await upsertMeter(stripe, spec, existingMeters, result);
  }

  for (const spec of catalog.prices) {
    result.prices[spec.lookup_key] = await upsertPrice(stripe, catalog.currency, spec, result);
  }

  const existingLinks: Stripe.PaymentLink[] = [];
  for await (const link of stripe.paymentLinks.list({ active: true, limit: 100 })) existingLinks.push(link);
  for (const spec of catalog.paymentLinks) {
    const priceIds = spec.prices.map((key) => result.prices[key]!);
    const url = await upsertPaymentLink(stripe, spec.plan, priceIds, catalog.successUrl, existingLinks, result);
    result.plans.push({
      planId: spec.plan,
      lookupKey: spec.prices[0]!,
      stripePriceId: priceIds[0]!,
      meteredPriceIds: { vex: priceIds[1]!, fu: priceIds[2]! },
      paymentLink: url,
    });
  }
  return result;
}

async function upsertProduct(stripe: Stripe, spec: ProductSpec, result: StripeSetupResult): Promise<string> {
  let existing: Stripe.Product | null = null;
  try {
    existing = await stripe.products.retrieve(spec.id);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  if (!existing) {
    await stripe.products.create({ ...spec, metadata: { signet: 'true' } });
    result.created.push(`product ${spec.id}`);
  } else if (existing.name !== spec.name || existing.description !== spec.description || (existing.unit_label ?? undefined) !== spec.unit_label || !existing.active) {
    await stripe.products.update(spec.id, { name: spec.name, description: spec.description, active: true, ...(spec.unit_label ? { unit_label: spec.unit_label } : {}) });
    result.updated.push(`product ${spec.id}`);
  }
  return spec.id;
}

async function upsertMeter(stripe: Stripe, spec: MeterSpec, existing: Stripe.Billing.Meter[], result: StripeSetupResult): Promise<string> {
  const found = existing.find((m) => m.event_name === spec.event_name);
  if (!found) {
    const meter = await stripe.billing.meters.create({
      display_name: spec.display_name,
      event_name: spec.event_name,
      default_aggregation: { formula: 'sum' },
      customer_mapping: { type: 'by_id', event_payload_key: 'stripe_customer_id' },
      value_settings: { event_payload_key: 'value' },
    });
    result.created.push(`meter ${spec.event_name}`);
    return meter.id;
  }
  if (found.status !== 'active') {
    await stripe.billing.meters.reactivate(found.id);
    result.updated.push(`meter ${spec.event_name}`);
  }
  return found.id;
}

async function upsertPrice(stripe: Stripe, currency: string, spec: PriceSpec, result: StripeSetupResult): Promise<string> {
  const params: Stripe.PriceCreateParams = {
    currency,
    product: spec.product,
    lookup_key: spec.lookup_key,
    nickname: spec.nickname,
    ...(spec.kind === 'licensed'
      ? { unit_amount: spec.unit_amount, recurring: { interval: 'month', usage_type: 'licensed' } }
      : {
          billing_scheme: 'tiered',
          tiers_mode: 'graduated',
          tiers: spec.tiers.map((t) => ({ up_to: t.up_to, unit_amount_decimal: Stripe.Decimal.from(t.unit_amount_decimal) })),
          recurring: { interval: 'month', usage_type: 'metered', meter: result.meters[spec.meter] },
        }),
  };
  const print = fingerprint({ ...spec, currency, meter_id: spec.kind === 'metered' ? result.meters[spec.meter] : null });
  const { data } = await stripe.prices.list({ lookup_keys: [spec.lookup_key], limit: 1 });
  const current = data[0];
  if (current?.active && current.metadata.signet_fingerprint === print) return current.id;
  const price = await stripe.prices.create({
    ...params,
    metadata: { ...spec.metadata, signet_fingerprint: print },
    transfer_lookup_key: current !== undefined,
  });
  if (current?.active) await stripe.prices.update(current.id, { active: false });
  (current ? result.updated : result.created).push(`price ${spec.lookup_key}`);
  return price.id;
}

async function upsertPaymentLink(
  stripe: Stripe,
  plan: PlanId,
  priceIds: string[],
  successUrl: string | null,
  existing: Stripe.PaymentLink[],
  result: StripeSetupResult,
): Promise<string> {
  const print = fingerprint({ priceIds, successUrl });
  const ours = existing.filter((link) => link.metadata?.signet_plan === plan);
  const current = ours.find((link) => link.metadata?.signet_fingerprint === print);
  for (const stale of ours) if (stale !== current) await stripe.paymentLinks.update(stale.id, { active: false });
  if (current) return current.url;
  const link = await stripe.paymentLinks.create({
    line_items: priceIds.map((price) => ({ price, quantity: 1 })),
    metadata: { signet_plan: plan, signet_fingerprint: print },
    subscription_data: { metadata: { signet_plan: plan } },
    ...(successUrl ? { after_completion: { type: 'redirect', redirect: { url: successUrl } } } : {}),
  });
  (ours.length > 0 ? result.updated : result.created).push(`payment link ${plan}`);
  return link.url;
}
