// Billing in the portal: the tenant's period preview, the catalog, checkout and the customer
// portal through the active provider, usage history, reconciliation downloads; and for admins,
// reserved capacity per tenant and the plan catalog with its default tiers.
import { z } from 'zod';
import { audit } from '@/server/audit/log';
import { inTransaction } from '@/server/db/transaction';
import { reservedToJson } from '@/server/billing/catalog';
import { billingDashboard } from '@/server/billing/dashboard';
import { saveDefaultTiers, savePlan } from '@/server/billing/plans-admin';
import { toCents } from '@/lib/money';
import { applyDuePlanChanges, cancelScheduledChange, scheduledChangeOf, quotePlanChange, scheduleDowngrade, type PlanChangeQuote } from '@/server/billing/plan-change';
import { activeBillingProvider, type PlanChangePricing } from '@/server/billing/provider';
import { getReservedCapacity, removeReservedCapacity, saveReservedCapacity } from '@/server/billing/reserved';
import { reconciliationCsv, signedReconciliation, usageHistory } from '@/server/billing/statements';
import { loadDefaultTiers, loadPlans } from '@/server/billing/terms';
import { adminProcedure, authedProcedure, ownerProcedure, router, tenantProcedure } from '../init';

// 18 digits always fit a 64-bit count.
const digits = (what: string) => z.string().trim().max(18, `${what} is too large`).regex(/^\d+$/, `${what} must be a whole number`);
const usd = z.string().trim().min(1, 'Enter a price in dollars').max(40, 'That price is too long');
const tenantId = z.string().min(1).max(128);

const reservedTier = z.object({ threshold: digits('Threshold'), pricePerUnit: usd, stripeItem: z.string().trim().max(200).nullable() });

const adminReservedRouter = router({
  get: adminProcedure.input(z.object({ tenantId })).query(async ({ input }) => {
    const capacity = await getReservedCapacity(input.tenantId);
    return capacity ? reservedToJson(capacity) : null;
  }),
  save: adminProcedure
    .input(
      z.object({
        tenantId,
        vexReserved: digits('VEx reserved'),
        fuReserved: digits('FU reserved'),
        subscriptionPlan: z.string().trim().max(200).nullable(),
        monthlyFee: z.string().trim().max(20).default('0'),
        vexTiers: z.array(reservedTier).max(20),
        fuTiers: z.array(reservedTier).max(20),
      }),
    )
    .mutation(async ({ input, ctx }) => {
      const tiers = (list: z.infer<typeof reservedTier>[]) => list.map((t) => ({ threshold: t.threshold, price_per_unit: t.pricePerUnit, stripe_item: t.stripeItem || null }));
      const saved = await saveReservedCapacity(ctx.actor, input.tenantId, {
        vex_reserved: input.vexReserved,
        fu_reserved: input.fuReserved,
        subscription_plan: input.subscriptionPlan || null,
        monthly_fee: input.monthlyFee,
        vex_overage_tiers: tiers(input.vexTiers),
        fu_overage_tiers: tiers(input.fuTiers),
      });
      return reservedToJson(saved);
    }),
  remove: adminProcedure.input(z.object({ tenantId })).mutation(({ input, ctx }) => removeReservedCapacity(ctx.actor, input.tenantId)),
});

const defaultTier = z.object({ upTo: digits('Threshold').nullable(), pricePerUnit: usd, stripeItem: z.string().trim().max(200).nullable() });

const adminPlansRouter = router({
  list: adminProcedure.query(async () => ({ plans: await loadPlansWithState(), tiers: await loadDefaultTiers() })),
  save: adminProcedure
    .input(
      z.object({
        id: z.string().min(1).max(64),
        name: z.string().trim().min(1, 'Name is required').max(80),
        monthlyFeeUsd: usd,
        includedVex: digits('Included VEx'),
        includedFu: digits('Included FU'),
        active: z.boolean(),
      }),
    )
    .mutation(async ({ input, ctx }) => {
      const plan = await savePlan(ctx.actor, { ...input, includedVex: BigInt(input.includedVex), includedFu: BigInt(input.includedFu) });
      return { id: plan.id };
    }),
  saveTiers: adminProcedure
    .input(z.object({ meter: z.enum(['vex', 'fu']), tiers: z.array(defaultTier).min(1).max(20) }))
    .mutation(({ input, ctx }) => saveDefaultTiers(ctx.actor, input.meter, input.tiers.map((t) => ({ ...t, upTo: t.upTo === null ? null : BigInt(t.upTo) })))),
});

/**
 * A quote as the portal shows it: money in exact units (bigint), times as ISO strings. `dueNow`
 * (cents) is Stripe's amount due when Stripe priced it, else Signet's proration; `pricing` says
 * which, and why Stripe did not when it failed.
 */
function quoteToJson(q: PlanChangeQuote, pricing: PlanChangePricing) {
  const plan = (p: PlanChangeQuote['to'] | null) => p && { id: p.id, name: p.name, monthlyFee: p.monthlyFee };
  return {
    from: plan(q.from),
    to: plan(q.to)!,
    direction: q.direction,
    monthlyDifference: q.monthlyDifference,
    dueNow: pricing.source === 'stripe' ? toCents(pricing.dueNow) : toCents(q.dueNow),
    pricing: pricing.source === 'stripe' ? { source: 'stripe' as const, prorationDate: pricing.prorationDate.toISOString() } : pricing,
    effective: q.effective,
    effectiveAt: q.effectiveAt.toISOString(),
    periodEnd: q.period.end.toISOString(),
    secondsLeft: q.secondsLeft,
    periodSeconds: q.periodSeconds,
  };
}

async function loadPlansWithState() {
  const [all, active] = await Promise.all([loadPlans({ includeInactive: true }), loadPlans()]);
  const activeIds = new Set(active.map((p) => p.id));
  return all.map((plan) => ({ ...plan, active: activeIds.has(plan.id) }));
}

export const billingRouter = router({
  /** This period's dashboard (the Overview and Billing pages) and which provider is active. */
  preview: tenantProcedure.query(async ({ ctx }) => {
    const provider = activeBillingProvider();
    await applyDuePlanChanges(new Date(), ctx.tenant.id);
    const dashboard = await billingDashboard(ctx.tenant.id);
    const scheduled = await scheduledChangeOf(ctx.tenant.id);
    return {
      ...dashboard,
      scheduledChange: scheduled && { planId: scheduled.plan.id, planName: scheduled.plan.name, at: scheduled.at.toISOString() },
      provider: { kind: provider.kind, testMode: provider.testMode },
    };
  }),

  /** The plans on offer and the default overage tiers they are rated with. */
  plans: authedProcedure.query(async () => ({ plans: await loadPlans(), tiers: await loadDefaultTiers() })),

  /** What changing to a plan costs now, per month, and when it takes effect; shown before `checkout`. */
  quote: ownerProcedure.input(z.object({ planId: z.string().min(1).max(64) })).query(async ({ input, ctx }) => {
    const quote = await quotePlanChange(ctx.tenant.id, input.planId);
    return quoteToJson(quote, await activeBillingProvider().pricePlanChange(ctx.tenant.id, quote));
  }),

  /**
   * Confirmed plan change: upgrades and first plans at once (Stripe: Checkout for a first
   * subscription, else the subscription changed in place at the previewed price), downgrades at
   * the period's end.
   */
  checkout: ownerProcedure.input(z.object({ planId: z.string().min(1).max(64), previewedAt: z.iso.datetime().max(40).optional() })).mutation(async ({ input, ctx }) => {
    const provider = activeBillingProvider();
    const quote = await quotePlanChange(ctx.tenant.id, input.planId);
    if (quote.direction === 'downgrade' && provider.kind === 'local') {
      await inTransaction(async (tx) => {
        await scheduleDowngrade(tx, quote, ctx.tenant.id);
        await audit(tx, ctx.actor, 'billing.plan.scheduled', { tenantId: ctx.tenant.id, target: input.planId, detail: { from: quote.from?.id ?? null, at: quote.effectiveAt.toISOString() } });
      });
      return { kind: 'scheduled' as const, planId: input.planId, at: quote.effectiveAt.toISOString() };
    }
    // The provider writes the 'billing.checkout' entry (with its change, or after Stripe answers).
    return provider.startCheckout({
      tenantId: ctx.tenant.id,
      planId: input.planId,
      email: ctx.principal.email,
      actor: ctx.actor,
      quote,
      ...(input.previewedAt && { previewedAt: new Date(input.previewedAt) }),
    });
  }),

  portal: ownerProcedure.mutation(({ ctx }) => activeBillingProvider().openPortal(ctx.tenant.id, ctx.actor)),

  /** Keeps the current plan: drops a downgrade waiting for the period's end. */
  cancelScheduled: ownerProcedure.mutation(async ({ ctx }) => {
    await inTransaction(async (tx) => {
      await cancelScheduledChange(tx, ctx.tenant.id);
      await audit(tx, ctx.actor, 'billing.plan.unscheduled', { tenantId: ctx.tenant.id, target: ctx.tenant.id });
    });
    return { canceled: true };
  }),

  /** Local provider only; Stripe subscriptions are cancelled in the Customer Portal. */
  cancel: ownerProcedure.mutation(async ({ ctx }) => {
    await activeBillingProvider().cancel(ctx.tenant.id, ctx.actor);
    return { canceled: true };
  }),

  history: tenantProcedure.query(({ ctx }) => usageHistory(ctx.tenant.id)),

  reconciliation: tenantProcedure
    .input(z.object({ period: z.string().max(7).regex(/^(current|\d{4}-(0[1-9]|1[0-2]))$/, 'Period must be "current" or YYYY-MM'), format: z.enum(['csv', 'json']) }))
    .query(async ({ input, ctx }) => {
      const name = `signet-reconciliation-${ctx.tenant.id}-${input.period}`;
      if (input.format === 'csv') return { filename: `${name}.csv`, contentType: 'text/csv', body: await reconciliationCsv(ctx.tenant.id, input.period) };
      const signed = await signedReconciliation(ctx.tenant.id, input.period);
      return { filename: `${name}.json`, contentType: 'application/json', body: `${JSON.stringify(signed, null, 2)}\n` };
    }),

  adminReserved: adminReservedRouter,
  adminPlans: adminPlansRouter,
});
