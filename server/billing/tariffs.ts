// Versioned billing terms. The catalog holds today's terms; a usage statement for a past period
// must show, and be rated with, the terms that period ran under. So every change of what a
// tenant is rated with is recorded as a tariff version (its terms as JSON, effective from the
// moment it was recorded); a period is rated with the version in force when it ended.
import { prisma } from '../db';
import { cid } from '../receipts/canonical';
import { METERS, type Meter, type PlanId } from './catalog';
import { formatUsd, parseUsd } from './money';
import type { BillingPeriod } from './period';
import type { BillingTerms } from './rating';
import { tenantBilling } from './terms';

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
  const billing = await tenantBilling(tenantId, at);
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
 * never recorded) and after it, effective from now.
 */
export async function withTariffChange<T>(tenantIds: () => Promise<string[]>, change: () => Promise<T>): Promise<T> {
  const before = await tenantIds();
  for (const id of before) await recordTariff(id);
  const result = await change();
  for (const id of new Set([...before, ...(await tenantIds())])) await recordTariff(id);
  return result;
}

/**
 * The terms a period is rated with: today's while the period runs, else the version in force
 * when it ended (the latest that took effect before its end).
 */
export async function tariffForPeriod(tenantId: string, period: BillingPeriod, now: Date = new Date()): Promise<TariffVersion> {
  const current = await recordTariff(tenantId, now);
  if (period.end > now) return current;
  const row = await prisma().tariffVersion.findFirst({ where: { tenantId, effectiveFrom: { lt: period.end } }, orderBy: [{ effectiveFrom: 'desc' }, { id: 'desc' }] });
  if (row) return toVersion(row);
  const first = await prisma().tariffVersion.findFirst({ where: { tenantId }, orderBy: { id: 'asc' } });
  return toVersion(first!);
}
