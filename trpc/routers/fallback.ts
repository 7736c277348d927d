import { z } from 'zod';
import { audit } from '@/server/audit/log';
import { inTransaction } from '@/server/db/transaction';
import { calendarMonth } from '@/server/billing/period';
import { saveFallbackSettings, tenantSettings } from '@/server/tenants/settings';
import { usageTotals } from '@/server/usage/ledger';
import { ownerProcedure, router, tenantProcedure } from '../init';
import { unitCount } from '../schemas';

export const fallbackRouter = router({
  get: tenantProcedure.query(async ({ ctx }) => {
    const period = calendarMonth(new Date());
    const [settings, usage] = await Promise.all([tenantSettings(ctx.tenant.id), usageTotals(ctx.tenant.id, period)]);
    return { fallbackEnabled: settings.fallbackEnabled, fuMonthlyLimit: settings.fuMonthlyLimit, fuUsed: usage.fu, period };
  }),

  save: ownerProcedure
    .input(z.object({ fallbackEnabled: z.boolean(), fuMonthlyLimit: unitCount.nullable() }))
    .mutation(async ({ input, ctx }) => {
      return inTransaction(async (tx) => {
        const saved = await saveFallbackSettings(tx, ctx.tenant.id, input);
        await audit(tx, ctx.actor, 'fallback.update', {
          tenantId: ctx.tenant.id,
          detail: { fallbackEnabled: saved.fallbackEnabled, fuMonthlyLimit: saved.fuMonthlyLimit?.toString() ?? null },
        });
        return saved;
      });
    }),
});
