import { countActiveApiKeys } from '@/server/apikeys/status';
import { calendarMonth } from '@/server/billing/period';
import { onboardingState, recordOnboarding } from '@/server/tenants/onboarding';
import { includedUnits } from '@/server/tenants/settings';
import { dailyUsage, lastExchangeAt, tracesInPeriod, usageTotals } from '@/server/usage/ledger';
import { router, tenantProcedure } from '../init';

export const overviewRouter = router({
  /** This calendar month (UTC): usage vs included units, by day, and quick facts. */
  summary: tenantProcedure.query(async ({ ctx }) => {
    const now = new Date();
    const period = calendarMonth(now);
    const tenantId = ctx.tenant.id;
    const [usage, daily, included, activeKeys, traces, lastExchange, onboarding] = await Promise.all([
      usageTotals(tenantId, period),
      dailyUsage(tenantId, period),
      includedUnits(tenantId),
      countActiveApiKeys(tenantId, now),
      tracesInPeriod(tenantId, period),
      lastExchangeAt(tenantId),
      onboardingState(tenantId),
    ]);
    return { period, usage, daily, included, activeKeys, traces, lastExchange, onboarding };
  }),

  /** The chain page saw a receipt chain verify in this member's browser (a getting-started step). */
  receiptVerified: tenantProcedure.mutation(async ({ ctx }) => {
    await recordOnboarding(ctx.tenant.id, 'verified');
    return { recorded: true };
  }),
});
