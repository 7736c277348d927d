import { z } from 'zod';
import { AppError } from '@/server/errors';
import { exportChain, listReceipts, loadChain } from '@/server/chains/repository';
import { router, tenantProcedure } from '../init';

const traceId = z.string().trim().min(1).max(200);
const notFound = (id: string) => new AppError('NOT_FOUND', `No trace ${id} in this tenant.`);

// Every read is scoped to the caller's tenant; another tenant's trace is simply "not found".
export const receiptsRouter = router({
  list: tenantProcedure
    .input(
      z.object({
        search: z.string().trim().max(200).optional(),
        type: z.string().trim().min(1).max(200).optional(),
        repaired: z.boolean().optional(),
        fallback: z.boolean().optional(),
        from: z.date().optional(),
        to: z.date().optional(),
        cursor: z.object({ at: z.string().max(40).datetime(), id: z.string().max(19).regex(/^\d{1,19}$/) }).optional(),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(({ input, ctx }) => {
      const { cursor, limit, search, ...filter } = input;
      return listReceipts({ ...filter, search: search || undefined, tenantId: ctx.tenant.id }, { cursor, limit });
    }),

  chain: tenantProcedure.input(z.object({ traceId })).query(async ({ input, ctx }) => {
    const chain = await loadChain(ctx.tenant.id, input.traceId);
    if (!chain) throw notFound(input.traceId);
    return chain;
  }),

  exportBundle: tenantProcedure.input(z.object({ traceId })).query(async ({ input, ctx }) => {
    const bundle = await exportChain(ctx.tenant.id, input.traceId);
    if (!bundle) throw notFound(input.traceId);
    return bundle;
  }),
});
