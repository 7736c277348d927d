// Admin edits to the catalog: a plan's name, fee and included units, and the default overage
// tiers per meter. Validated, then saved with their audit entry in one transaction. Stripe prices are not changed from here:
// `npm run stripe:setup` replaces them from the catalog.
import { audit, type AuditActor } from '../audit/log';
import { prisma } from '../db';
import { inTransaction } from '../db/transaction';
import type { Meter } from './catalog';
import { formatUsd, parseUsd, toCents, fromCents } from '@/lib/money';
import { withTariffChange } from './tariffs';
import { AppError } from '../errors';

export class CatalogEditError extends AppError {
  constructor(readonly issues: string[]) {
    super('CATALOG_EDIT_INVALID', issues.join('; '), { details: { issues } });
    this.name = 'CatalogEditError';
  }
}

export interface PlanEdit {
  id: string;
  name: string;
  /** Dollars as a decimal string, whole cents: "499" or "499.00". */
  monthlyFeeUsd: string;
  includedVex: bigint;
  includedFu: bigint;
  active: boolean;
}

export async function savePlan(actor: AuditActor, edit: PlanEdit) {
  const issues: string[] = [];
  let feeCents = 0n;
  try {
    const fee = parseUsd(edit.monthlyFeeUsd);
    feeCents = toCents(fee);
    if (fee < 0n) issues.push('monthly fee must not be negative');
    else if (fromCents(feeCents) !== fee) issues.push('monthly fee must be whole cents');
  } catch (error) {
    issues.push(`monthly fee: ${(error as Error).message}`);
  }
  if (!edit.name.trim()) issues.push('name is required');
  if (edit.includedVex < 0n) issues.push('included VEx must not be negative');
  if (edit.includedFu < 0n) issues.push('included FU must not be negative');
  if (issues.length > 0) throw new CatalogEditError(issues);
  const existing = await prisma().plan.findUnique({ where: { id: edit.id } });
  if (!existing) throw new CatalogEditError([`no plan "${edit.id}"`]);
  const onPlan = async () => (await prisma().tenant.findMany({ where: { planId: edit.id }, select: { id: true } })).map((t) => t.id);
  return withTariffChange(onPlan, () =>
    inTransaction(async (tx) => {
      const plan = await tx.plan.update({
        where: { id: edit.id },
        data: { name: edit.name.trim(), monthlyFeeCents: feeCents, includedVex: edit.includedVex, includedFu: edit.includedFu, active: edit.active },
      });
      await audit(tx, actor, 'billing.plan.save', {
        target: edit.id,
        detail: {
          before: { name: existing.name, monthly_fee_cents: existing.monthlyFeeCents.toString(), included_vex: existing.includedVex.toString(), included_fu: existing.includedFu.toString(), active: existing.active },
          after: { name: plan.name, monthly_fee_cents: plan.monthlyFeeCents.toString(), included_vex: plan.includedVex.toString(), included_fu: plan.includedFu.toString(), active: plan.active },
        },
      });
      return plan;
    }),
  );
}

export interface TierEdit {
  /** Cumulative billable units this tier reaches; null on the last tier ("every further unit"). */
  upTo: bigint | null;
  /** Dollars per unit as a decimal string, e.g. "0.0008". */
  pricePerUnit: string;
  stripeItem: string | null;
}

/** Replaces a meter's default tiers: thresholds positive and strictly ascending, the last open-ended, prices positive. */
export async function saveDefaultTiers(actor: AuditActor, meter: Meter, tiers: TierEdit[]) {
  const issues = validateTiers(tiers);
  if (issues.length > 0) throw new CatalogEditError(issues);
  const normalized = tiers.map((t) => ({ upTo: t.upTo, price: formatUsd(parseUsd(t.pricePerUnit)), stripeItem: t.stripeItem?.trim() || null }));
  // The default tiers rate every tenant without reserved capacity.
  const rated = async () => (await prisma().tenant.findMany({ where: { reserved: null }, select: { id: true } })).map((t) => t.id);
  await withTariffChange(rated, () =>
    inTransaction(async (tx) => {
      await tx.overageTier.deleteMany({ where: { meter } });
      await tx.overageTier.createMany({ data: normalized.map((t, position) => ({ meter, position, upTo: t.upTo, pricePerUnit: t.price, stripeItem: t.stripeItem })) });
      await audit(tx, actor, 'billing.tiers.save', {
        target: meter,
        detail: { tiers: normalized.map((t) => ({ up_to: t.upTo?.toString() ?? null, price_per_unit: t.price, stripe_item: t.stripeItem })) },
      });
    }),
  );
}

export function validateTiers(tiers: TierEdit[]): string[] {
  const issues: string[] = [];
  if (tiers.length === 0) return ['at least one tier is required'];
  tiers.forEach((tier, i) => {
    const n = i + 1;
    try {
      if (parseUsd(tier.pricePerUnit) <= 0n) issues.push(`tier ${n}: price must be positive`);
    } catch (error) {
      issues.push(`tier ${n}: price ${(error as Error).message}`);
    }
    const last = i === tiers.length - 1;
    if (last && tier.upTo !== null) issues.push(`tier ${n}: the last tier must be open-ended (every further unit)`);
    if (!last && (tier.upTo === null || tier.upTo <= 0n)) issues.push(`tier ${n}: threshold must be a positive whole number`);
    const previous = tiers[i - 1]?.upTo;
    if (!last && tier.upTo !== null && previous != null && tier.upTo <= previous) issues.push(`tier ${n}: thresholds must be strictly ascending`);
  });
  return issues;
}
