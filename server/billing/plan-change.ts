// Changing plans: what a change costs and when it takes effect, quoted before the owner
// confirms. Upgrades (a higher monthly fee) take effect at once and are prorated as Stripe
// prorates by default: the fee difference times the share of the period's seconds still left.
// Downgrades wait for the end of the period (no credit for the period already paid), stored on
// the tenant and applied by `applyDuePlanChanges` (the outbox worker's timer and every billing read).
import { prisma } from '../db';
import { inTransaction, type Tx } from '../db/transaction';
import type { PlanDefinition } from './catalog';
import type { Money } from '@/lib/money';
import type { BillingPeriod } from './period';
import { applySubscriptionChange } from './subscription';
import { loadPlans, tenantBilling } from './terms';
import { AppError } from '../errors';
import { existingTenants, withTariffChange } from './tariffs';

export interface PlanChangeQuote {
  from: PlanDefinition | null;
  to: PlanDefinition;
  /** `new`: no plan yet; the first plan starts at once and its fee is charged in full. */
  direction: 'new' | 'upgrade' | 'downgrade';
  /** The monthly fee's change (negative for a downgrade). */
  monthlyDifference: Money;
  /** What is charged now: the prorated difference for an upgrade, the fee for a first plan, 0 for a downgrade. */
  dueNow: Money;
  effective: 'now' | 'period_end';
  effectiveAt: Date;
  period: BillingPeriod;
  /** The instant the change is priced at (Stripe's `proration_date` when Stripe previews it). */
  quotedAt: Date;
  /** Seconds of the period left at `now`, of `periodSeconds`. */
  secondsLeft: number;
  periodSeconds: number;
}

export class PlanChangeError extends AppError {
  constructor(message: string) {
    super('PLAN_CHANGE_REFUSED', message);
    this.name = 'PlanChangeError';
  }
}

/** `amount` × secondsLeft / periodSeconds, in whole money units (1e-10 USD), rounded half up. */
export function prorate(amount: Money, period: BillingPeriod, now: Date): { amount: Money; secondsLeft: number; periodSeconds: number } {
  const periodSeconds = Math.round((period.end.getTime() - period.start.getTime()) / 1000);
  const secondsLeft = Math.max(0, Math.min(periodSeconds, Math.floor((period.end.getTime() - now.getTime()) / 1000)));
  const magnitude = ((amount < 0n ? -amount : amount) * BigInt(secondsLeft) * 2n + BigInt(periodSeconds)) / (2n * BigInt(periodSeconds));
  return { amount: amount < 0n ? -magnitude : magnitude, secondsLeft, periodSeconds };
}

export async function quotePlanChange(tenantId: string, planId: string, now: Date = new Date()): Promise<PlanChangeQuote> {
  await applyDuePlanChanges(now, tenantId);
  const [billing, plans] = await Promise.all([tenantBilling(tenantId, now), loadPlans()]);
  const to = plans.find((p) => p.id === planId);
  if (!to) throw new PlanChangeError(`no active plan "${planId}"`);
  const from = billing.tenant.planId ? billing.plan : null;
  if (from?.id === to.id) throw new PlanChangeError(`${to.name} is already your plan`);
  const difference = to.monthlyFee - (from?.monthlyFee ?? 0n);
  const prorated = prorate(difference, billing.period, now);
  const direction = !from ? 'new' : difference < 0n ? 'downgrade' : 'upgrade';
  return {
    from,
    to,
    direction,
    monthlyDifference: difference,
    dueNow: direction === 'new' ? to.monthlyFee : direction === 'upgrade' ? prorated.amount : 0n,
    effective: direction === 'downgrade' ? 'period_end' : 'now',
    effectiveAt: direction === 'downgrade' ? billing.period.end : now,
    period: billing.period,
    quotedAt: now,
    secondsLeft: prorated.secondsLeft,
    periodSeconds: prorated.periodSeconds,
  };
}

/** Stores a downgrade for the end of the period (replacing any earlier one), in the caller's transaction. */
export async function scheduleDowngrade(tx: Tx, quote: PlanChangeQuote, tenantId: string): Promise<void> {
  if (quote.direction !== 'downgrade') throw new PlanChangeError('only downgrades wait for the end of the period');
  await tx.tenant.update({ where: { id: tenantId }, data: { scheduledPlanId: quote.to.id, scheduledPlanAt: quote.effectiveAt } });
}

/** The downgrade waiting for the end of the period, if any. */
export async function scheduledChangeOf(tenantId: string): Promise<{ plan: PlanDefinition; at: Date } | null> {
  const tenant = await prisma().tenant.findUnique({ where: { id: tenantId }, select: { scheduledPlanId: true, scheduledPlanAt: true } });
  if (!tenant?.scheduledPlanId || !tenant.scheduledPlanAt) return null;
  const plan = (await loadPlans({ includeInactive: true })).find((p) => p.id === tenant.scheduledPlanId);
  return plan ? { plan, at: tenant.scheduledPlanAt } : null;
}

export async function cancelScheduledChange(tx: Tx, tenantId: string): Promise<void> {
  await tx.tenant.update({ where: { id: tenantId }, data: { scheduledPlanId: null, scheduledPlanAt: null } });
}

/** Clears a scheduled downgrade when the plan changes another way (an upgrade, a cancellation). */
export async function clearScheduledChange(tx: Tx, tenantId: string): Promise<void> {
  await tx.tenant.updateMany({ where: { id: tenantId, scheduledPlanId: { not: null } }, data: { scheduledPlanId: null, scheduledPlanAt: null } });
}

/** Applies every scheduled downgrade whose time has come (one tenant's, or all). Returns how many. */
export async function applyDuePlanChanges(now: Date = new Date(), tenantId?: string): Promise<number> {
  const due = await prisma().tenant.findMany({
    where: { scheduledPlanAt: { lte: now }, scheduledPlanId: { not: null }, ...(tenantId && { id: tenantId }) },
    select: { id: true, scheduledPlanId: true, scheduledPlanAt: true },
  });
  let applied = 0;
  for (const tenant of due) {
    // The new terms are recorded as in force from when the change was due, not from when this ran.
    await withTariffChange(existingTenants([tenant.id]), () => inTransaction(async (tx) => {
      // Claim it: another instance may be applying the same change.
      const claimed = await tx.tenant.updateMany({ where: { id: tenant.id, scheduledPlanId: tenant.scheduledPlanId, scheduledPlanAt: tenant.scheduledPlanAt }, data: { scheduledPlanId: null, scheduledPlanAt: null } });
      if (claimed.count === 0) return;
      const plan = await tx.plan.findUnique({ where: { id: tenant.scheduledPlanId! } });
      if (!plan) return;
      await applySubscriptionChange(
        {
          eventId: `scheduled_${tenant.id}_${tenant.scheduledPlanAt!.getTime().toString(36)}`,
          type: 'customer.subscription.updated',
          occurredAt: tenant.scheduledPlanAt!,
          tenantId: tenant.id,
          customerId: null,
          subscriptionId: null,
          status: 'active',
          planLookupKey: plan.lookupKey,
          periodStart: null,
          periodEnd: null,
        },
        'local',
        tx,
      );
      applied++;
    }), tenant.scheduledPlanAt!);
  }
  return applied;
}
