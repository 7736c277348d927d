// Versioned billing terms. The catalog holds today's terms; a usage statement for a past period
// must show, and be rated with, the terms that period ran under. So every change of what a
// tenant is rated with is recorded as a tariff version (its terms as JSON, effective from the
// moment it was recorded); a period is rated with the version in force when it ended.
import { prisma } from '../db';
import { cid } from '../receipts/canonical';
import { METERS, type Meter, type PlanId } from './catalog';
import { formatUsd, parseUsd } from '@/lib/money';
import type { BillingPeriod } from './period';
import type { BillingTerms } from './rating';
import { tenantBilling, type TenantBilling } from './terms';

/** The terms as a usage statement shows them (SPEC §8 `tariff`, without version and date). */
export interface TariffTerms {
  plan: string | null;
  basis: 'plan' | 'reserved';
  /** The monthly fee in exact dollars. */
  fee: string;
  /** Reserved capacity per meter, when it replaces the plan's included units. */
  reserved_capacity: Record<Meter, number> | null;
  /** Units per meter that cost nothing this period (the reserved capacity, or the plan's). */
  included: Record<Meter, number>;
  /** Graduated tiers over billable units: `up_to` is cumulative, null for "every further unit". */
  tiers: Record<Meter, { up_to: number | null; unit_price: string }[]>;
}

export interface TariffVersion {
  version: number;
  effective_from: string;
  terms: TariffTerms;
}

function count(n: bigint): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${n} units is beyond what a statement carries exactly`);
  return Number(n);
}

export function tariffTerms(terms: BillingTerms): TariffTerms {
  const perMeter = <T>(f: (m: Meter) => T) => Object.fromEntries(METERS.map((m) => [m, f(m)])) as Record<Meter, T>;
  return {
    plan: terms.planId,
    basis: terms.basis,
    fee: formatUsd(terms.fee),
    reserved_capacity: terms.basis === 'reserved' ? perMeter((m) => count(terms.included[m])) : null,
    included: perMeter((m) => count(terms.included[m])),
    tiers: perMeter((m) => terms.tiers[m].map((t) => ({ up_to: t.upTo === null ? null : count(t.upTo), unit_price: formatUsd(t.unitPrice) }))),
  };
}

/** The rating terms a recorded tariff stands for. */
export function billingTermsOf(t: TariffTerms): BillingTerms {
  const perMeter = <T>(f: (m: Meter) => T) => Object.fromEntries(METERS.map((m) => [m, f(m)])) as Record<Meter, T>;
  return {
    basis: t.basis,
    planId: t.plan as PlanId | null,
    fee: parseUsd(t.fee),
    included: perMeter((m) => BigInt(t.included[m])),
    tiers: perMeter((m) => t.tiers[m].map((tier) => ({ upTo: tier.up_to === null ? null : BigInt(tier.up_to), unitPrice: parseUsd(tier.unit_price), stripeItem: null }))),
  };
}

type Row = { id: bigint; effectiveFrom: Date; terms: unknown };
const toVersion = (row: Row): TariffVersion => ({ version: Number(row.id), effective_from: row.effectiveFrom.toISOString(), terms: row.terms as TariffTerms });

/**
 * Records the tenant's terms as they are now when they differ from its latest version. The
 * first version takes effect from the tenant's creation (nothing was recorded before it).
 */
export async function recordTariff(tenantId: string, at: Date = new Date()): Promise<TariffVersion> {
  return recordTerms(await tenantBilling(tenantId, at), at);
}

async function recordTerms(billing: TenantBilling, at: Date): Promise<TariffVersion> {
  const tenantId = billing.tenant.id;
  const terms = tariffTerms(billing.terms);
  const termsCid = cid(terms);
  const latest = await prisma().tariffVersion.findFirst({ where: { tenantId }, orderBy: { id: 'desc' } });
  if (latest?.termsCid === termsCid) return toVersion(latest);
  const effectiveFrom = latest ? at : billing.tenant.createdAt;
  return toVersion(await prisma().tariffVersion.create({ data: { tenantId, effectiveFrom, terms: terms as object, termsCid } }));
}

/** The ids among `ids` that name a tenant (terms are recorded for existing tenants only). */
export function existingTenants(ids: string[]): () => Promise<string[]> {
  return async () => (await prisma().tenant.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((t) => t.id);
}

/**
 * Runs a change of billing terms between two recordings: the terms before it (in case they were
 * never recorded) and after it, effective from `effectiveFrom` (by default the moment each is
 * recorded). The recordings read through the global client, so a change that is a transaction
 * (with its audit entry) runs whole inside `change`.
 */
export async function withTariffChange<T>(tenantIds: () => Promise<string[]>, change: () => Promise<T>, effectiveFrom?: Date): Promise<T> {
  const before = await tenantIds();
  for (const id of before) await recordTariff(id, effectiveFrom);
  const result = await change();
  // At an equal effective_from the version recorded later wins (tariffBook), so the new terms do.
  for (const id of new Set([...before, ...(await tenantIds())])) await recordTariff(id, effectiveFrom);
  return result;
}

/** What a tenant's periods are rated with: today's terms and every recorded version. */
export interface TariffBook {
  /** The version a period is rated with. */
  version(period: BillingPeriod): TariffVersion;
  /** The rating terms of a period (with today's Stripe items where a tier is unchanged). */
  terms(period: BillingPeriod): BillingTerms;
}

/**
 * The terms a tenant's periods are rated with, read once: today's while a period runs, else the
 * version in force when it ended (the latest that took effect before its end). Today's terms
 * are recorded first, so the running period's version is always in the history.
 */
export async function tariffBook(tenantId: string, now: Date = new Date()): Promise<TariffBook> {
  const billing = await tenantBilling(tenantId, now);
  const current = await recordTerms(billing, now);
  const versions = (await prisma().tariffVersion.findMany({ where: { tenantId }, orderBy: { id: 'asc' } })).map(toVersion);
  const version = (period: BillingPeriod): TariffVersion => {
    if (period.end > now) return current;
    let found: TariffVersion | null = null;
    for (const v of versions) {
      const from = Date.parse(v.effective_from);
      if (from < period.end.getTime() && (!found || from >= Date.parse(found.effective_from))) found = v;
    }
    return found ?? versions[0]!;
  };
  return {
    version,
    terms(period) {
      const v = version(period);
      return v === current ? billing.terms : withStripeItems(billingTermsOf(v.terms), billing.terms);
    },
  };
}

/** The terms a period is rated with (see `tariffBook`). */
export async function tariffForPeriod(tenantId: string, period: BillingPeriod, now: Date = new Date()): Promise<TariffVersion> {
  return (await tariffBook(tenantId, now)).version(period);
}

/**
 * Stripe items are not terms (a version does not record them): a past tier that is still
 * today's tier at the same place, with the same bound and price, carries today's item.
 */
function withStripeItems(past: BillingTerms, today: BillingTerms): BillingTerms {
  const tiers = Object.fromEntries(
    METERS.map((m) => [
      m,
      past.tiers[m].map((tier, i) => {
        const now = today.tiers[m][i];
        return now && now.upTo === tier.upTo && now.unitPrice === tier.unitPrice ? { ...tier, stripeItem: now.stripeItem } : tier;
      }),
    ]),
  ) as BillingTerms['tiers'];
  return { ...past, tiers };
}
