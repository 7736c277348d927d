import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import { exportChain, listTraces, loadChain } from '@/server/chains/repository';
import { router, tenantProcedure } from '../init';

const traceId = z.string().trim().min(1).max(200);
const notFound = (id: string) => new TRPCError({ code: 'NOT_FOUND', message: `No trace ${id} in this tenant.` });

// Every read is scoped to the caller's tenant; another tenant's trace is simply "not found".
export const receiptsRouter = router({
  list: tenantProcedure
    .input(z.object({ search: z.string().trim().max(200).optional() }))
    .query(({ input, ctx }) => listTraces({ tenantId: ctx.tenant.id, search: input.search || undefined, take: 100 })),

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
