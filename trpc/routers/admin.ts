import { z } from 'zod';
import { AppError } from '@/server/errors';
import { listAuditLog } from '@/server/audit/log';
import { loadConfig } from '@/server/config';
import { listSigningKeys, rotateSigningKey } from '@/server/keys/signing-keys';
import { saveGlobalAllowlist, storedGlobalAllowlist } from '@/server/settings/global-allowlist';
import { listTenants, tenantDetail } from '@/server/tenants/directory';
import { reviewPeriod } from '@/server/usage-proof/review';
import { adminProcedure, router } from '../init';
import { allowlistEntry } from '../schemas';

export const AUDIT_PAGE_SIZE = 25;

export const adminRouter = router({
  tenants: adminProcedure
    .input(z.object({ search: z.string().trim().max(100).optional() }))
    .query(({ input }) => listTenants({ search: input.search })),

  tenant: adminProcedure.input(z.object({ id: z.string().min(1).max(64) })).query(async ({ input }) => {
    const detail = await tenantDetail(input.id);
    if (!detail) throw new AppError('NOT_FOUND', `No tenant with id ${input.id}.`);
    return detail;
  }),

  globalAllowlist: adminProcedure.query(async () => ({
    fromEnvironment: loadConfig().helAllowlist,
    entries: await storedGlobalAllowlist(),
  })),

  saveGlobalAllowlist: adminProcedure.input(z.object({ entries: z.array(allowlistEntry).max(500, 'At most 500 entries') })).mutation(async ({ input, ctx }) => {
    const entries = [...new Set(input.entries)];
    await saveGlobalAllowlist(ctx.actor, entries);
    return { entries };
  }),

  usageReview: adminProcedure
    .input(z.object({ tenantId: z.string().min(1).max(64), period: z.string().trim().min(1).max(16) }))
    .query(({ input }) => reviewPeriod(input.tenantId, input.period)),

  signingKeys: adminProcedure.query(() => listSigningKeys()),

  rotateSigningKey: adminProcedure.mutation(({ ctx }) => rotateSigningKey(ctx.actor)),

  auditLog: adminProcedure
    .input(
      z.object({
        tenantId: z.string().min(1).max(64).optional(),
        actionPrefix: z.string().trim().max(100).optional(),
        before: z.bigint().positive().max(2n ** 63n - 1n).optional(),
      }),
    )
    .query(async ({ input }) => {
      const rows = await listAuditLog({ ...input, actionPrefix: input.actionPrefix || undefined, take: AUDIT_PAGE_SIZE + 1 });
      const entries = rows.slice(0, AUDIT_PAGE_SIZE);
      return { entries, nextBefore: rows.length > AUDIT_PAGE_SIZE ? entries.at(-1)!.id : null };
    }),
});
