import { z } from 'zod';
import { AppError } from '@/server/errors';
import { audit } from '@/server/audit/log';
import { inTransaction } from '@/server/db/transaction';
import { evaluateForward } from '@/server/egress/policy';
import { globalAllowlist } from '@/server/settings/global-allowlist';
import { addTenantAllowlistEntry, removeTenantAllowlistEntry, tenantSettings } from '@/server/tenants/settings';
import { ownerProcedure, router, tenantProcedure } from '../init';

const entry = z.string().trim().min(1, 'Enter a host such as api.example.com').max(300, 'An entry is at most 300 characters');

export const allowlistRouter = router({
  get: tenantProcedure.query(async ({ ctx }) => ({
    entries: (await tenantSettings(ctx.tenant.id)).allowlist,
    global: await globalAllowlist(),
  })),

  add: ownerProcedure.input(z.object({ entry })).mutation(async ({ input, ctx }) => {
    return inTransaction(async (tx) => {
      const result = await addTenantAllowlistEntry(tx, ctx.tenant.id, input.entry);
      if (result.added) await audit(tx, ctx.actor, 'allowlist.tenant.add', { tenantId: ctx.tenant.id, target: result.entry });
      return result;
    });
  }),

  remove: ownerProcedure.input(z.object({ entry })).mutation(async ({ input, ctx }) => {
    await inTransaction(async (tx) => {
      if (!(await removeTenantAllowlistEntry(tx, ctx.tenant.id, input.entry))) throw new AppError('NOT_FOUND', `${input.entry} is not on the list.`);
      await audit(tx, ctx.actor, 'allowlist.tenant.remove', { tenantId: ctx.tenant.id, target: input.entry });
    });
    return { removed: true };
  }),

  /** The real forward policy against this tenant's and the platform's entries (DNS included). */
  test: tenantProcedure.input(z.object({ url: z.string().trim().min(1, 'Enter a URL').max(2000) })).mutation(async ({ input, ctx }) => {
    const { allowlist } = await tenantSettings(ctx.tenant.id);
    return evaluateForward(input.url, [...allowlist, ...(await globalAllowlist())]);
  }),
});
